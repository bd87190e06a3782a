import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { WatchdogError } from '../../src/errors.js';
import { sqliteAddonFailure } from '../../src/store/sqlite-addon-failure.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** What Node throws when it loads `name` as a native addon and the file is not a shared library. */
function dlopenError(name: string): unknown {
  const path = join(makeTempDir(), name);
  writeFileSync(path, 'not a shared library\n');
  try {
    process.dlopen({ exports: {} }, path);
  } catch (error) {
    return error;
  }
  assert.fail(`${path} loaded`);
}

/** What Node's resolver throws for a file `path` (in a fresh folder) that is not there. */
function notFoundError(path: string): unknown {
  const missing = join(makeTempDir(), path);
  try {
    createRequire(import.meta.url).resolve(missing);
  } catch (error) {
    return error;
  }
  assert.fail(`${missing} was found`);
}

describe('sqliteAddonFailure', () => {
  it("words a better-sqlite3 addon that Node cannot load as SQLite's failure, with how to rebuild it", () => {
    const cause = dlopenError('better_sqlite3.node');
    const failure = sqliteAddonFailure(cause);
    assert.ok(failure instanceof WatchdogError, 'an addon that is not a library is recognised');
    assert.equal(failure.code, 'DB_UNUSABLE');
    assert.match(failure.message, /^cannot load SQLite \(better-sqlite3's native addon\): .*better_sqlite3\.node/);
    assert.match(failure.hint ?? '', /npm rebuild better-sqlite3/);
    assert.equal(failure.cause, cause);
  });

  it('words a missing addon the same way', () => {
    const failure = sqliteAddonFailure(notFoundError('better-sqlite3/build/Release/better_sqlite3.node'));
    assert.ok(failure instanceof WatchdogError, 'a missing addon is recognised');
    assert.match(failure.hint ?? '', /npm rebuild better-sqlite3/);
  });

  it("leaves every other error to the database's own explanation", () => {
    const garbage = join(makeTempDir(), 'garbage.db');
    writeFileSync(garbage, Buffer.alloc(8192, 0x5a));
    let sqliteError: unknown;
    try {
      new Database(garbage).pragma('user_version');
    } catch (error) {
      sqliteError = error;
    }
    assert.ok(sqliteError instanceof Error, 'SQLite refused the file that is not a database');

    for (const [what, error] of [
      ['another addon that cannot be loaded', dlopenError('other.node')],
      ['another module that is not there', notFoundError('no-such-package/index.js')],
      ["SQLite's own error", sqliteError],
      [
        'a file system error',
        Object.assign(new Error("EACCES: permission denied, open 'better_sqlite3.node'"), { code: 'EACCES' }),
      ],
      ['a thrown string', 'better_sqlite3.node'],
    ] as const) {
      assert.equal(sqliteAddonFailure(error), undefined, what);
    }
  });
});
