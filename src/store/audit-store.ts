import Database from 'better-sqlite3';
import { existsSync, renameSync } from 'node:fs';
import { describeError, systemErrorCode } from '../errors.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import type { Logger } from '../logging/logger.js';
import { recordAuditEvent } from './audit-events.js';
import {
  applyJournal,
  JOURNALED_TABLES,
  journalRowCount,
  MAX_JOURNAL_CHECKS,
  readJournal,
  removeJournal,
  writeJournal,
  type Journal,
} from './journal.js';
import type { AuditWriter } from './audit-writer.js';
import { migrate, openStore, type Store } from './open-store.js';
import { sqliteFaultOf } from './sqlite-fault.js';

/**
 * The audit log as a tick (or a manual command) uses it. Healing never waits on it for
 * long and loses no row: a database locked past the busy timeout, full, read-only or
 * failing is stood in for by an in-memory copy for the rest of the run, whose rows go to
 * the journal file and into the database on a later run; a corrupt database is moved
 * aside with a timestamp and a fresh one made.
 */
export interface AuditStore extends AuditWriter {
  /** Why the database is stood in for, while it is. */
  readonly degraded: string | undefined;
  /** Closes; a stand-in's rows are saved to the journal (a corrupt database is replaced and they go there). */
  close(): void;
}

export interface AuditStoreOptions {
  dbPath: string;
  journalPath: string;
  logger: Logger;
  now: () => Date;
  /** How long to wait for another connection's write lock before the journal takes the rows. */
  busyTimeoutMs?: number;
}

/** ids the stand-in gives when the database could not even be read: far above any real one, so they never meet. */
export const STAND_IN_ID_BASE = 1_000_000_000_000;

export function openAuditStore(options: AuditStoreOptions): AuditStore {
  const { dbPath, journalPath, logger } = options;
  const stamp = (): string => formatUtcTimestamp(options.now());
  let real: Store | undefined;
  let standIn: Store | undefined;
  let degraded: string | undefined;
  let corrupt = false;

  const degrade = (reason: string, seed: Store | undefined): Store => {
    degraded = reason;
    logger.error(`audit database ${dbPath}: ${reason}; checks and recoveries go on, their rows are kept in ${journalPath} until it can take them`);
    standIn = standInFor(seed);
    const pending = readJournal(journalPath);
    if (pending.kind === 'read') standIn.transaction(() => applyJournal(standIn as Store, pending.journal)).immediate();
    return standIn;
  };

  const openReal = (): void => {
    try {
      real = openStore(dbPath, { busyTimeoutMs: options.busyTimeoutMs });
    } catch (error) {
      if (sqliteFaultOf(causeOf(error)) !== 'corrupt') throw error;
      const aside = moveAside(dbPath, stamp());
      real = openStore(dbPath, { busyTimeoutMs: options.busyTimeoutMs });
      const detail = `the audit database was corrupt (${describeError(error)}); moved aside to ${aside}, a fresh one created`;
      logger.error(detail);
      real.transaction(() => recordAuditEvent(real as Store, { at: stamp(), kind: 'db_moved_aside', detail })).immediate();
    }
  };

  try {
    openReal();
  } catch (error) {
    if (openFaultOf(error) === undefined) throw error;
    const copy = readableCopyOf(dbPath);
    try {
      degrade(`cannot be opened (${describeError(causeOf(error))})`, copy);
    } finally {
      copy?.close();
    }
  }

  if (real !== undefined && standIn === undefined) replayJournal(real);

  function replayJournal(db: Store): void {
    const pending = readJournal(journalPath);
    if (pending.kind === 'none') return;
    if (pending.kind === 'unusable') {
      const aside = moveAside(journalPath, stamp());
      logger.error(`journal ${journalPath} is unusable (${pending.reason}); moved aside to ${aside}`);
      return;
    }
    const { journal } = pending;
    const detail = `wrote ${journalRowCount(journal)} rows kept in the journal while the database could not take them${
      journal.droppedChecks > 0 ? ` (${journal.droppedChecks} older check rows had to be left out)` : ''
    }`;
    try {
      db.transaction(() => {
        applyJournal(db, journal);
        recordAuditEvent(db, { at: stamp(), kind: 'journal_replayed', detail });
      }).immediate();
    } catch (error) {
      if (sqliteFaultOf(error) === undefined) throw error;
      degrade(`cannot take the journal's rows (${describeError(error)})`, db);
      return;
    }
    removeJournal(journalPath);
    logger.warn(`audit database ${dbPath}: ${detail}`);
  }

  return {
    get db() {
      return standIn ?? (real as Store);
    },
    get degraded() {
      return degraded;
    },
    write<T>(write: (db: Store) => T): T {
      if (standIn !== undefined) return standIn.transaction(() => write(standIn as Store)).immediate();
      const db = real as Store;
      try {
        return db.transaction(() => write(db)).immediate();
      } catch (error) {
        const fault = sqliteFaultOf(error);
        if (fault === undefined) throw error;
        if (fault === 'corrupt') corrupt = true;
        const stand = degrade(`cannot be written (${describeError(error)})`, fault === 'corrupt' ? undefined : db);
        return stand.transaction(() => write(stand)).immediate();
      }
    },
    close() {
      try {
        if (standIn !== undefined) saveJournal(standIn);
      } finally {
        standIn?.close();
        real?.close();
      }
      if (corrupt) {
        // Replaced now, so the next run finds a sound database and the journal to write into it.
        const aside = moveAside(dbPath, stamp());
        logger.error(`the audit database was corrupt; moved aside to ${aside}; the next run creates a fresh one and writes the journal into it`);
      }
    },
  };

  function saveJournal(db: Store): void {
    const journal = journalOf(db);
    try {
      writeJournal(journalPath, journal);
      logger.warn(`audit database ${dbPath}: ${journalRowCount(journal)} rows kept in the journal ${journalPath} (${degraded ?? 'unwritable'})`);
    } catch (error) {
      logger.error(`cannot write the journal ${journalPath} either (${describeError(error)}): ${journalRowCount(journal)} audit rows of this run are lost`);
    }
  }
}

/** A fault of the storage that opening the database met (not a bug, not a database too new for this watchdog). */
function openFaultOf(error: unknown): string | undefined {
  const cause = causeOf(error);
  const code = systemErrorCode(cause);
  if (code !== undefined && ['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EIO', 'EDQUOT'].includes(code)) return code;
  return sqliteFaultOf(cause);
}

function causeOf(error: unknown): unknown {
  return error instanceof Error && error.cause !== undefined ? error.cause : error;
}

/** A stand-in: an in-memory copy of `seed` (or an empty database), recording which rows this run writes. */
function standInFor(seed: Store | undefined): Store {
  let db: Store;
  try {
    db = seed === undefined ? fresh() : new Database(asRollbackJournal(seed.serialize()));
  } catch {
    db = fresh();
  }
  migrate(db);
  // No unique key: an upsert's conflict handling would override the trigger's OR IGNORE. Duplicates do no harm.
  db.exec('CREATE TEMP TABLE changed (tbl TEXT NOT NULL, row INTEGER NOT NULL)');
  for (const { table } of JOURNALED_TABLES) {
    for (const event of ['INSERT', 'UPDATE']) {
      db.exec(
        `CREATE TEMP TRIGGER track_${table}_${event.toLowerCase()} AFTER ${event} ON main.${table}
         BEGIN INSERT INTO changed (tbl, row) VALUES ('${table}', NEW.rowid); END`,
      );
    }
  }
  return db;

  function fresh(): Store {
    const empty = new Database(':memory:');
    migrate(empty);
    // ids far above the real database's, which could not be read: the journal's rows never overwrite real ones.
    empty.exec(`INSERT INTO sqlite_sequence (name, seq) VALUES ${JOURNALED_TABLES.filter(({ key }) => key === 'id')
      .map(({ table }) => `('${table}', ${STAND_IN_ID_BASE})`)
      .join(', ')}`);
    return empty;
  }
}

/**
 * A serialized WAL database cannot be opened in memory as it is: bytes 18 and 19 of its
 * header say WAL; setting them to 1 (rollback journal) makes it a plain copy.
 */
function asRollbackJournal(image: Buffer): Buffer {
  if (image.length >= 20) {
    image[18] = 1;
    image[19] = 1;
  }
  return image;
}

/** The rows this run wrote to the stand-in, as a journal (the newest check rows when there are too many). */
function journalOf(db: Store): Journal {
  const tables: Record<string, Record<string, unknown>[]> = {};
  let droppedChecks = 0;
  for (const { table } of JOURNALED_TABLES) {
    let rows = db
      .prepare<[string], Record<string, unknown>>(`SELECT * FROM main.${table} WHERE rowid IN (SELECT row FROM changed WHERE tbl = ?) ORDER BY rowid`)
      .all(table);
    if (table === 'check_history' && rows.length > MAX_JOURNAL_CHECKS) {
      droppedChecks = rows.length - MAX_JOURNAL_CHECKS;
      rows = rows.slice(droppedChecks);
    }
    if (rows.length > 0) tables[table] = rows;
  }
  return { version: 1, tables, droppedChecks };
}

/** An in-memory copy of the database at `path` when it can be read at all, for the stand-in to start from. */
function readableCopyOf(path: string): Store | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true, timeout: 1000 });
    try {
      return new Database(asRollbackJournal(db.serialize()));
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}

/** Renames `path` (and a database's -wal and -shm files) to `path.corrupt-<time>`; returns the new name. */
function moveAside(path: string, at: string): string {
  const aside = `${path}.corrupt-${at.replace(/[:.]/g, '-')}`;
  renameSync(path, aside);
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(`${path}${suffix}`)) renameSync(`${path}${suffix}`, `${aside}${suffix}`);
  }
  return aside;
}
