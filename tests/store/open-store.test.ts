import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { WatchdogError } from '../../src/errors.js';
import { SCHEMA_VERSION } from '../../src/store/migrations.js';
import { openStore, openStoreForReading } from '../../src/store/open-store.js';
import { readHistory, readProcessStates } from '../../src/store/read-state.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const PYTHON_SCHEMA = `
CREATE TABLE IF NOT EXISTS process_state (
    process_key TEXT PRIMARY KEY,
    consecutive_failures INTEGER DEFAULT 0,
    last_check_at TEXT,
    last_health TEXT,
    last_pid INTEGER,
    last_heartbeat_ts TEXT,
    last_iteration INTEGER
);
CREATE TABLE IF NOT EXISTS check_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    process_key TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    health TEXT NOT NULL,
    pid INTEGER,
    heartbeat_ts TEXT,
    iteration INTEGER,
    action_taken TEXT
);`;

describe('openStore', () => {
  it('creates the database and its folder, in WAL mode, at the latest schema version', () => {
    const dir = makeTempDir();
    const dbPath = join(dir, 'nested', 'state', 'watchdog.db');
    const db = openStore(dbPath);
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      const indexes = db
        .prepare<[], { name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'check_history'",
        )
        .all()
        .map((row) => row.name);
      assert.ok(indexes.includes('check_history_by_process'));
      assert.ok(indexes.includes('check_history_by_time'));
    } finally {
      db.close();
    }
  });

  it('is idempotent: opening twice leaves the schema as it is', () => {
    const dbPath = join(makeTempDir(), 'watchdog.db');
    openStore(dbPath).close();
    const db = openStore(dbPath);
    assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    db.close();
  });

  it("adopts the Python Watchdog's database with its rows (written by Python's sqlite3)", () => {
    const dbPath = join(makeTempDir(), 'python.db');
    const script = [
      'import sqlite3, sys',
      'conn = sqlite3.connect(sys.argv[1])',
      `conn.executescript(${JSON.stringify(PYTHON_SCHEMA)})`,
      "conn.execute(\"INSERT INTO process_state VALUES ('web', 1, '2026-02-05T06:17:29.601049+00:00', 'timed_out', 4242, '2026-02-05T06:15:00.000000+00:00', 41)\")",
      "conn.execute(\"INSERT INTO check_history (process_key, checked_at, health, pid, heartbeat_ts, iteration, action_taken) VALUES ('web', '2026-02-05T06:17:29.601049+00:00', 'timed_out', 4242, '2026-02-05T06:15:00.000000+00:00', 41, NULL)\")",
      'conn.commit()',
    ].join('\n');
    execFileSync('python3', ['-c', script, dbPath]);

    const db = openStore(dbPath);
    try {
      assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      const state = readProcessStates(db).get('web');
      assert.equal(state?.consecutive_failures, 1);
      assert.equal(state?.last_health, 'timed_out');
      assert.equal(state?.last_pid, 4242);
      assert.equal(state?.last_reason, null);
      const history = readHistory(db, { limit: 10 });
      assert.equal(history.length, 1);
      assert.equal(history[0]?.iteration, 41);
    } finally {
      db.close();
    }
  });

  it('refuses a database from a newer watchdog instead of guessing at its schema', () => {
    const dbPath = join(makeTempDir(), 'future.db');
    const future = new Database(dbPath);
    future.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    future.close();
    assert.throws(
      () => openStore(dbPath),
      (error: unknown) => {
        assert.ok(error instanceof WatchdogError);
        assert.equal(error.code, 'DB_UNUSABLE');
        assert.match(error.message, /newer than this watchdog knows/);
        return true;
      },
    );
  });

  it('reports a database that cannot be created as DB_UNUSABLE with a hint', () => {
    const dir = makeTempDir();
    const blocker = join(dir, 'not-a-folder');
    execFileSync('touch', [blocker]);
    assert.throws(
      () => openStore(join(blocker, 'watchdog.db')),
      (error: unknown) => {
        assert.ok(error instanceof WatchdogError);
        assert.equal(error.code, 'DB_UNUSABLE');
        assert.ok(error.hint?.includes('db_path'));
        return true;
      },
    );
  });

  it('reports a file that is not a database as DB_UNUSABLE', () => {
    const dir = makeTempDir();
    const dbPath = join(dir, 'garbage.db');
    execFileSync('sh', ['-c', `head -c 8192 /dev/urandom > '${dbPath}'`]);
    chmodSync(dbPath, 0o600);
    assert.throws(
      () => openStore(dbPath),
      (error: unknown) => error instanceof WatchdogError && error.code === 'DB_UNUSABLE',
    );
  });
});

describe('openStoreForReading', () => {
  it('returns nothing, and creates nothing, when there is no database yet', () => {
    const dir = makeTempDir();
    assert.equal(openStoreForReading(join(dir, 'watchdog.db')), undefined);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('reads a database at the current schema without writing to it', () => {
    const dbPath = join(makeTempDir(), 'watchdog.db');
    openStore(dbPath).close();
    const db = openStoreForReading(dbPath);
    assert.ok(db !== undefined);
    try {
      assert.equal(db.readonly, true);
      assert.equal(readProcessStates(db).size, 0);
      assert.throws(() => db.exec('DELETE FROM check_history'), /readonly/);
    } finally {
      db.close();
    }
  });

  it("does not migrate the Python Watchdog's database behind the user's back: it says to run check", () => {
    const dbPath = join(makeTempDir(), 'python.db');
    const python = new Database(dbPath);
    python.exec(PYTHON_SCHEMA);
    python.close();
    assert.throws(
      () => openStoreForReading(dbPath),
      (error: unknown) => {
        assert.ok(error instanceof WatchdogError);
        assert.equal(error.code, 'DB_UNUSABLE');
        assert.match(error.message, /has schema version 0, this watchdog reads \d+/);
        assert.match(error.hint ?? '', /run `watchdog check` once/);
        return true;
      },
    );
    const after = new Database(dbPath, { readonly: true });
    assert.equal(after.pragma('user_version', { simple: true }), 0, 'left as it was');
    after.close();
    assert.equal(existsSync(`${dbPath}-wal`), false);
  });
});
