import { escapeUntrustedLine } from '../../display/escape-untrusted.js';
import { padText } from '../../display/fit-text.js';
import { paint } from '../../display/paint.js';
import { styleOfState } from '../../display/state-style.js';
import type { ProcessStatus } from '../../status/build-status.js';
import { formatSeconds } from '../../time/format-duration.js';
import { formatAgo } from './format-status.js';
import { formatMegabytes, formatPercent } from '../../limits/check-limits.js';
import { treeOf } from '../../limits/judge-limits.js';

/**
 * `watchdog status KEY`: one process whole, a labelled line per fact, never cut (a terminal
 * wraps what is wider than it): what the table of all processes leaves out or shortens.
 * Each value is escaped to one line ({@link escapeUntrustedLine}): reasons, warnings and
 * details quote heartbeats and commands. Lines about what is not the case are left out.
 */
export function formatStatusDetail(status: ProcessStatus, nowMs: number, color = false): string[] {
  const facts: [string, string][] = [];
  const recovery = status.last_recovery;
  const failures = status.enabled
    ? `${status.consecutive_failures}/${status.threshold}${status.recovery_due ? ', recovery due' : ''}`
    : '-';
  facts.push(['failures', failures]);
  if (status.heartbeat_age_seconds !== null) {
    const parts = [
      status.heartbeat_status === null ? undefined : `status ${status.heartbeat_status}`,
      status.iteration === null ? undefined : `iteration ${status.iteration}`,
      status.heartbeat_timestamp === null ? undefined : `written ${status.heartbeat_timestamp}`,
    ].filter((part) => part !== undefined);
    facts.push([
      'heartbeat',
      `${formatSeconds(Math.max(0, status.heartbeat_age_seconds))} old${parts.length === 0 ? '' : ` (${parts.join(', ')})`}`,
    ]);
  }
  if (status.pid !== null)
    facts.push(['pid', `${status.pid}${status.identity === null ? '' : ` (known by ${status.identity})`}`]);
  if (status.memory_bytes !== null) {
    const cpu = status.cpu_percent === null ? 'cpu: no rate yet' : `cpu ${formatPercent(status.cpu_percent)}`;
    const tree = status.usage_descendants === null ? '' : ` (${treeOf(status.usage_descendants)})`;
    facts.push(['usage', `memory ${formatMegabytes(status.memory_bytes)}, ${cpu}${tree}, at the last check`]);
  }
  facts.push([
    'last check',
    status.last_check_at === null ? 'never' : `${formatAgo(status.last_check_at, nowMs)} (${status.last_check_at})`,
  ]);
  if (recovery !== null) {
    const by = recovery.requested_by === '' ? '' : `, by ${recovery.requested_by}`;
    facts.push([
      'last recovery',
      `#${recovery.id} ${recovery.kind} ${recovery.outcome} ${formatAgo(recovery.started_at, nowMs)}${by}${recovery.detail === null ? '' : `: ${recovery.detail}`}`,
    ]);
  }
  if (status.started_at !== null)
    facts.push([
      'started',
      `${status.started_at}${status.grace_until === null ? '' : `, first heartbeat due by ${status.grace_until}`}`,
    ]);
  if (status.off_since !== null)
    facts.push([
      'off',
      `since ${status.off_since}${status.off_by === null ? '' : ` (by ${status.off_by})`}: \`watchdog on ${status.key}\` turns it back on`,
    ]);
  if (status.gave_up_at !== null) {
    facts.push([
      'gave up',
      `at ${status.gave_up_at} (${status.gave_up_reason ?? 'crash loop'}): \`watchdog on ${status.key}\` or \`watchdog reset ${status.key}\` resumes recoveries`,
    ]);
  }
  if (status.incident_id !== null)
    facts.push([
      'incident',
      `${status.incident_id} open since ${status.incident_opened_at ?? 'an unknown time'}: closed by process_recovered (healthy again) or process_off`,
    ]);
  if (status.warning !== null) facts.push(['warning', status.warning]);
  facts.push(['app output', `${status.output_log} (stdout and stderr of what the watchdog starts)`]);

  const label = (name: string): string => padText(name, 'last recovery'.length);
  const state = paint(escapeUntrustedLine(status.state), styleOfState(status.state), color);
  return [
    escapeUntrustedLine(`${status.key}: ${status.display_name}`),
    `  ${label('state')}  ${state}${status.reason === null ? '' : `: ${escapeUntrustedLine(status.reason)}`}`,
    ...facts.map(([name, value]) => `  ${label(name)}  ${escapeUntrustedLine(value)}`),
  ];
}
