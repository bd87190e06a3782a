import type { RecoveryWithActions } from '../../store/read-state.js';
import { formatSeconds } from '../../time/format-duration.js';

/** `watchdog history --recoveries`: each recovery, then its actions in order with what they printed. */
export function formatRecoveries(recoveries: readonly RecoveryWithActions[]): string[] {
  const lines: string[] = [];
  for (const recovery of recoveries) {
    const took = recovery.duration_ms === null ? '' : ` in ${formatSeconds(recovery.duration_ms / 1000)}`;
    lines.push(
      `#${recovery.id} ${recovery.started_at.slice(0, 19).replace('T', ' ')} UTC  ${recovery.process_key}  ${recovery.kind} by ${recovery.requested_by} (${recovery.command}): ${recovery.outcome}${took}`,
    );
    if (recovery.trigger_health !== null) lines.push(`    why: ${recovery.trigger_health} (${recovery.trigger_reason ?? ''})`);
    if (recovery.detail !== null) lines.push(`    ${recovery.detail}`);
    for (const action of recovery.actions) {
      const facts = [
        formatSeconds(action.duration_ms / 1000),
        action.pid === null ? undefined : `PID ${action.pid}`,
        action.exit_code === null ? undefined : `exit ${action.exit_code}`,
        action.signal === null ? undefined : action.signal,
        action.timed_out === 1 ? 'timed out' : undefined,
      ].filter((fact) => fact !== undefined);
      lines.push(`    ${action.position + 1}. ${action.action}: ${action.outcome} (${facts.join(', ')}): ${action.detail ?? ''}`);
      for (const outputLine of (action.output_tail ?? '').trimEnd().split('\n').filter((line) => line !== '').slice(-5)) {
        lines.push(`       | ${outputLine}`);
      }
    }
  }
  return lines;
}
