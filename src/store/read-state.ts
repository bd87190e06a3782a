import type { Store } from './open-store.js';

/** A `process_state` row: where each process stood after its last check. */
export interface ProcessStateRow {
  process_key: string;
  consecutive_failures: number;
  last_check_at: string | null;
  last_health: string | null;
  last_pid: number | null;
  last_heartbeat_ts: string | null;
  last_iteration: number | null;
  last_reason: string | null;
  last_heartbeat_age_seconds: number | null;
  last_heartbeat_status: string | null;
  last_warning: string | null;
  recovery_due_since: string | null;
}

/** A `check_history` row. */
export interface CheckHistoryRow {
  id: number;
  process_key: string;
  checked_at: string;
  health: string;
  pid: number | null;
  heartbeat_ts: string | null;
  iteration: number | null;
  action_taken: string | null;
  reason: string | null;
  heartbeat_age_seconds: number | null;
  heartbeat_status: string | null;
  consecutive_failures: number | null;
  warning: string | null;
}

/** Every process's state, by process key. */
export function readProcessStates(db: Store): Map<string, ProcessStateRow> {
  const rows = db.prepare<[], ProcessStateRow>('SELECT * FROM process_state').all();
  return new Map(rows.map((row) => [row.process_key, { ...row, consecutive_failures: row.consecutive_failures ?? 0 }]));
}

/** The most recent checks, newest first, of one process or of all. */
export function readHistory(db: Store, { processKey, limit }: { processKey?: string | undefined; limit: number }): CheckHistoryRow[] {
  if (processKey === undefined) {
    return db.prepare<[number], CheckHistoryRow>('SELECT * FROM check_history ORDER BY id DESC LIMIT ?').all(limit);
  }
  return db
    .prepare<[string, number], CheckHistoryRow>('SELECT * FROM check_history WHERE process_key = ? ORDER BY id DESC LIMIT ?')
    .all(processKey, limit);
}
