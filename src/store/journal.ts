import { randomUUID } from 'node:crypto';
import { closeSync, constants, readFileSync, unlinkSync } from 'node:fs';
import { systemErrorCode } from '../errors.js';
import { PROCESS_LINK_TRUST, openFileSafely } from '../system/open-file-safely.js';
import { replaceFile } from '../system/replace-file.js';
import type { Store } from './open-store.js';

/**
 * The journal: rows the audit database could not take (locked, disk full, read-only),
 * kept in a small JSON file and written to the database by a later tick. Rows are kept
 * whole with their ids, and written back by primary key, so a row changed twice (a
 * recovery begun, then finished) ends as it was last.
 */

/** The tables a tick writes, in the order their rows are written back (a row before those that refer to it). */
export const JOURNALED_TABLES = [
  { table: 'recoveries', key: 'id' },
  { table: 'recovery_actions', key: 'id' },
  { table: 'check_history', key: 'id' },
  { table: 'process_state', key: 'process_key' },
  { table: 'network_events', key: 'id' },
  { table: 'network_state', key: 'interface' },
  { table: 'audit_events', key: 'id' },
  { table: 'watchdog_meta', key: 'key' },
  { table: 'notifications', key: 'id' },
  { table: 'thermal_zones', key: 'zone' },
  { table: 'filesystem_figures', key: 'filesystem_key' },
  { table: 'raised_events', key: 'raised_key' },
  { table: 'notification_channels', key: 'channel' },
] as const;

/**
 * Tables whose columns are set, never cleared: a journal's empty column there (a stand-in
 * made from nothing did not know it) never empties the database's.
 */
const NEVER_CLEARED: ReadonlySet<string> = new Set(['notification_channels']);

/** A journal file's content. */
export interface Journal {
  version: 1;
  /** Rows by table, as they were last written. */
  tables: Record<string, Record<string, unknown>[]>;
  /** Check rows left out to keep the journal small (the oldest first). */
  droppedChecks: number;
  /** Rows of the other growing tables (recoveries, events, notifications) left out the same way; absent when none. */
  droppedRows?: number;
  /**
   * New at every write of the file: the database records the one it took, so a journal
   * left behind after it was written (a stop before the unlink, an unlink that failed)
   * is never written again over newer rows. Absent in files of earlier versions.
   */
  id?: string;
  /**
   * `false` when the run that wrote it could read neither the database nor a journal: its
   * `process_state` rows were made from nothing, their empty columns say nothing (see
   * {@link applyJournal}). Absent when the state was known.
   */
  stateKnown?: false;
}

/**
 * The columns of `process_state` that a person's command or a start sets and that a run
 * without the state cannot know: written back from such a run only when it set them.
 */
export const KEPT_UNLESS_SET: ReadonlySet<string> = new Set([
  'off_since',
  'off_by',
  'gave_up_at',
  'gave_up_reason',
  'started_at',
  'grace_until',
  'started_pid',
  'started_pid_start_ticks',
  'started_boot_id',
  'started_uptime_seconds',
  'started_found_by',
  'recoveries_counted_since',
  'last_recovery_id',
  'filesystem_alert_open',
  'incident_id',
  'incident_opened_at',
  'incident_recovery_id',
]);

/** The `watchdog_meta` key under which the database keeps the id of the last journal it took. */
export const JOURNAL_TAKEN_KEY = 'journal_taken';

/** The same for the fallback journal (`fallback_journal_path`). */
export const FALLBACK_JOURNAL_TAKEN_KEY = 'fallback_journal_taken';

/** Check rows kept at most: a day of one process checked every minute, and then some. */
export const MAX_JOURNAL_CHECKS = 5000;

/** Rows kept at most of each other table that grows by a row per event (those keyed by `id`). */
export const MAX_JOURNAL_ROWS_PER_TABLE = 5000;

export type JournalRead = { kind: 'none' } | { kind: 'read'; journal: Journal } | { kind: 'unusable'; reason: string };

/** Reads the journal file; `none` when there is none. */
export function readJournal(path: string): JournalRead {
  let text: string;
  try {
    const fd = openFileSafely(path, { flags: constants.O_RDONLY, trust: PROCESS_LINK_TRUST });
    try {
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    // ENOTDIR: a file where its folder should be, so there is no journal (and nothing to move aside).
    const code = systemErrorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'none' };
    return { kind: 'unusable', reason: `cannot read it: ${String(error)}` };
  }
  try {
    const data = JSON.parse(text) as Partial<Journal> | null;
    if (
      typeof data !== 'object' ||
      data === null ||
      data.version !== 1 ||
      typeof data.tables !== 'object' ||
      data.tables === null
    )
      return { kind: 'unusable', reason: 'not a journal of this watchdog' };
    const journal: Journal = { version: 1, tables: data.tables, droppedChecks: Number(data.droppedChecks) || 0 };
    if (typeof data.id === 'string') journal.id = data.id;
    if (Number(data.droppedRows) > 0) journal.droppedRows = Number(data.droppedRows);
    if (data.stateKnown === false) journal.stateKnown = false;
    return { kind: 'read', journal };
  } catch {
    return { kind: 'unusable', reason: 'not valid JSON (cut short?)' };
  }
}

/** Writes the journal atomically (a temporary file, fsync, rename), readable by its owner only. */
export function writeJournal(path: string, journal: Journal): void {
  replaceFile(path, JSON.stringify({ ...journal, id: randomUUID() }), 0o600);
}

export function removeJournal(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (systemErrorCode(error) !== 'ENOENT') throw error;
  }
}

/** How many rows a journal holds. */
export function journalRowCount(journal: Journal): number {
  return Object.values(journal.tables).reduce((sum, rows) => sum + rows.length, 0);
}

/**
 * Writes a journal's rows into `db`, each table by its primary key (inserted, or updated
 * when there). Only the table's own columns are written: a journal from another version
 * cannot inject SQL or write columns that do not exist. Run it inside a transaction.
 *
 * A journal written without the state (`stateKnown: false`) never empties a process's
 * `off`, `gave_up` or started instance: its rows were made from nothing, and a NULL there
 * means "not known", not "cleared". What that run did set (an `off` typed then) is written.
 * Nor does it move a state's start (`last_health_since`) later: the state that run saw begin at
 * its first check may be the one the database has known longer.
 */
export function applyJournal(db: Store, journal: Journal): void {
  for (const { table, key } of JOURNALED_TABLES) {
    const rows = journal.tables[table] ?? [];
    if (rows.length === 0) continue;
    const columns = new Set(
      db
        .prepare<[], { name: string }>(`PRAGMA table_info(${table})`)
        .all()
        .map((column) => column.name),
    );
    for (const row of rows) {
      const names = Object.keys(row).filter((name) => columns.has(name));
      if (!names.includes(key)) continue;
      const keepUnlessSet = journal.stateKnown === false && table === 'process_state';
      const updates = names
        .filter((name) => name !== key)
        .map((name) =>
          NEVER_CLEARED.has(table) || (keepUnlessSet && KEPT_UNLESS_SET.has(name))
            ? `"${name}" = COALESCE(excluded."${name}", "${name}")`
            : keepUnlessSet && name === 'last_health_since'
              ? // The run saw its first check in that state begin it: the database may know it began earlier.
                `"${name}" = CASE WHEN "last_health" IS excluded."last_health" THEN MIN("${name}", excluded."${name}") ELSE excluded."${name}" END`
              : `"${name}" = excluded."${name}"`,
        );
      const conflict = updates.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${updates.join(', ')}`;
      db.prepare(
        `INSERT INTO ${table} (${names.map((name) => `"${name}"`).join(', ')}) VALUES (${names.map((name) => `@${name}`).join(', ')})
         ON CONFLICT ("${key}") ${conflict}`,
      ).run(Object.fromEntries(names.map((name) => [name, row[name] ?? null])));
    }
  }
  if ((journal.tables.raised_events ?? []).length > 0) clampRaisedSeq(db);
}

/**
 * A stand-in made from nothing gives ids far above the database's (STAND_IN_ID_BASE), and
 * an event it raised records the last of those: after its own notifications, which come
 * along with the journal, right; above every later one of the database when it queued
 * none after, wrong (every later event would be older, so "news", forever). Raised while
 * the database could not take rows, it came after all the database has: the database's
 * last notification id, once the journal's are in, is its place.
 */
function clampRaisedSeq(db: Store): void {
  db.prepare(
    `UPDATE raised_events SET raised_seq = (SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = 'notifications')
      WHERE raised_seq > (SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = 'notifications')`,
  ).run();
}

/**
 * Whether every row of the journal is in `db` already, as it is in the journal: a run
 * stopped between writing the journal into the database and removing it leaves one behind.
 */
export function journalAlreadyIn(db: Store, journal: Journal): boolean {
  for (const { table, key } of JOURNALED_TABLES) {
    const rows = journal.tables[table] ?? [];
    if (rows.length === 0) continue;
    const columns = new Set(
      db
        .prepare<[], { name: string }>(`PRAGMA table_info(${table})`)
        .all()
        .map((column) => column.name),
    );
    const find = db.prepare<[unknown], Record<string, unknown>>(`SELECT * FROM ${table} WHERE "${key}" = ?`);
    for (const row of rows) {
      const stored = find.get(row[key] ?? null);
      if (stored === undefined) return false;
      for (const [name, value] of Object.entries(row))
        if (columns.has(name) && (stored[name] ?? null) !== (value ?? null)) return false;
    }
  }
  return true;
}
