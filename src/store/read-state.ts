import type { Statement } from 'better-sqlite3';
import { WatchdogError } from '../errors.js';
import { openStoreForReading, type Store } from './open-store.js';
import { sqliteFaultOf } from './sqlite-fault.js';

/** A `process_state` row: where each process stood after its last check (or the manual command after it). */
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
  off_since: string | null;
  off_by: string | null;
  started_at: string | null;
  grace_until: string | null;
  started_pid: number | null;
  started_pid_start_ticks: number | null;
  started_boot_id: string | null;
  started_uptime_seconds: number | null;
  last_recovery_id: number | null;
  last_identity: string | null;
  gave_up_at: string | null;
  gave_up_reason: string | null;
  recoveries_counted_since: string | null;
  /** The heartbeat's own state behind `last_health` (which may be `off`, `starting`, `gave_up` around it); null in rows from before schema 9. */
  last_heartbeat_state: string | null;
  /** When the `last_*` columns were recorded, and by what: `check`, or the command (`on`, `off`...) of a person after the last check. */
  last_state_at: string | null;
  last_state_source: string | null;
  /** What the app and its descendants used at the last check that measured them (src/limits/); null when not measured; absent before schema 10. */
  last_memory_bytes?: number | null;
  last_cpu_percent?: number | null;
  last_usage_descendants?: number | null;
  /** The CPU sample the next check's rate is taken from: the app's instance, its CPU ticks and the boot clock. */
  cpu_sample_pid?: number | null;
  cpu_sample_start_ticks?: number | null;
  cpu_sample_boot_id?: string | null;
  cpu_sample_ticks?: number | null;
  cpu_sample_uptime_seconds?: number | null;
  /** How many processes matched at the last check of an app found by `match` alone; null otherwise; absent before schema 12. */
  last_match_count?: number | null;
  /** What the key was at its last check: `process` or `filesystem`; null when no check has said yet (a row `off` made); absent before schema 14. */
  subject_kind?: string | null;
  /** When the key entered `last_health` (its first check or command in that state); null when not known; absent before schema 19. */
  last_health_since?: string | null;
  /** The open incident (docs/notifications.md, "Incidents"): its id and when its first event was raised; null when none is open; absent before schema 20. */
  incident_id?: string | null;
  incident_opened_at?: string | null;
}

/** A `check_history` row. */
export interface CheckHistoryRow {
  /** `null` for a run of checks still waiting in memory (src/store/folded-checks.ts). */
  id: number | null;
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
  recovery_id: number | null;
  identity: string | null;
  /** How many checks the row stands for: more than 1 for a run of unchanged checks folded into it (schema 17). */
  check_count: number;
  /** The last check of such a run; `null` for a row of one check. */
  last_checked_at: string | null;
}

/** Every process's state, by process key. */
export function readProcessStates(db: Store): Map<string, ProcessStateRow> {
  const rows = db.prepare<[], ProcessStateRow>('SELECT * FROM process_state').all();
  return new Map(rows.map((row) => [row.process_key, { ...row, consecutive_failures: row.consecutive_failures ?? 0 }]));
}

/** One process's state; `undefined` when it has none yet (never checked). */
export function readProcessState(db: Store, processKey: string): ProcessStateRow | undefined {
  const row = processStateOf(db).get(processKey);
  return row === undefined ? undefined : { ...row, consecutive_failures: row.consecutive_failures ?? 0 };
}

/** Prepared once per connection: a tick asks it for every process. */
const processStates = new WeakMap<Store, Statement<[string], ProcessStateRow>>();

function processStateOf(db: Store): Statement<[string], ProcessStateRow> {
  let statement = processStates.get(db);
  if (statement === undefined) {
    statement = db.prepare<[string], ProcessStateRow>('SELECT * FROM process_state WHERE process_key = ?');
    processStates.set(db, statement);
  }
  return statement;
}

/** Every process's state from the database at `dbPath`, read-only; empty when there is no database yet. */
export function readProcessStatesAt(dbPath: string): Map<string, ProcessStateRow> {
  return readFrom(dbPath, readProcessStates, () => new Map());
}

/**
 * The keys of the processes turned off, read-only; none when there is no database yet, or it
 * cannot be read (`DB_UNUSABLE`: unopenable, another schema version) or SQLite fails the
 * read (locked, I/O error, damaged). Only to spare an off process its probe: the state
 * recorded is `off` from the tick's own read, so an off flag missed here (one waiting in the
 * journal of a degraded store) costs a probe, never a wrong state. Any other error is a bug
 * and is thrown: taken for "nothing off", it would hide for good.
 *
 * @param read how the database is read (default {@link readFrom}; a parameter for testing).
 */
export function offKeysAt(dbPath: string, read: typeof readFrom = readFrom): Set<string> {
  try {
    return read(
      dbPath,
      (db) =>
        new Set(
          db
            .prepare<[], { process_key: string }>('SELECT process_key FROM process_state WHERE off_since IS NOT NULL')
            .all()
            .map((row) => row.process_key),
        ),
      () => new Set<string>(),
    );
  } catch (error) {
    if ((error instanceof WatchdogError && error.code === 'DB_UNUSABLE') || sqliteFaultOf(error) !== undefined)
      return new Set();
    throw error;
  }
}

/** Reads the database at `dbPath` read-only with `read`, or returns `empty()` when there is none yet. */
export function readFrom<T>(dbPath: string, read: (db: Store) => T, empty: () => T): T {
  const db = openStoreForReading(dbPath);
  if (db === undefined) return empty();
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** The most recent checks, newest first, of one process or of all. */
export function readHistory(
  db: Store,
  { processKey, limit }: { processKey?: string | undefined; limit: number },
): CheckHistoryRow[] {
  if (processKey === undefined) {
    return db.prepare<[number], CheckHistoryRow>('SELECT * FROM check_history ORDER BY id DESC LIMIT ?').all(limit);
  }
  return db
    .prepare<[string, number], CheckHistoryRow>(
      'SELECT * FROM check_history WHERE process_key = ? ORDER BY id DESC LIMIT ?',
    )
    .all(processKey, limit);
}

/** One of cron's recoveries of a process, as the crash-loop guard weighs it. */
export interface RecentRecoveryRow {
  started_at: string;
  finished_at: string | null;
  outcome: string;
  boot_id: string | null;
  started_uptime_seconds: number | null;
  finished_uptime_seconds: number | null;
}

/** Prepared once per connection: a tick asks it for every process. */
const recentRecoveries = new WeakMap<Store, Statement<[string], RecentRecoveryRow>>();

function recentRecoveriesOf(db: Store): Statement<[string], RecentRecoveryRow> {
  let statement = recentRecoveries.get(db);
  if (statement === undefined) {
    statement = db.prepare<[string], RecentRecoveryRow>(
      // As many as the largest max_recoveries (a recovery a tick, for a day of ticks a minute apart).
      `SELECT started_at, finished_at, outcome, boot_id, started_uptime_seconds, finished_uptime_seconds FROM recoveries
       WHERE process_key = ? AND kind = 'recovery' AND outcome != 'skipped' ORDER BY id DESC LIMIT 1440`,
    );
    recentRecoveries.set(db, statement);
  }
  return statement;
}

/** Cron's recent recoveries of a process (not the skipped ones), newest first. */
export function readRecentRecoveries(db: Store, processKey: string): RecentRecoveryRow[] {
  return recentRecoveriesOf(db).all(processKey);
}

/** A `recoveries` row. */
export interface RecoveryRow {
  id: number;
  process_key: string;
  kind: string;
  command: string;
  requested_by: string;
  trigger_health: string | null;
  trigger_reason: string | null;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  outcome: string;
  detail: string | null;
  started_pid: number | null;
  /** The boot it ran in and the boot clock at its start and end (null in rows from before schema 8). */
  boot_id: string | null;
  started_uptime_seconds: number | null;
  finished_uptime_seconds: number | null;
}

/** A `recovery_actions` row. */
export interface RecoveryActionRow {
  id: number;
  recovery_id: number;
  position: number;
  action: string;
  started_at: string;
  duration_ms: number;
  outcome: string;
  pid: number | null;
  exit_code: number | null;
  signal: string | null;
  timed_out: number;
  detail: string | null;
  output_tail: string | null;
}

export interface RecoveryWithActions extends RecoveryRow {
  actions: RecoveryActionRow[];
}

/** The most recent recoveries, newest first, each with its actions in order. */
export function readRecoveries(
  db: Store,
  { processKey, limit }: { processKey?: string | undefined; limit: number },
): RecoveryWithActions[] {
  const recoveries =
    processKey === undefined
      ? db.prepare<[number], RecoveryRow>('SELECT * FROM recoveries ORDER BY id DESC LIMIT ?').all(limit)
      : db
          .prepare<[string, number], RecoveryRow>(
            'SELECT * FROM recoveries WHERE process_key = ? ORDER BY id DESC LIMIT ?',
          )
          .all(processKey, limit);
  const actionsOf = db.prepare<[number], RecoveryActionRow>(
    'SELECT * FROM recovery_actions WHERE recovery_id = ? ORDER BY position',
  );
  return recoveries.map((recovery) => ({ ...recovery, actions: actionsOf.all(recovery.id) }));
}

/** Each process's last recovery, by process key. */
export function readLastRecoveries(db: Store): Map<string, RecoveryRow> {
  const rows = db
    .prepare<[], RecoveryRow>('SELECT r.* FROM recoveries r JOIN process_state s ON s.last_recovery_id = r.id')
    .all();
  return new Map(rows.map((row) => [row.process_key, row]));
}
