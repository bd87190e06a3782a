import { escapeUntrustedLine } from '../../display/escape-untrusted.js';
import { formatSeconds } from '../../time/format-duration.js';
import type { ProcessStatus } from '../../status/build-status.js';
import { renderTable } from './render-table.js';

/**
 * `watchdog status` as a table a person reads at a glance, then warnings, failed recoveries
 * and where app output goes. Reasons, warnings and details hold what heartbeats and commands
 * said: every line is escaped to one line ({@link escapeUntrustedLine}; the table's cells by
 * `renderTable`).
 */
export function formatStatusTable(statuses: readonly ProcessStatus[], nowMs: number): string[] {
  const rows = statuses.map((status) => [
    status.key,
    status.display_name,
    status.state,
    status.enabled ? `${status.consecutive_failures}/${status.threshold}${status.recovery_due ? ' recovery due' : ''}` : '-',
    status.heartbeat_age_seconds === null ? '-' : formatSeconds(Math.max(0, status.heartbeat_age_seconds)),
    status.pid === null ? '-' : String(status.pid),
    status.identity ?? '-',
    formatAgo(status.last_check_at, nowMs),
    status.last_recovery === null ? '-' : `#${status.last_recovery.id} ${status.last_recovery.kind} ${status.last_recovery.outcome} ${formatAgo(status.last_recovery.started_at, nowMs)}`,
    status.reason ?? '',
  ]);
  const table = renderTable(['KEY', 'NAME', 'STATE', 'FAILURES', 'HEARTBEAT AGE', 'PID', 'IDENTITY', 'LAST CHECK', 'LAST RECOVERY', 'REASON'], rows);
  const lines: string[] = [];
  for (const status of statuses) {
    if (status.warning !== null) lines.push(`warning: ${status.key}: ${status.warning}`);
  }
  for (const status of statuses) {
    if (status.gave_up_at === null) continue;
    lines.push(
      `gave up on ${status.key} at ${status.gave_up_at} (${status.gave_up_reason ?? 'crash loop'}): \`watchdog on ${status.key}\` or \`watchdog reset ${status.key}\` resumes recoveries`,
    );
  }
  for (const status of statuses) {
    const recovery = status.last_recovery;
    if (recovery !== null && recovery.outcome !== 'succeeded' && recovery.outcome !== 'skipped' && recovery.detail !== null) {
      lines.push(`last ${recovery.kind} of ${status.key} ${recovery.outcome}: ${recovery.detail}`);
    }
  }
  for (const status of statuses) lines.push(`app output of ${status.key} (stdout and stderr of what the watchdog starts): ${status.output_log}`);
  return [...table, ...lines.map(escapeUntrustedLine)];
}

/** `35s ago` from a stored timestamp; `never` when there is none. */
export function formatAgo(timestamp: string | null, nowMs: number): string {
  if (timestamp === null) return 'never';
  const then = Date.parse(timestamp);
  if (Number.isNaN(then)) return timestamp;
  const seconds = (nowMs - then) / 1000;
  return seconds < 0 ? `in ${formatSeconds(-seconds)}` : `${formatSeconds(seconds)} ago`;
}
