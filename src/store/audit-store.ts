import Database from 'better-sqlite3';
import { existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeError, systemErrorCode } from '../errors.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import type { Logger } from '../logging/logger.js';
import { recordAuditEvent } from './audit-events.js';
import {
  applyJournal,
  FALLBACK_JOURNAL_TAKEN_KEY,
  JOURNAL_TAKEN_KEY,
  JOURNALED_TABLES,
  journalAlreadyIn,
  journalRowCount,
  MAX_JOURNAL_CHECKS,
  MAX_JOURNAL_ROWS_PER_TABLE,
  readJournal,
  removeJournal,
  writeJournal,
  type Journal,
} from './journal.js';
import type { AuditWriter } from './audit-writer.js';
import { asRollbackJournal, migrate, openStore, type Store } from './open-store.js';
import {
  liveModeOf,
  nextMode,
  ON_DATABASE,
  type AuditMode,
  type AuditModeEvent,
  type DatabaseMode,
  type StandInMode,
} from './audit-store-mode.js';
import { sqliteFaultOf } from './sqlite-fault.js';
import { readMeta, writeMeta } from './watchdog-meta.js';
import { keepFoldedChecks } from './folded-checks-keeper.js';
import type { FoldedChecks, FoldedRun } from './folded-checks.js';
import { formatCount } from '../display/format-count.js';
import { PROCESS_LINK_TRUST, reachFolder } from '../system/open-file-safely.js';
import { closeFolder } from '../system/walk-path.js';

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
  /**
   * True when the stand-in could read neither the database nor a journal: who is `off`,
   * failure counts and the crash-loop guard are unknown, so nothing may be recovered.
   */
  readonly stateUnknown: boolean;
  /** Whether the rows this run wrote are safe: in the database, or saved in the journal. */
  readonly rowsSaved: boolean;
  /** Where this run's rows wait when it is stood in for: the journal, or the fallback when the journal's folder refused them. */
  readonly journalWhere: string;
  /** The unchanged checks waiting in memory; `undefined` when none may wait (no `folded_checks_path`, or a stand-in). */
  readonly folded: FoldedChecks | undefined;
  /**
   * Sets these keys' runs of unchanged checks, waiting in memory. `false` when they cannot
   * wait (a stand-in, the file cannot be written): record the checks as rows.
   */
  fold(runs: Readonly<Record<string, FoldedRun>>): boolean;
  /** Writes the runs waiting in memory into the database now (one reached `max_folded_checks`). */
  flushFolded(): void;
  /**
   * Takes the database's write lock and lets it go, writing nothing: a database that will
   * not take this run's writes (locked, read-only, gone) is found now, before the tick acts,
   * and stood in for at once, as a first write would have found it.
   */
  claimWrites(): void;
  /** Keeps when the last tick without a failure ended beside the runs, in memory; `false`: write it to the database. */
  noteGoodTick(at: string): boolean;
  /** Closes (once; later calls do nothing); a stand-in's rows are saved to the journal (a corrupt database is replaced and they go there). */
  close(): void;
}

export interface AuditStoreOptions {
  dbPath: string;
  journalPath: string;
  /**
   * Where the journal goes when its own folder refuses it (full, read-only: often the
   * database's own disk), on another file system: read and written back as the journal is.
   */
  fallbackJournalPath?: string | undefined;
  logger: Logger;
  now: () => Date;
  /** How long to wait for another connection's write lock before the journal takes the rows. */
  busyTimeoutMs?: number;
  /** Where unchanged checks wait in memory before they are folded into one row (`folded_checks_path`); without it, none wait. */
  foldedChecksPath?: string | undefined;
}

/** ids the stand-in gives when the database could not even be read: far above any real one, so they never meet. */
export const STAND_IN_ID_BASE = 1_000_000_000_000;

/**
 * The first id of a stand-in made at `nowMs`: above STAND_IN_ID_BASE and above those of any
 * earlier stand-in (whose rows may be in the database by now), while the clock goes forward.
 */
export function standInIdBase(nowMs: number): number {
  return STAND_IN_ID_BASE + Math.max(0, Math.floor(nowMs)) * 1000;
}

export function openAuditStore(options: AuditStoreOptions): AuditStore {
  const { dbPath, journalPath, logger } = options;
  /** The journal's places, the first preferred; rows are in the newer file when both are there. */
  const places: JournalPlace[] = [
    { path: journalPath, takenKey: JOURNAL_TAKEN_KEY },
    ...(options.fallbackJournalPath === undefined || options.fallbackJournalPath === journalPath
      ? []
      : [{ path: options.fallbackJournalPath, takenKey: FALLBACK_JOURNAL_TAKEN_KEY, createMode: 0o700 }]),
  ];
  const stamp = (): string => formatUtcTimestamp(options.now());
  // The connections; which one a write goes to, and what close() does, the mode says.
  let real: Store | undefined;
  let standIn: Store | undefined;
  let mode: AuditMode = ON_DATABASE;
  /** The file the connection opened: a write after it was deleted or replaced would go nowhere anyone reads. */
  let opened: FileIdentity | undefined;
  /** Where the journal was last written this run. */
  let savedTo: string | undefined;
  const move = (event: AuditModeEvent): void => {
    mode = nextMode(mode, event);
  };
  const droppedBefore = (): number => (mode.kind === 'stand_in' ? mode.droppedBefore : 0);

  /**
   * Stands in for the database for the rest of the run. `salvaged`: the `process_state`
   * rows still readable from a damaged file, written into the stand-in as this run's own
   * so they reach the journal and the next database: who is `off` or given up on survives.
   */
  const degrade = (
    reason: string,
    seed: Store | undefined,
    {
      corrupt = false,
      salvaged,
      readable = {},
    }: { corrupt?: boolean; salvaged?: Record<string, unknown>[] | undefined; readable?: Tables } = {},
  ): Store => {
    logger.error(
      `audit database ${dbPath}: ${reason}; checks and recoveries go on, their rows are kept in ${journalPath} until it can take them`,
    );
    const made = standInFor(seed);
    const stand = made.db;
    standIn = stand;
    stand
      .transaction(() => {
        // Read for this run only (its crash-loop guard, rows it refers to), not this run's own: not journaled.
        applyJournal(stand, { version: 1, tables: readable, droppedChecks: 0 });
        stand.exec('DELETE FROM temp.changed');
        if (salvaged !== undefined)
          applyJournal(stand, { version: 1, tables: { process_state: salvaged }, droppedChecks: 0 });
      })
      .immediate();
    const fromJournals: Journal[] = [];
    for (const { path, journal } of readJournals()) {
      try {
        stand.transaction(() => applyJournal(stand, journal)).immediate();
        fromJournals.push(journal);
      } catch (error) {
        setJournalAside(path, `its rows cannot be written (${describeError(error)})`);
      }
    }
    // A journal of a run that knew no state brings none either.
    const stateKnown =
      made.seeded || fromJournals.some((journal) => journal.stateKnown !== false) || salvaged !== undefined;
    const droppedBefore = Math.max(0, ...fromJournals.map((journal) => journal.droppedChecks));
    move({ kind: 'stand_in', reason, stateKnown, corrupt, droppedBefore });
    if (!stateKnown)
      logger.error(
        `audit database ${dbPath}: neither it nor a journal can be read, so it is not known which processes are off or given up on: no recovery runs until it can be read`,
      );
    return stand;
  };

  /** A journal that cannot be written anywhere is kept beside, for a person, rather than lost or retried forever. */
  function setJournalAside(path: string, why: string): void {
    try {
      const aside = moveAside(path, stamp());
      logger.error(`journal ${path} is unusable (${why}); moved aside to ${aside}`);
    } catch (error) {
      logger.error(`journal ${path} is unusable (${why}), and cannot be moved aside: ${describeError(error)}`);
    }
  }

  /** The journals there are, the oldest first (a usable one; one that is not is moved aside). */
  function readJournals(): ReadJournal[] {
    const found: ReadJournal[] = [];
    for (const place of places) {
      const read = readJournal(place.path);
      if (read.kind === 'unusable') setJournalAside(place.path, read.reason);
      if (read.kind === 'read') found.push({ ...place, journal: read.journal, mtimeMs: mtimeOf(place.path) });
    }
    return found.sort((a, b) => a.mtimeMs - b.mtimeMs);
  }

  const openReal = (): void => {
    try {
      real = openStore(dbPath, { busyTimeoutMs: options.busyTimeoutMs });
    } catch (error) {
      if (sqliteFaultOf(causeOf(error)) !== 'corrupt') throw error;
      const aside = moveAside(dbPath, stamp());
      const fresh = openStore(dbPath, { busyTimeoutMs: options.busyTimeoutMs });
      real = fresh;
      const kept = carryProcessState(aside, fresh);
      const detail = `the audit database was corrupt (${describeError(error)}); moved aside to ${aside}, a fresh one created; ${
        kept === undefined
          ? 'the state of the processes (off, given up on, failure counts) could not be read from it'
          : `the state of ${formatCount(kept, 'process', 'processes')} carried over`
      }`;
      logger.error(detail);
      fresh.transaction(() => recordAuditEvent(fresh, { at: stamp(), kind: 'db_moved_aside', detail })).immediate();
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

  if (real !== undefined && standIn === undefined) {
    opened = identityOf(dbPath);
    replayJournal(real);
  }
  /**
   * Unchanged checks waiting in memory: new ones wait only beside a database that takes rows
   * (`fold`), and those waiting are written with the next write, to the database or, through
   * a stand-in, to the journal.
   */
  const keeper =
    options.foldedChecksPath === undefined
      ? undefined
      : keepFoldedChecks(options.foldedChecksPath, dbPath, standIn ?? (real as Store), logger);

  function replayJournal(db: Store): void {
    // The oldest first: rows are written back by key, so the newest of each row wins.
    for (const found of readJournals()) {
      if (!replayOne(db, found)) return;
    }
  }

  /** Writes one journal into the database; false when the database could not take it (the run is then a stand-in). */
  function replayOne(db: Store, { path, takenKey, journal }: ReadJournal): boolean {
    if (alreadyTaken(db, journal, takenKey)) {
      removeJournalLogged(path);
      logger.warn(
        `audit database ${dbPath}: the journal ${path} was written already (a run stopped before removing it); removed`,
      );
      return true;
    }
    const detail = `wrote ${formatCount(journalRowCount(journal), 'row')} kept in the ${path === journalPath ? 'journal' : `fallback journal ${path}`} while the database could not take them${
      journal.droppedChecks > 0 ? ` (${formatCount(journal.droppedChecks, 'older check row')} had to be left out)` : ''
    }${(journal.droppedRows ?? 0) > 0 ? ` (${journal.droppedRows} older rows of recoveries, events or notifications had to be left out)` : ''}`;
    try {
      withoutForeignKeys(db, () =>
        db
          .transaction(() => {
            applyJournal(db, journal);
            if (journal.id !== undefined) writeMeta(db, takenKey, journal.id);
            recordAuditEvent(db, { at: stamp(), kind: 'journal_replayed', detail });
          })
          .immediate(),
      );
    } catch (error) {
      if (sqliteFaultOf(error) === undefined) {
        // Rows the database refuses (a hand-edited or foreign file): kept for a person, not retried every tick.
        setJournalAside(path, `its rows cannot be written (${describeError(error)})`);
        return true;
      }
      degrade(`cannot take the journal's rows (${describeError(error)})`, db);
      return false;
    }
    removeJournalLogged(path);
    logger.warn(`audit database ${dbPath}: ${detail}`);
    return true;
  }

  function removeJournalLogged(path: string): void {
    try {
      removeJournal(path);
    } catch (error) {
      // Written already: a journal left behind is found written at the next run, and removed then.
      logger.error(`cannot remove the journal ${path} after writing it: ${describeError(error)}`);
    }
  }

  /**
   * A journal the database took already (its id recorded with its rows), or, from an
   * earlier version without an id, whose every row the database holds as it is: not
   * written a second time, where its rows could be older than the database's.
   */
  function alreadyTaken(db: Store, journal: Journal, takenKey: string): boolean {
    try {
      if (journal.id !== undefined) return readMeta(db, takenKey) === journal.id;
      return journalAlreadyIn(db, journal);
    } catch {
      return false;
    }
  }

  /**
   * Runs `write` after the unchanged checks waiting in memory are written, in its
   * transaction: a run's row comes before any later row of its key. So a tick that changes
   * nothing must not call `write` (what would it write?): it would cost the card this flush.
   */
  function withFoldedChecks<T>(db: Store, write: (db: Store) => T, onFlushed: (done: () => void) => void): T {
    const done = keeper?.flushInto(db);
    const result = write(db);
    if (done !== undefined) onFlushed(done);
    return result;
  }

  /** A write in one transaction, after the unchanged checks waiting (`flush`); a degraded store's goes to the journal. */
  function writeTo<T>(write: (db: Store) => T, flush: boolean): T {
    if (standIn !== undefined) return journaled(standIn, write);
    const db = real as Store;
    if (!sameFile(opened, identityOf(dbPath))) {
      // Its rows would go to a file no one reads; the state it holds goes on, through the journal, to the next database.
      return journaled(
        degrade('was deleted or replaced while this run used it', db, { salvaged: processStateOf(db) }),
        write,
      );
    }
    try {
      let flushed: (() => void) | undefined;
      const result = db
        .transaction(() => (flush ? withFoldedChecks(db, write, (done) => (flushed = done)) : write(db)))
        .immediate();
      flushed?.();
      return result;
    } catch (error) {
      const fault = sqliteFaultOf(error);
      if (fault === undefined) throw error;
      if (fault !== 'corrupt') return journaled(degrade(`cannot be written (${describeError(error)})`, db), write);
      const { process_state: salvaged, ...readable } = readableTablesOf(db);
      return journaled(
        degrade(`is corrupt (${describeError(error)})`, undefined, { corrupt: true, salvaged, readable }),
        write,
      );
    }
  }

  const live = (): DatabaseMode | StandInMode => liveModeOf(mode);
  return {
    get folded() {
      return keeper?.folded;
    },
    fold(runs) {
      return keeper !== undefined && live().kind === 'database' && keeper.fold(runs);
    },
    noteGoodTick(at) {
      return keeper !== undefined && live().kind === 'database' && keeper.noteGoodTick(at);
    },
    flushFolded() {
      if (keeper === undefined) return;
      const db = real as Store;
      let flushed: (() => void) | undefined;
      try {
        db.transaction(() => (flushed = keeper.flushInto(db))).immediate();
      } catch (error) {
        // They wait in memory for the next write; the database's trouble shows at that write.
        if (sqliteFaultOf(error) === undefined) throw error;
        logger.warn(
          `audit database ${dbPath}: cannot write the unchanged checks waiting in memory (${describeError(error)})`,
        );
        return;
      }
      flushed?.();
    },
    get db() {
      return standIn ?? (real as Store);
    },
    get degraded() {
      const now = live();
      return now.kind === 'stand_in' ? now.reason : undefined;
    },
    get stateUnknown() {
      const now = live();
      return now.kind === 'stand_in' && !now.stateKnown;
    },
    get journalWhere() {
      return savedTo ?? journalPath;
    },
    get rowsSaved() {
      const now = live();
      return now.kind !== 'stand_in' || now.journal === 'saved';
    },
    write<T>(write: (db: Store) => T): T {
      return writeTo(write, true);
    },
    claimWrites() {
      writeTo(() => undefined, false);
    },
    close() {
      // Twice is harmless: a command closes before it reports, and again in its `finally`.
      if (mode.kind === 'closed') return;
      let kept: Journal | undefined;
      try {
        if (mode.kind === 'stand_in' && standIn !== undefined) {
          // Taken before the stand-in closes: a fresh database gets them even when the journal could not be written.
          kept = journalOf(standIn, mode.droppedBefore, mode.stateKnown);
          if (mode.journal === 'unsaved') saveJournal(standIn);
          if (mode.journal === 'saved')
            logger.warn(
              `audit database ${dbPath}: ${formatCount(journalRowCount(kept), 'row')} kept in the journal ${journalPath} (${mode.reason})`,
            );
        }
      } finally {
        standIn?.close();
        real?.close();
        move({ kind: 'close' });
      }
      const last = live();
      if (last.kind === 'stand_in' && last.file === 'replace') replaceCorrupt(kept);
    },
  };

  /**
   * Moves a database found corrupt mid-run aside and makes a fresh one holding this run's
   * rows (the salvaged `process_state` among them); when that fails, the next run writes
   * the journal into whatever it finds.
   */
  function replaceCorrupt(kept: Journal | undefined): void {
    const aside = moveAside(dbPath, stamp());
    let fresh: Store | undefined;
    try {
      fresh = openStore(dbPath, { busyTimeoutMs: options.busyTimeoutMs });
      const db = fresh;
      const rows = kept === undefined ? 0 : journalRowCount(kept);
      const detail = `the audit database was corrupt; moved aside to ${aside}, a fresh one created holding this run's ${formatCount(rows, 'row')} and the state of the processes that could be read`;
      withoutForeignKeys(db, () =>
        db
          .transaction(() => {
            if (kept !== undefined) applyJournal(db, kept);
            recordAuditEvent(db, { at: stamp(), kind: 'db_moved_aside', detail });
          })
          .immediate(),
      );
      for (const { path } of places) removeJournal(path);
      logger.error(detail);
    } catch (error) {
      logger.error(
        `the audit database was corrupt; moved aside to ${aside}; a fresh one cannot take this run's rows (${describeError(error)}): the next run writes the journal ${journalPath} into it`,
      );
    } finally {
      fresh?.close();
    }
  }

  /**
   * A write to the stand-in, saved to the journal at once: a watchdog killed next (a
   * reboot it asked for, SIGKILL after a start) must not lose it.
   */
  function journaled<T>(stand: Store, write: (db: Store) => T): T {
    // The runs waiting in memory go with the rows, into the journal: its rows rewrite the
    // keys' state, after which a run left in the file would no longer fit and be dropped.
    let flushed: (() => void) | undefined;
    const result = stand.transaction(() => withFoldedChecks(stand, write, (done) => (flushed = done))).immediate();
    saveJournal(stand);
    flushed?.();
    return result;
  }

  /**
   * Writes the stand-in's rows to the journal, or where its folder refuses them (full,
   * read-only) to the fallback; the other file is then removed when it can be (the one
   * written holds its rows: the stand-in read it), and read in mtime order when it cannot.
   */
  function saveJournal(db: Store): void {
    const journal = journalOf(db, droppedBefore(), mode.kind !== 'stand_in' || mode.stateKnown);
    const wasSaved = mode.kind === 'stand_in' && mode.journal === 'saved';
    const refusals: string[] = [];
    for (const place of places) {
      try {
        if (place.createMode !== undefined)
          closeFolder(reachFolder(dirname(place.path), { trust: PROCESS_LINK_TRUST, createMode: place.createMode }));
        writeJournal(place.path, journal);
      } catch (error) {
        refusals.push(`${place.path}: ${describeError(error)}`);
        continue;
      }
      for (const other of places) {
        if (other === place) continue;
        try {
          removeJournal(other.path);
        } catch {
          // A read-only folder: the file written now is the newer, read after it.
        }
      }
      if (refusals.length > 0 && savedTo !== place.path)
        logger.error(
          `audit database ${dbPath}: the journal cannot be written where it belongs (${refusals.join('; ')}); its rows are kept in ${place.path} until the database can take them`,
        );
      else if (!wasSaved) logger.warn(`audit database ${dbPath}: the journal ${place.path} can be written again`);
      savedTo = place.path;
      move({ kind: 'journal_saved' });
      return;
    }
    if (wasSaved)
      logger.error(
        `cannot write the journal either (${refusals.join('; ')}): ${formatCount(journalRowCount(journal), 'audit row')} ${journalRowCount(journal) === 1 ? 'is' : 'are'} only in memory, and lost when this run ends`,
      );
    move({ kind: 'journal_failed' });
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
function standInFor(seed: Store | undefined): { db: Store; seeded: boolean } {
  let db: Store;
  let seeded = false;
  try {
    db = seed === undefined ? fresh() : new Database(asRollbackJournal(seed.serialize()));
    seeded = seed !== undefined;
  } catch {
    db = fresh();
  }
  migrate(db);
  // A stand-in for a corrupt file lacks the rows on its damaged pages, which this run's rows may refer to.
  db.pragma('foreign_keys = OFF');
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
  return { db, seeded };

  function fresh(): Store {
    const empty = new Database(':memory:');
    migrate(empty);
    // ids far above the real database's, which could not be read: the journal's rows never overwrite real ones.
    empty.exec(
      `INSERT INTO sqlite_sequence (name, seq) VALUES ${JOURNALED_TABLES.filter(({ key }) => key === 'id')
        .map(({ table }) => `('${table}', ${standInIdBase(Date.now())})`)
        .join(', ')}`,
    );
    return empty;
  }
}

/** The rows this run wrote to the stand-in, as a journal (the newest check rows when there are too many). */
function journalOf(db: Store, droppedBefore: number, stateKnown: boolean): Journal {
  const tables: Record<string, Record<string, unknown>[]> = {};
  let droppedChecks = droppedBefore;
  let droppedRows = 0;
  for (const { table, key } of JOURNALED_TABLES) {
    let rows = db
      .prepare<[string], Record<string, unknown>>(
        `SELECT * FROM main.${table} WHERE rowid IN (SELECT row FROM changed WHERE tbl = ?) ORDER BY rowid`,
      )
      .all(table);
    // A table keyed by `id` grows a row per event; the others hold a row per process, interface or key.
    const cap = table === 'check_history' ? MAX_JOURNAL_CHECKS : key === 'id' ? MAX_JOURNAL_ROWS_PER_TABLE : Infinity;
    if (rows.length > cap) {
      // The newest kept: ids grow run after run (a stand-in's go on from the journal's or the database's).
      const excess = rows.length - cap;
      if (table === 'check_history') droppedChecks += excess;
      else droppedRows += excess;
      rows = rows.slice(excess);
    }
    if (rows.length > 0) tables[table] = rows;
  }
  return {
    version: 1,
    tables,
    droppedChecks,
    ...(droppedRows > 0 ? { droppedRows } : {}),
    ...(stateKnown ? {} : { stateKnown: false as const }),
  };
}

/**
 * An in-memory copy of the database at `path` when it can be read at all, for the
 * stand-in to start from: through SQLite (which sees the WAL), else from the file's
 * bytes (a read-only mount where SQLite cannot even open it for reading).
 */
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
    try {
      const copy = new Database(asRollbackJournal(readFileSync(path)));
      copy.pragma('user_version');
      return copy;
    } catch {
      return undefined;
    }
  }
}

/**
 * Copies the `process_state` rows of a moved-aside database into the fresh one, when they
 * can still be read: who is `off` or given up on must survive a corrupt page elsewhere.
 * Returns how many, or `undefined` when they cannot be read.
 */
function carryProcessState(asidePath: string, fresh: Store): number | undefined {
  try {
    const old = new Database(asidePath, { readonly: true, fileMustExist: true });
    try {
      const rows = old.prepare<[], Record<string, unknown>>('SELECT * FROM process_state').all();
      fresh
        .transaction(() => applyJournal(fresh, { version: 1, tables: { process_state: rows }, droppedChecks: 0 }))
        .immediate();
      return rows.length;
    } finally {
      old.close();
    }
  } catch {
    return undefined;
  }
}

/** A place the journal may be in, and the `watchdog_meta` key under which the database keeps the id of the last one it took from there. */
interface JournalPlace {
  path: string;
  takenKey: string;
  /** Its folder is made with this mode when missing (the fallback's, under /run). */
  createMode?: number;
}

interface ReadJournal extends JournalPlace {
  journal: Journal;
  mtimeMs: number;
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

type FileIdentity = { dev: number; ino: number };

function identityOf(path: string): FileIdentity | undefined {
  try {
    const { dev, ino } = statSync(path);
    return { dev, ino };
  } catch {
    return undefined;
  }
}

function sameFile(a: FileIdentity | undefined, b: FileIdentity | undefined): boolean {
  return a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;
}

/** The `process_state` rows of a damaged database, when they can still be read (the damage elsewhere). */
function processStateOf(db: Store): Record<string, unknown>[] | undefined {
  return readableTablesOf(db, ['process_state']).process_state;
}

/**
 * Runs `write` with foreign keys unchecked: a journal from a stand-in for a corrupt file can
 * hold a recovery's actions whose recovery was on a damaged page. Kept rather than refused.
 */
function withoutForeignKeys(db: Store, write: () => void): void {
  db.pragma('foreign_keys = OFF');
  try {
    write();
  } finally {
    db.pragma('foreign_keys = ON');
  }
}

type Tables = Record<string, Record<string, unknown>[]>;

/** The rows of each journaled table of a damaged database that can still be read whole (tables on a damaged page are left out). */
function readableTablesOf(db: Store, tables: readonly string[] = JOURNALED_TABLES.map(({ table }) => table)): Tables {
  const readable: Tables = {};
  for (const table of tables) {
    try {
      readable[table] = db.prepare<[], Record<string, unknown>>(`SELECT * FROM ${table}`).all();
    } catch {
      // On a damaged page: nothing of it is trusted.
    }
  }
  return readable;
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
