import { formatSeconds } from '../../time/format-duration.js';
import type { CheckHistoryRow } from '../../store/read-state.js';
import { renderTable } from '../../display/render-table.js';

/** `watchdog history` as a table, newest first as given. */
export function formatHistoryTable(rows: readonly CheckHistoryRow[]): string[] {
  return renderTable(
    ['CHECKED AT (UTC)', 'KEY', 'STATE', 'FAILURES', 'HEARTBEAT AGE', 'PID', 'ITERATION', 'ACTION', 'REASON'],
    rows.map((row) => [
      row.checked_at.slice(0, 19).replace('T', ' '),
      row.process_key,
      row.health,
      row.consecutive_failures === null ? '-' : String(row.consecutive_failures),
      row.heartbeat_age_seconds === null ? '-' : formatSeconds(Math.max(0, row.heartbeat_age_seconds)),
      row.pid === null ? '-' : String(row.pid),
      row.iteration === null ? '-' : String(row.iteration),
      row.recovery_id === null ? (row.action_taken ?? '-') : `${row.action_taken ?? 'recovery'} #${row.recovery_id}`,
      row.reason ?? '',
    ]),
  );
}
