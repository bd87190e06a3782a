import { formatCount } from '../../display/format-count.js';
import { renderSegments, type Segment } from '../../display/render-segments.js';
import { styleOfState } from '../../display/state-style.js';
import { isFailure, type HealthState } from '../../heartbeat/health-state.js';
import type { TickOutcome } from '../../tick/tick-outcome.js';
import { assessedCheckOf } from '../../tick/filesystem-check.js';
import type { AssessedCheck } from '../../tick/process-check.js';
import type { OutputStyle } from '../output-style.js';

/**
 * What a tick did, in one line, for `check` typed in a terminal: how many processes it
 * checked and how many are healthy, each other one with its state (and failures/threshold
 * when it is failing), the file system entries likewise, each recovery and how it ended or why it was refused, and the uplink. Cut to the
 * terminal's width; `check --verbose` and `watchdog status` tell the rest. Pure.
 *
 * @example
 * // 'checked 2 processes: 1 healthy, api no_heartbeat 2/2; api recovered (recovery #3)'
 */
export function formatTickSummary(outcome: TickOutcome, style: OutputStyle): string {
  if (outcome.kind === 'lock-held')
    return renderSegments(
      [{ text: `another watchdog holds ${outcome.lockPath}; nothing done`, style: 'yellow' }],
      style,
    );
  const segments: Segment[] = [{ text: `checked ${formatCount(outcome.checks.length, 'process', 'processes')}` }];
  if (outcome.checks.length === 0) segments.push({ text: ' (none enabled)' });
  segments.push(...listChecks(outcome.checks));
  const filesystems = outcome.filesystems?.checks.map(assessedCheckOf) ?? [];
  if (filesystems.length > 0)
    segments.push(
      { text: `; ${formatCount(filesystems.length, 'file system', 'file systems')}` },
      ...listChecks(filesystems),
    );
  for (const recovery of [...outcome.recoveries, ...(outcome.filesystems?.recoveries ?? [])]) {
    segments.push({ text: '; ' });
    if (recovery.outcome === 'succeeded')
      segments.push({ text: `${recovery.processKey} recovered (recovery #${recovery.recoveryId})`, style: 'green' });
    else
      segments.push({
        text: `${recovery.processKey} recovery #${recovery.recoveryId} ${recovery.outcome}`,
        style: recovery.outcome === 'failed' ? 'red' : 'yellow',
      });
  }
  for (const refusal of outcome.refused ?? [])
    segments.push({ text: '; ' }, { text: `${refusal.processKey} recovery refused: ${refusal.why}`, style: 'yellow' });
  const network = outcome.network;
  if (network !== undefined) {
    const state = network.verdict.state;
    segments.push(
      { text: `; network ${network.interface} ` },
      { text: state, style: state === 'up' ? 'green' : state === 'check_error' ? 'yellow' : 'red' },
    );
    const ladder = network.ladder;
    if (ladder !== undefined)
      segments.push({
        text: ladder.outcome === 'healed' ? ` (healed by ${ladder.healedBy ?? '?'})` : ` (ladder ${ladder.outcome})`,
      });
  }
  return renderSegments(segments, style);
}

/** `: 1 healthy, api no_heartbeat 2/2`: how many checks are healthy, and each other one with its state. */
function listChecks(checks: readonly AssessedCheck[]): Segment[] {
  const healthy = checks.filter((check) => check.verdict.state === 'healthy').length;
  const others = checks.filter((check) => check.verdict.state !== 'healthy');
  const listed: Segment[][] = [];
  if (healthy > 0) listed.push([{ text: `${healthy} healthy`, style: 'green' }]);
  for (const check of others) {
    const state = check.verdict.state;
    const failures = isFailure(state as HealthState) ? ` ${check.consecutiveFailures}/${check.threshold}` : '';
    listed.push([{ text: `${check.process.key} ` }, { text: state, style: styleOfState(state) }, { text: failures }]);
  }
  return listed.flatMap((item, index) => [{ text: index === 0 ? ': ' : ', ' }, ...item]);
}
