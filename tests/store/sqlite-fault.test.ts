import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { sqliteFaultOf } from '../../src/store/sqlite-fault.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** An error as better-sqlite3 throws it: an Error with a string `code`. */
const sqliteError = (code: string): Error => Object.assign(new Error(`${code}: fake`), { code });

describe('sqliteFaultOf', () => {
  const cases: [string, unknown, ReturnType<typeof sqliteFaultOf>][] = [
    ['SQLITE_BUSY', sqliteError('SQLITE_BUSY'), 'busy'],
    ['SQLITE_BUSY_SNAPSHOT', sqliteError('SQLITE_BUSY_SNAPSHOT'), 'busy'],
    ['SQLITE_BUSY_TIMEOUT', sqliteError('SQLITE_BUSY_TIMEOUT'), 'busy'],
    ['SQLITE_LOCKED', sqliteError('SQLITE_LOCKED'), 'busy'],
    ['SQLITE_LOCKED_SHAREDCACHE', sqliteError('SQLITE_LOCKED_SHAREDCACHE'), 'busy'],
    ['SQLITE_FULL', sqliteError('SQLITE_FULL'), 'full'],
    ['SQLITE_READONLY', sqliteError('SQLITE_READONLY'), 'readonly'],
    ['SQLITE_READONLY_DBMOVED', sqliteError('SQLITE_READONLY_DBMOVED'), 'readonly'],
    ['SQLITE_IOERR', sqliteError('SQLITE_IOERR'), 'io'],
    ['SQLITE_IOERR_WRITE', sqliteError('SQLITE_IOERR_WRITE'), 'io'],
    ['SQLITE_IOERR_FSYNC', sqliteError('SQLITE_IOERR_FSYNC'), 'io'],
    ['SQLITE_CORRUPT', sqliteError('SQLITE_CORRUPT'), 'corrupt'],
    ['SQLITE_CORRUPT_INDEX', sqliteError('SQLITE_CORRUPT_INDEX'), 'corrupt'],
    ['SQLITE_NOTADB', sqliteError('SQLITE_NOTADB'), 'corrupt'],
    ['SQLITE_CANTOPEN', sqliteError('SQLITE_CANTOPEN'), 'cantopen'],
    ['SQLITE_CANTOPEN_ISDIR', sqliteError('SQLITE_CANTOPEN_ISDIR'), 'cantopen'],
    // Bugs and misuse are not faults of the storage: they must surface.
    ['SQLITE_CONSTRAINT_NOTNULL', sqliteError('SQLITE_CONSTRAINT_NOTNULL'), undefined],
    ['SQLITE_ERROR (a bad statement)', sqliteError('SQLITE_ERROR'), undefined],
    ['SQLITE_MISUSE', sqliteError('SQLITE_MISUSE'), undefined],
    ['SQLITE_FULLER (only SQLITE_FULL itself is full)', sqliteError('SQLITE_FULLER'), undefined],
    ['a system error code', sqliteError('EACCES'), undefined],
    ['a lower-case code', sqliteError('sqlite_busy'), undefined],
    ['an Error without a code', new Error('boom'), undefined],
    ['a numeric code', Object.assign(new Error('x'), { code: 5 }), undefined],
    ['a plain object with a code (not an Error)', { code: 'SQLITE_BUSY' }, undefined],
    ['a string', 'SQLITE_BUSY', undefined],
    ['undefined', undefined, undefined],
    ['null', null, undefined],
  ];
  for (const [name, error, fault] of cases) {
    it(`${name} → ${String(fault)}`, () => {
      assert.equal(sqliteFaultOf(error), fault);
    });
  }

  it('knows the errors better-sqlite3 really throws', () => {
    const dir = makeTempDir('watchdog-sqlite-fault-');
    const notADb = join(dir, 'garbage.db');
    writeFileSync(notADb, Buffer.alloc(4096, 0x41));
    const thrown = (run: () => unknown): unknown => {
      try {
        run();
      } catch (error) {
        return error;
      }
      assert.fail('expected an error');
    };
    const corrupt = thrown(() => {
      const db = new Database(notADb);
      try {
        db.pragma('journal_mode = WAL');
      } finally {
        db.close();
      }
    });
    assert.equal(sqliteFaultOf(corrupt), 'corrupt', String(corrupt));

    const dbPath = join(dir, 'real.db');
    const locker = new Database(dbPath);
    const other = new Database(dbPath, { timeout: 0 });
    try {
      locker.exec('CREATE TABLE t (x INTEGER NOT NULL)');
      const constraint = thrown(() => locker.prepare('INSERT INTO t (x) VALUES (NULL)').run());
      assert.equal(sqliteFaultOf(constraint), undefined, String(constraint));
      locker.exec('BEGIN IMMEDIATE');
      const busy = thrown(() => other.exec('BEGIN IMMEDIATE'));
      assert.equal(sqliteFaultOf(busy), 'busy', String(busy));
      locker.exec('ROLLBACK');
    } finally {
      other.close();
      locker.close();
    }
  });
});
