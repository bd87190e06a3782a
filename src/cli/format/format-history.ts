import { formatSeconds } from '../../time/format-duration.js';
import type { CheckHistoryRow } from '../../store/read-state.js';
import { renderTable } from '../../display/render-table.js';

/**
 * `watchdog history` as a table, newest first as given. `heartbeat: false` (only file system
 * entries listed, which have no heartbeat) leaves out the heartbeat's age, PID and iteration.
 */
export function formatHistoryTable(
  rows: readonly CheckHistoryRow[],
  { heartbeat = true }: { heartbeat?: boolean } = {},
): string[] {
  const heartbeatCells = (row: CheckHistoryRow): string[] =>
    heartbeat
      ? [
          row.heartbeat_age_seconds === null ? '-' : formatSeconds(Math.max(0, row.heartbeat_age_seconds)),
          row.pid === null ? '-' : String(row.pid),
          row.iteration === null ? '-' : String(row.iteration),
        ]
      : [];
  return renderTable(
    [
      'CHECKED AT (UTC)',
      'KEY',
      'STATE',
      'FAILURES',
      ...(heartbeat ? ['HEARTBEAT AGE', 'PID', 'ITERATION'] : []),
      'ACTION',
      'REASON',
    ],
    rows.map((row) => [
      row.checked_at.slice(0, 19).replace('T', ' '),
      row.process_key,
      stateCellOf(row),
      row.consecutive_failures === null ? '-' : String(row.consecutive_failures),
      ...heartbeatCells(row),
      row.id === null
        ? 'in memory'
        : row.recovery_id === null
          ? (row.action_taken ?? '-')
          : `${row.action_taken ?? 'recovery'} #${row.recovery_id}`,
      row.reason ?? '',
    ]),
  );
}

/** The state, and for a row that stands for a run of unchanged checks, how many and until when (`healthy ×60 to 12:59:05`). */
function stateCellOf(row: CheckHistoryRow): string {
  if (row.check_count <= 1 || row.last_checked_at === null) return row.health;
  const until =
    row.last_checked_at.slice(0, 10) === row.checked_at.slice(0, 10)
      ? row.last_checked_at.slice(11, 19)
      : row.last_checked_at.slice(0, 19).replace('T', ' ');
  return `${row.health} ×${row.check_count} to ${until}`;
}
