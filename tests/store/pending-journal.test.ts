// What `status` shows of the journal: its process_state rows over the database's, and a
// note saying how many rows wait; read from real files.
import assert from 'node:assert/strict';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  journalStatusOf,
  readPendingJournal,
  readPendingJournals,
  withJournal,
  type PendingJournal,
} from '../../src/store/pending-journal.js';
import type { ProcessStateRow } from '../../src/store/read-state.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const row = (key: string, off_since: string | null): ProcessStateRow =>
  ({ process_key: key, off_since, consecutive_failures: 0 }) as ProcessStateRow;
const db = new Map([
  ['web', row('web', null)],
  ['db', row('db', '2026-06-30T11:00:00.000000+00:00')],
]);
const pendingOf = (...rows: ProcessStateRow[]): PendingJournal => ({
  kind: 'pending',
  path: '/j',
  rows: rows.length + 2,
  droppedChecks: 0,
  states: new Map(rows.map((r) => [r.process_key, r])),
  stateKnown: true,
  journal: { version: 1, tables: {}, droppedChecks: 0 },
});

describe('withJournal and journalStatusOf', () => {
  const cases: {
    name: string;
    pending: PendingJournal;
    off: Record<string, string | null>;
    fromJournal: string[];
    note: string | null;
  }[] = [
    {
      name: 'no journal: the database as it is',
      pending: { kind: 'none' },
      off: { web: null, db: '2026-06-30T11:00:00.000000+00:00' },
      fromJournal: [],
      note: null,
    },
    {
      name: 'off in the journal wins over the database',
      pending: pendingOf(row('web', '2026-06-30T12:00:00.000000+00:00')),
      off: { web: '2026-06-30T12:00:00.000000+00:00', db: '2026-06-30T11:00:00.000000+00:00' },
      fromJournal: ['web'],
      note: '3 rows wait in the journal; the state of web is from it, the truth until the database takes it',
    },
    {
      name: 'on in the journal wins over off in the database',
      pending: pendingOf(row('db', null)),
      off: { web: null, db: null },
      fromJournal: ['db'],
      note: '3 rows wait in the journal; the state of db is from it, the truth until the database takes it',
    },
    {
      name: 'a journal of a run that knew no state keeps the database off (its empty off says nothing)',
      pending: { ...pendingOf(row('db', null)), stateKnown: false } as PendingJournal,
      off: { web: null, db: '2026-06-30T11:00:00.000000+00:00' },
      fromJournal: ['db'],
      note: '3 rows wait in the journal; the state of db is from it, the truth until the database takes it',
    },
    {
      name: 'a journal of a run that knew no state still brings an off typed during it',
      pending: { ...pendingOf(row('web', '2026-06-30T12:00:00.000000+00:00')), stateKnown: false } as PendingJournal,
      off: { web: '2026-06-30T12:00:00.000000+00:00', db: '2026-06-30T11:00:00.000000+00:00' },
      fromJournal: ['web'],
      note: '3 rows wait in the journal; the state of web is from it, the truth until the database takes it',
    },
    {
      name: 'a journal with no process rows changes no state',
      pending: pendingOf(),
      off: { web: null, db: '2026-06-30T11:00:00.000000+00:00' },
      fromJournal: [],
      note: '2 rows wait in the journal',
    },
    {
      name: 'an unreadable journal is said, and changes nothing',
      pending: { kind: 'unreadable', path: '/j', reason: 'not valid JSON (cut short?)' },
      off: { web: null, db: '2026-06-30T11:00:00.000000+00:00' },
      fromJournal: [],
      note: 'the journal cannot be read (not valid JSON (cut short?)): an off or on kept there may not show',
    },
  ];
  for (const { name, pending, off, fromJournal, note } of cases) {
    it(name, () => {
      const merged = withJournal(db, pending);
      assert.deepEqual(Object.fromEntries([...merged.states].map(([key, state]) => [key, state.off_since])), off);
      assert.deepEqual(merged.fromJournal, fromJournal);
      assert.equal(journalStatusOf(pending, merged.fromJournal)?.note ?? null, note);
    });
  }
});

describe('readPendingJournal', () => {
  it('reads the process states and counts the rows of a journal file', () => {
    const path = join(makeTempDir('watchdog-pending-journal-'), 'journal');
    writeFileSync(
      path,
      JSON.stringify({
        version: 1,
        droppedChecks: 4,
        tables: { process_state: [{ process_key: 'web', off_since: 'x' }], check_history: [{ id: 1 }] },
      }),
    );
    const pending = readPendingJournal(path);
    assert.equal(pending.kind, 'pending');
    assert.deepEqual(
      pending.kind === 'pending'
        ? { rows: pending.rows, dropped: pending.droppedChecks, keys: [...pending.states.keys()] }
        : pending,
      { rows: 2, dropped: 4, keys: ['web'] },
    );
  });

  it('says none when there is no journal', () => {
    assert.deepEqual(readPendingJournal(join(makeTempDir('watchdog-pending-journal-'), 'missing')), { kind: 'none' });
  });
});

describe('readPendingJournals (the journal and its fallback)', () => {
  const journalWith = (path: string, offSince: string, when: Date): void => {
    writeFileSync(
      path,
      JSON.stringify({
        version: 1,
        droppedChecks: 0,
        tables: { process_state: [{ process_key: 'web', off_since: offSince }] },
      }),
    );
    utimesSync(path, when, when);
  };
  const offOf = (pending: PendingJournal): unknown =>
    pending.kind === 'pending' ? [pending.path, pending.states.get('web')?.off_since] : pending.kind;

  it('shows the newer of the two, whichever place it is in', () => {
    const dir = makeTempDir('watchdog-pending-journal-');
    const [journal, fallback] = [join(dir, 'journal'), join(dir, 'fallback')];
    journalWith(journal, 'old', new Date(1000));
    journalWith(fallback, 'new', new Date(2000));
    assert.deepEqual(offOf(readPendingJournals([journal, fallback])), [fallback, 'new']);
    journalWith(journal, 'newer', new Date(3000));
    assert.deepEqual(offOf(readPendingJournals([journal, fallback])), [journal, 'newer']);
  });

  it('shows the one there is, and says none when neither is there', () => {
    const dir = makeTempDir('watchdog-pending-journal-');
    const [journal, fallback] = [join(dir, 'journal'), join(dir, 'fallback')];
    assert.deepEqual(readPendingJournals([journal, fallback]), { kind: 'none' });
    journalWith(fallback, 'kept', new Date(1000));
    assert.deepEqual(offOf(readPendingJournals([journal, fallback])), [fallback, 'kept']);
  });
});
