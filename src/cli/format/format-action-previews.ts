import { escapeUntrustedLine } from '../../display/escape-untrusted.js';
import type { KillDecision } from '../../recovery/decide-kill.js';
import type { ActionPreview } from '../../recovery/preview-actions.js';
import { formatSeconds } from '../../time/format-duration.js';
import { describePids, describeRules } from '../../match/judge-matches.js';

/**
 * One numbered line per action, exactly what would run: `--dry-run`'s answer. Escaped to one
 * line each ({@link escapeUntrustedLine}): why a kill is refused can quote the heartbeat's
 * process, whose command line the app chose.
 */
export function formatActionPreviews(previews: readonly ActionPreview[], indent = '  '): string[] {
  if (previews.length === 0) return [`${indent}(no actions)`];
  return previews.map((preview, index) => escapeUntrustedLine(`${indent}${index + 1}. ${describePreview(preview)}`));
}

function describeNoSignal(kill: Exclude<KillDecision, { kind: 'signal' }> | undefined): string {
  if (kill === undefined) return 'unknown';
  switch (kill.kind) {
    case 'refused':
      return `refused: ${kill.why}`;
    case 'nothing_to_kill':
      return `nothing to kill: ${kill.why}`;
    case 'cannot_kill':
      return `would fail and stop the pipeline: ${kill.why}`;
  }
}

function describePreview({ plan, kill }: ActionPreview): string {
  switch (plan.kind) {
    case 'kill': {
      if (kill?.kind === 'signal_each') {
        const pids = describePids(kill.targets.map((target) => target.pid));
        const skipped = kill.notSignalled.length === 0 ? '' : `; not signalled: ${kill.notSignalled.join('; ')}`;
        return `kill: SIGTERM to each matching process, ${pids} (never a process group), SIGKILL after ${formatSeconds(plan.timeoutSeconds)} (kill_timeout)${skipped}`;
      }
      if (kill === undefined || kill.kind !== 'signal') return `kill: ${describeNoSignal(kill)}`;
      const who = kill.target.group
        ? `process group ${kill.target.pid} (PID ${kill.target.pid} leads it)`
        : `PID ${kill.target.pid}`;
      return `kill: SIGTERM to ${who}, SIGKILL after ${formatSeconds(plan.timeoutSeconds)} (kill_timeout)`;
    }
    case 'command':
      return `${plan.action}: /bin/sh -c ${JSON.stringify(plan.command)}${asUser(plan.user)} in ${plan.cwd}, killed with its process group after ${formatSeconds(plan.timeoutSeconds)} (cleanup_timeout)`;
    case 'wol':
      return `${plan.action}: send a Wake-on-LAN magic packet for ${plan.target.mac} to ${plan.target.broadcast}:${plan.target.port} (UDP)`;
    case 'start':
      return (
        `start: ${plan.heartbeat === undefined ? '' : `move ${plan.heartbeat.path} to ${plan.heartbeat.movedTo}, then `}/bin/sh -c ${JSON.stringify(plan.command)}${asUser(plan.user)} in ${plan.cwd}, ` +
        `detached, output appended to ${plan.outputLog}; fails if it exits non-zero within ${formatSeconds(plan.verifyDelaySeconds)} (verify_delay)` +
        // Asked again when the start runs (after the kill): what matches then is never joined by a second copy.
        (plan.byMatch === undefined
          ? ''
          : `; refused if a process matches ${describeRules(plan.byMatch)} at that moment (never a second copy)`)
      );
  }
}

function asUser(user: string | undefined): string {
  return user === undefined ? '' : ` as ${user}`;
}
