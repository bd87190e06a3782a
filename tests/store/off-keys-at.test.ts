// offKeysAt: which processes are off, read-only, before the probes run. A database that
// cannot be read means "none off" (a probe too many, never a wrong state); a bug is thrown.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/open-store.js';
import { setOff } from '../../src/store/process-control.js';
import { offKeysAt, type readFrom } from '../../src/store/read-state.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** A read that fails with `error` before it reads anything. */
const failingWith =
  (error: Error): typeof readFrom =>
  () => {
    throw error;
  };

describe('offKeysAt', () => {
  it('is empty when there is no database yet', () => {
    assert.deepEqual(offKeysAt(join(makeTempDir(), 'watchdog.db')), new Set());
  });

  it('names the processes turned off', () => {
    const dbPath = join(makeTempDir(), 'watchdog.db');
    const db = openStore(dbPath);
    try {
      setOff(db, 'mqtt', '2026-01-01T00:00:00Z', 'root');
    } finally {
      db.close();
    }
    assert.deepEqual(offKeysAt(dbPath), new Set(['mqtt']));
  });

  it('is empty when the file is not a database (DB_UNUSABLE)', () => {
    const dbPath = join(makeTempDir(), 'watchdog.db');
    writeFileSync(dbPath, 'not a database, but long enough to be read as a header of one\n'.repeat(20));
    assert.deepEqual(offKeysAt(dbPath), new Set());
  });

  it('is empty when the database has another schema version (DB_UNUSABLE)', () => {
    const dbPath = join(makeTempDir(), 'watchdog.db');
    const db = new Database(dbPath);
    db.pragma('user_version = 9999');
    db.close();
    assert.deepEqual(offKeysAt(dbPath), new Set());
  });

  it('is empty when SQLite fails the read (locked past the busy timeout)', () => {
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    assert.deepEqual(offKeysAt('/nonexistent/watchdog.db', failingWith(busy)), new Set());
  });

  it('throws any other error: a bug is not "nothing off" (review 2)', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'all')");
    assert.throws(() => offKeysAt('/nonexistent/watchdog.db', failingWith(bug)), TypeError);
    const sqlBug = Object.assign(new Error('no such column: off_since'), { code: 'SQLITE_ERROR' });
    assert.throws(() => offKeysAt('/nonexistent/watchdog.db', failingWith(sqlBug)), /no such column/);
  });
});
