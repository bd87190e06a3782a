import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { WatchdogError, describeError } from '../errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import { sqliteAddonFailure } from './sqlite-addon-failure.js';
import { sqliteFaultOf } from './sqlite-fault.js';
import { PROCESS_LINK_TRUST, reachFolder } from '../system/open-file-safely.js';
import { closeFolder } from '../system/walk-path.js';

export type Store = Database.Database;

export interface OpenStoreOptions {
  /** How long to wait for another connection's write lock, in milliseconds. */
  busyTimeoutMs?: number;
}

/**
 * Opens the audit database, creating it and its folder when missing, and brings its
 * schema up to date. A database left by the Python Watchdog is adopted: its tables and
 * rows are kept, new columns are added.
 *
 * @throws {WatchdogError} `DB_UNUSABLE` when the file cannot be opened or migrated.
 */
export function openStore(dbPath: string, { busyTimeoutMs = 5000 }: OpenStoreOptions = {}): Store {
  return openExplained(
    () => {
      // Missing folders made one by one from their parent's descriptor, never through a link others could plant.
      closeFolder(reachFolder(dirname(dbPath), { trust: PROCESS_LINK_TRUST, createMode: 0o750 }));
      return new Database(dbPath);
    },
    (db) => {
      db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
      db.pragma('journal_mode = WAL');
      // FULL: a commit is on the card before the kill, start or `off` it records takes effect
      // (NORMAL lost the last commits at a power cut). Healthy ticks commit nothing, so they
      // pay no fsync for it (docs/storage-writes.md).
      db.pragma('synchronous = FULL');
      // Sorts and statement journals in memory, not in files under /var/tmp (on the card).
      db.pragma('temp_store = MEMORY');
      migrate(db);
    },
    (error) =>
      new WatchdogError('DB_UNUSABLE', `cannot use the audit database ${dbPath}: ${describeError(error)}`, {
        hint: 'check that its folder exists and is writable by the user the watchdog runs as (db_path in the config)',
        cause: error,
      }),
  );
}

/** Applies the migrations the database has not seen yet, each in its own transaction. */
export function migrate(db: Store): void {
  const current = Number(db.pragma('user_version', { simple: true }));
  if (current > SCHEMA_VERSION) {
    throw new WatchdogError(
      'DB_UNUSABLE',
      `the audit database has schema version ${current}, newer than this watchdog knows (${SCHEMA_VERSION})`,
      { hint: 'upgrade watchdog, or point db_path at another file' },
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

/**
 * Opens the audit database read-only for `status` and `history`: no file is created,
 * nothing is migrated or written, so they work for any user who can read it. Returns
 * `undefined` when there is no database yet (nothing was checked).
 *
 * @throws {WatchdogError} `DB_UNUSABLE` when it cannot be read, or has another schema version.
 */
export function openStoreForReading(dbPath: string): Store | undefined {
  if (!existsSync(dbPath)) return undefined;
  const prepare = (db: Store): void => {
    db.pragma('busy_timeout = 5000');
    const version = Number(db.pragma('user_version', { simple: true }));
    if (version !== SCHEMA_VERSION) {
      throw new WatchdogError(
        'DB_UNUSABLE',
        `the audit database ${dbPath} has schema version ${version}, this watchdog reads ${SCHEMA_VERSION}`,
        {
          hint: version < SCHEMA_VERSION ? 'run `watchdog check` once: it upgrades the database' : 'upgrade watchdog',
        },
      );
    }
  };
  const explain = (error: unknown): WatchdogError =>
    new WatchdogError('DB_UNUSABLE', `cannot read the audit database ${dbPath}: ${describeError(error)}`, {
      hint:
        sqliteFaultOf(error) === 'io' || sqliteFaultOf(error) === 'full'
          ? 'its file system may be full or failing (`df`, `dmesg`); `watchdog check` keeps its rows in the journal or its fallback meanwhile'
          : 'run it as the user that runs `watchdog check` (often root): reading a database in WAL mode needs write access to its folder',
      cause: error,
    });
  try {
    return openExplained(() => new Database(dbPath, { readonly: true, fileMustExist: true }), prepare, explain);
  } catch (error) {
    // Reading in WAL mode makes or grows its -shm file: a full or read-only disk refuses it.
    const fault = error instanceof WatchdogError ? sqliteFaultOf(error.cause) : undefined;
    if (fault !== 'io' && fault !== 'full' && fault !== 'readonly' && fault !== 'cantopen') throw error;
    const copy = snapshotOf(dbPath);
    if (copy === undefined) throw error;
    return openExplained(() => copy, prepare, explain);
  }
}

/**
 * Where a snapshot is made: `/dev/shm`, a tmpfs in memory on every Linux, not `$TMPDIR`.
 * `/tmp` is often on the very card that is full (Raspberry Pi OS keeps it on the root file
 * system), and a `TMPDIR` in root's environment may name a folder another user can write,
 * where the private folder could be swapped for a link between its creation and the copy.
 */
export const SNAPSHOT_BASE = '/dev/shm';

/**
 * A copy in memory of the database at `dbPath` with the rows of its WAL, for reading where
 * SQLite cannot open it in place (its -shm file cannot be made or grown: a full or
 * read-only disk): the file and its WAL copied to a private folder under `base`
 * ({@link SNAPSHOT_BASE}, else the system's temporary folder), opened there, serialized, and
 * the folder removed; the database is held twice in memory meanwhile. `undefined` when that
 * fails too.
 */
function snapshotOf(dbPath: string, base = existsSync(SNAPSHOT_BASE) ? SNAPSHOT_BASE : tmpdir()): Store | undefined {
  let dir: string | undefined;
  try {
    dir = mkdtempSync(join(base, 'watchdog-read-'));
    const copy = join(dir, 'watchdog.db');
    copyFileSync(dbPath, copy);
    if (existsSync(`${dbPath}-wal`)) copyFileSync(`${dbPath}-wal`, `${copy}-wal`);
    const db = new Database(copy, { fileMustExist: true });
    try {
      return new Database(asRollbackJournal(db.serialize()));
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A serialized WAL database cannot be opened in memory as it is: bytes 18 and 19 of its
 * header say WAL; setting them to 1 (rollback journal) makes it a plain copy.
 */
export function asRollbackJournal(image: Buffer): Buffer {
  if (image.length >= 20) {
    image[18] = 1;
    image[19] = 1;
  }
  return image;
}

/**
 * Opens and prepares a database; on failure closes it and throws our own errors as
 * they are, a failure to load SQLite itself as such, anything else as `explain` words it.
 */
function openExplained(
  open: () => Store,
  prepare: (db: Store) => void,
  explain: (error: unknown) => WatchdogError,
): Store {
  let db: Store | undefined;
  try {
    db = open();
    prepare(db);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof WatchdogError) throw error;
    throw sqliteAddonFailure(error) ?? explain(error);
  }
}
