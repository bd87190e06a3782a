import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { directWriter } from '../../src/store/audit-writer.js';
import { openStore } from '../../src/store/open-store.js';
import { onCleanup } from '../helpers/cleanup.js';
import { makeTempDir } from '../helpers/temp-dir.js';

function store() {
  const db = openStore(join(makeTempDir('watchdog-audit-writer-'), 'watchdog.db'));
  onCleanup(() => db.close());
  return db;
}

const countEvents = (db: ReturnType<typeof store>): number =>
  db.prepare<[], { n: number }>('SELECT count(*) AS n FROM audit_events').get()?.n ?? -1;
const insertEvent = (db: ReturnType<typeof store>, detail: string): number =>
  Number(
    db
      .prepare("INSERT INTO audit_events (at, kind, detail) VALUES ('2026-06-30T12:00:00.000000+00:00', 'reset', ?)")
      .run(detail).lastInsertRowid,
  );

describe('directWriter', () => {
  it('reads from and writes to the database it was given, returning what the write returns', () => {
    const db = store();
    const writer = directWriter(db);
    assert.equal(writer.db, db);
    const id = writer.write((given) => {
      assert.equal(given, db, 'the write gets the same connection');
      return insertEvent(given, 'one');
    });
    assert.equal(id, 1);
    assert.equal(countEvents(db), 1);
  });

  it('runs each write in one transaction: a write that throws leaves nothing behind', () => {
    const db = store();
    const writer = directWriter(db);
    assert.throws(
      () =>
        writer.write((given) => {
          insertEvent(given, 'first half');
          assert.equal(given.inTransaction, true, 'inside a transaction');
          throw new Error('second half failed');
        }),
      /second half failed/,
    );
    assert.equal(countEvents(db), 0, 'rolled back');
    assert.equal(db.inTransaction, false, 'no transaction left open');
  });
});
