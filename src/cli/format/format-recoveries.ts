import { escapeUntrusted, escapeUntrustedLine } from '../../display/escape-untrusted.js';
import type { RecoveryWithActions } from '../../store/read-state.js';
import { formatSeconds } from '../../time/format-duration.js';

/**
 * `watchdog history --recoveries`: each recovery, then its actions in order with what they
 * printed. Every line is escaped for the terminal: a recovery's lines with
 * {@link escapeUntrustedLine}, so a reason or detail cannot add a line; each line of an
 * output tail with {@link escapeUntrusted}, so what the app printed keeps its tabs.
 */
export function formatRecoveries(recoveries: readonly RecoveryWithActions[]): string[] {
  const lines: string[] = [];
  const push = (line: string): void => {
    lines.push(escapeUntrustedLine(line));
  };
  for (const recovery of recoveries) {
    const took = recovery.duration_ms === null ? '' : ` in ${formatSeconds(recovery.duration_ms / 1000)}`;
    push(
      `#${recovery.id} ${recovery.started_at.slice(0, 19).replace('T', ' ')} UTC  ${recovery.process_key}  ${recovery.kind} by ${recovery.requested_by} (${recovery.command}): ${recovery.outcome}${took}`,
    );
    if (recovery.trigger_health !== null)
      push(`    why: ${recovery.trigger_health} (${recovery.trigger_reason ?? ''})`);
    if (recovery.detail !== null) push(`    ${recovery.detail}`);
    for (const action of recovery.actions) {
      const facts = [
        formatSeconds(action.duration_ms / 1000),
        action.pid === null ? undefined : `PID ${action.pid}`,
        action.exit_code === null ? undefined : `exit ${action.exit_code}`,
        action.signal === null ? undefined : action.signal,
        action.timed_out === 1 ? 'timed out' : undefined,
      ].filter((fact) => fact !== undefined);
      push(
        `    ${action.position + 1}. ${action.action}: ${action.outcome} (${facts.join(', ')}): ${action.detail ?? ''}`,
      );
      // Split at CRLF too, so a line's ending is not shown as \x0d.
      for (const outputLine of (action.output_tail ?? '')
        .trimEnd()
        .split(/\r?\n/)
        .filter((line) => line !== '')
        .slice(-5)) {
        lines.push(`       | ${escapeUntrusted(outputLine)}`);
      }
    }
  }
  return lines;
}
