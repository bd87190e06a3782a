import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  applyJournal,
  JOURNALED_TABLES,
  journalRowCount,
  readJournal,
  removeJournal,
  writeJournal,
  type Journal,
} from '../../src/store/journal.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { withStore } from '../helpers/temp-store.js';

const T0 = '2026-06-30T12:00:00.000000+00:00';
const T1 = '2026-06-30T12:00:05.000000+00:00';

const recovery = (id: number, outcome: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  process_key: 'web',
  kind: 'recovery',
  command: 'check',
  requested_by: 'cron',
  trigger_health: 'timed_out',
  trigger_reason: 'last heartbeat 10m ago',
  started_at: T0,
  finished_at: outcome === 'running' ? null : T1,
  duration_ms: outcome === 'running' ? null : 5000,
  outcome,
  detail: null,
  started_pid: null,
  ...extra,
});

const JOURNAL: Journal = {
  version: 1,
  tables: {
    recoveries: [recovery(7, 'succeeded')],
    check_history: [
      { id: 40, process_key: 'web', checked_at: T0, health: 'timed_out', reason: 'last heartbeat 10m ago' },
    ],
    audit_events: [{ id: 3, at: T0, kind: 'gave_up', process_key: 'web', detail: 'gave up: 3 recoveries' }],
  },
  droppedChecks: 2,
};

const journalOf = (tables: Journal['tables']): Journal => ({ version: 1, tables, droppedChecks: 0 });

describe('writeJournal and readJournal', () => {
  it('round-trips a journal, in a file only its owner may read or write', () => {
    const dir = makeTempDir('watchdog-journal-');
    const path = join(dir, 'watchdog.db.journal');
    writeJournal(path, JOURNAL);
    const read = readJournal(path);
    const id = read.kind === 'read' ? read.journal.id : undefined;
    assert.match(id ?? '', /^[0-9a-f-]{36}$/, 'a new id at every write');
    assert.deepEqual(read, { kind: 'read', journal: { ...JOURNAL, id } });
    writeJournal(path, JOURNAL);
    const again = readJournal(path);
    assert.notEqual(again.kind === 'read' ? again.journal.id : undefined, id, 'another id for another write');
    assert.equal(statSync(path).mode & 0o777, 0o600, 'mode 0600');
    assert.deepEqual(readdirSync(dir), ['watchdog.db.journal'], 'no temporary file is left behind');
  });

  it('replaces a journal already there, still 0600', () => {
    const dir = makeTempDir('watchdog-journal-');
    const path = join(dir, 'j.json');
    writeFileSync(path, 'old', { mode: 0o644 });
    writeJournal(path, journalOf({}));
    const read = readJournal(path);
    assert.deepEqual(read, {
      kind: 'read',
      journal: { ...journalOf({}), id: read.kind === 'read' ? read.journal.id : undefined },
    });
    assert.equal(statSync(path).mode & 0o777, 0o600, 'mode 0600');
  });

  it('reads no journal when there is no file', () => {
    assert.deepEqual(readJournal(join(makeTempDir('watchdog-journal-'), 'absent.journal')), { kind: 'none' });
  });

  it('reads no journal when a file stands where its folder should be (nothing to move aside)', () => {
    const dir = makeTempDir('watchdog-journal-');
    writeFileSync(join(dir, 'file'), '');
    assert.deepEqual(readJournal(join(dir, 'file', 'journal.json')), { kind: 'none' });
  });

  const unusable: [string, string, string | RegExp][] = [
    ['garbage bytes', '\u0000\u0001garbage{', 'not valid JSON (cut short?)'],
    ['a journal cut short', JSON.stringify(JOURNAL).slice(0, 40), 'not valid JSON (cut short?)'],
    ['an empty file', '', 'not valid JSON (cut short?)'],
    ['another version', JSON.stringify({ ...JOURNAL, version: 2 }), 'not a journal of this watchdog'],
    ['no version', JSON.stringify({ tables: {} }), 'not a journal of this watchdog'],
    ['tables that are not an object', JSON.stringify({ version: 1, tables: null }), 'not a journal of this watchdog'],
    ['JSON that is not an object', 'null', /./],
    ['a JSON array', '[1, 2]', 'not a journal of this watchdog'],
  ];
  for (const [name, text, reason] of unusable) {
    it(`finds ${name} unusable`, () => {
      const path = join(makeTempDir('watchdog-journal-'), 'j.json');
      writeFileSync(path, text);
      const read = readJournal(path);
      assert.equal(read.kind, 'unusable', JSON.stringify(read));
      const said = read.kind === 'unusable' ? read.reason : '';
      if (typeof reason === 'string') assert.equal(said, reason);
      else assert.match(said, reason);
    });
  }

  it('finds a folder in its place unusable, saying it cannot be read', () => {
    const path = join(makeTempDir('watchdog-journal-'), 'j.json');
    mkdirSync(path);
    const read = readJournal(path);
    assert.equal(read.kind, 'unusable', JSON.stringify(read));
    assert.match(read.kind === 'unusable' ? read.reason : '', /^cannot read it: .*EISDIR/);
  });

  it('counts a droppedChecks that is not a number as 0', () => {
    const path = join(makeTempDir('watchdog-journal-'), 'j.json');
    writeFileSync(path, JSON.stringify({ version: 1, tables: {}, droppedChecks: 'many' }));
    assert.deepEqual(readJournal(path), { kind: 'read', journal: journalOf({}) });
  });
});

describe('journalRowCount', () => {
  it('counts the rows of every table', () => {
    assert.equal(journalRowCount(JOURNAL), 3);
    assert.equal(journalRowCount(journalOf({})), 0);
    assert.equal(journalRowCount(journalOf({ check_history: [{ id: 1 }, { id: 2 }], audit_events: [] })), 2);
  });
});

describe('removeJournal', () => {
  it('does nothing when there is no file', () => {
    const path = join(makeTempDir('watchdog-journal-'), 'absent.journal');
    removeJournal(path);
    assert.equal(existsSync(path), false);
  });

  it('removes the file', () => {
    const dir = makeTempDir('watchdog-journal-');
    const path = join(dir, 'j.json');
    writeJournal(path, JOURNAL);
    removeJournal(path);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('rethrows other errors (a folder in its place)', () => {
    const path = join(makeTempDir('watchdog-journal-'), 'j.json');
    mkdirSync(path);
    assert.throws(
      () => removeJournal(path),
      (error: NodeJS.ErrnoException) => error.code === 'EISDIR' || error.code === 'EPERM',
    );
  });
});

describe('applyJournal', () => {
  it(
    'inserts new rows with their ids, in every journaled table',
    withStore((db) => {
      db.transaction(() =>
        applyJournal(db, {
          ...JOURNAL,
          tables: {
            ...JOURNAL.tables,
            recovery_actions: [
              {
                id: 70,
                recovery_id: 7,
                position: 0,
                action: 'kill',
                started_at: T0,
                duration_ms: 10,
                outcome: 'ok',
                timed_out: 0,
                detail: 'killed',
              },
            ],
            process_state: [
              { process_key: 'web', consecutive_failures: 2, last_health: 'timed_out', last_recovery_id: 7 },
            ],
            network_events: [{ id: 5, at: T0, interface: 'eth0', kind: 'detected', detail: 'no carrier' }],
            network_state: [{ interface: 'eth0', consecutive_failures: 1, last_state: 'down' }],
            watchdog_meta: [{ key: 'last_retention', value: T0 }],
          },
        }),
      ).immediate();
      assert.deepEqual(db.prepare('SELECT id, outcome, finished_at FROM recoveries').all(), [
        { id: 7, outcome: 'succeeded', finished_at: T1 },
      ]);
      assert.deepEqual(db.prepare('SELECT id, recovery_id, action FROM recovery_actions').all(), [
        { id: 70, recovery_id: 7, action: 'kill' },
      ]);
      assert.deepEqual(db.prepare('SELECT id, health, reason FROM check_history').all(), [
        { id: 40, health: 'timed_out', reason: 'last heartbeat 10m ago' },
      ]);
      assert.deepEqual(
        db.prepare('SELECT process_key, consecutive_failures, last_recovery_id FROM process_state').all(),
        [{ process_key: 'web', consecutive_failures: 2, last_recovery_id: 7 }],
      );
      assert.deepEqual(db.prepare('SELECT id, kind FROM network_events').all(), [{ id: 5, kind: 'detected' }]);
      assert.deepEqual(db.prepare('SELECT interface, last_state FROM network_state').all(), [
        { interface: 'eth0', last_state: 'down' },
      ]);
      assert.deepEqual(db.prepare('SELECT id, kind, detail FROM audit_events').all(), [
        { id: 3, kind: 'gave_up', detail: 'gave up: 3 recoveries' },
      ]);
      assert.deepEqual(db.prepare("SELECT value FROM watchdog_meta WHERE key = 'last_retention'").all(), [
        { value: T0 },
      ]);
    }),
  );

  it(
    'updates rows already there by their primary key, leaving the columns a row does not name',
    withStore((db) => {
      db.prepare(
        `INSERT INTO recoveries (id, process_key, kind, command, requested_by, started_at, outcome, detail)
         VALUES (7, 'web', 'recovery', 'check', 'cron', ?, 'running', 'begun')`,
      ).run(T0);
      db.prepare(
        "INSERT INTO process_state (process_key, consecutive_failures, last_health, off_by) VALUES ('web', 1, 'timed_out', 'alice')",
      ).run();
      applyJournal(
        db,
        journalOf({
          // Journal rows are whole rows (NOT NULL columns are checked before the conflict); `detail` is left out here.
          recoveries: [
            Object.fromEntries(Object.entries(recovery(7, 'succeeded')).filter(([name]) => name !== 'detail')),
          ],
          process_state: [{ process_key: 'web', consecutive_failures: 0, last_health: 'healthy' }],
        }),
      );
      assert.deepEqual(
        db.prepare('SELECT id, outcome, finished_at, duration_ms, detail, started_at FROM recoveries').all(),
        [{ id: 7, outcome: 'succeeded', finished_at: T1, duration_ms: 5000, detail: 'begun', started_at: T0 }],
      );
      assert.deepEqual(
        db.prepare('SELECT process_key, consecutive_failures, last_health, off_by FROM process_state').all(),
        [{ process_key: 'web', consecutive_failures: 0, last_health: 'healthy', off_by: 'alice' }],
      );
    }),
  );

  it(
    'writes a raised event back by its key',
    withStore((db) => {
      // The database had given out notification ids up to 3 (retention deleted the rows since).
      db.prepare(
        "INSERT INTO notifications (id, channel, event, subject, created_at, payload, state) VALUES (3, 'sms', 'gave_up', 'web', ?, '{}', 'delivered')",
      ).run(T0);
      db.exec('DELETE FROM notifications');
      applyJournal(
        db,
        journalOf({
          raised_events: [
            { raised_key: 'process_on web', event: 'process_on', subject: 'web', raised_at: T1, raised_seq: 3 },
          ],
        }),
      );
      assert.deepEqual(db.prepare('SELECT raised_key, raised_seq FROM raised_events').all(), [
        { raised_key: 'process_on web', raised_seq: 3 },
      ]);
    }),
  );

  it(
    'puts a raised event of a stand-in made from nothing after the database’s last notification, not forever after',
    withStore((db) => {
      db.prepare(
        "INSERT INTO notifications (id, channel, event, subject, created_at, payload, state) VALUES (4, 'sms', 'gave_up', 'web', ?, '{}', 'delivered')",
      ).run(T0);
      const base = 1_000_000_000_000 + Date.parse(T1) * 1000;
      const raised = (key: string, seq: number) => {
        const [event = '', subject = ''] = key.split(' ');
        return { raised_key: key, event, subject, raised_at: T1, raised_seq: seq };
      };
      applyJournal(db, journalOf({ raised_events: [raised('process_on web', base)] }));
      assert.deepEqual(db.prepare('SELECT raised_key, raised_seq FROM raised_events').all(), [
        { raised_key: 'process_on web', raised_seq: 4 },
      ]);
      // One that queued notifications after raising: they come along, and so its place among them stays.
      applyJournal(
        db,
        journalOf({
          notifications: [
            {
              id: base + 1,
              channel: 'sms',
              event: 'gave_up',
              subject: 'db',
              created_at: T1,
              payload: '{}',
              state: 'pending',
              attempts: 0,
            },
          ],
          raised_events: [raised('process_off db', base), raised('gave_up db', base + 1)],
        }),
      );
      assert.deepEqual(db.prepare('SELECT raised_key, raised_seq FROM raised_events ORDER BY raised_key').all(), [
        { raised_key: 'gave_up db', raised_seq: base + 1 },
        { raised_key: 'process_off db', raised_seq: base },
        { raised_key: 'process_on web', raised_seq: 4 },
      ]);
    }),
  );

  it(
    'never empties what a channel keeps (its last delivery) from a journal row that did not know it',
    withStore((db) => {
      db.prepare("INSERT INTO notification_channels (channel, last_delivered_at) VALUES ('sms', ?)").run(T0);
      // A run that stood in for an unreadable database saw a refusal and knew of no delivery.
      applyJournal(
        db,
        journalOf({
          notification_channels: [
            {
              channel: 'sms',
              last_delivered_at: null,
              last_refused_at: T1,
              last_refused_id: 3,
              last_refused_error: '550',
            },
          ],
        }),
      );
      assert.deepEqual(
        db
          .prepare(
            'SELECT channel, last_delivered_at, last_refused_at, last_refused_id, last_refused_error FROM notification_channels',
          )
          .all(),
        [{ channel: 'sms', last_delivered_at: T0, last_refused_at: T1, last_refused_id: 3, last_refused_error: '550' }],
      );
    }),
  );

  it(
    'a row changed twice in the journal ends as it was last written',
    withStore((db) => {
      applyJournal(
        db,
        journalOf({ recoveries: [recovery(9, 'running'), recovery(9, 'failed', { detail: 'start failed' })] }),
      );
      assert.deepEqual(db.prepare('SELECT id, outcome, detail FROM recoveries').all(), [
        { id: 9, outcome: 'failed', detail: 'start failed' },
      ]);
    }),
  );

  it(
    'writes only the tables own columns: unknown columns and tables are ignored, and no name runs as SQL',
    withStore((db) => {
      const hostile = 'x"); DROP TABLE recoveries; --';
      applyJournal(db, {
        version: 1,
        droppedChecks: 0,
        tables: {
          recoveries: [{ ...recovery(11, 'succeeded'), [hostile]: 1, not_a_column: 'ignored', detail: hostile }],
          audit_events: [{ id: 1, at: T0, kind: 'reset', [`kind" = 'x', "detail`]: 'y' }],
          'recoveries; DROP TABLE check_history; --': [{ id: 1 }],
          sqlite_master: [{ name: 'evil' }],
        },
      });
      const tables = db
        .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .all()
        .map((row) => row.name);
      for (const { table } of JOURNALED_TABLES) assert.ok(tables.includes(table), `table ${table} still exists`);
      assert.deepEqual(
        db.prepare('SELECT id, outcome, detail FROM recoveries').all(),
        [{ id: 11, outcome: 'succeeded', detail: hostile }],
        'a value is kept as text',
      );
      assert.deepEqual(db.prepare('SELECT id, kind, detail FROM audit_events').all(), [
        { id: 1, kind: 'reset', detail: null },
      ]);
      assert.equal(db.prepare<[], { n: number }>('SELECT count(*) AS n FROM check_history').get()?.n, 0);
    }),
  );

  it(
    "keeps the database's earlier start of a state a run without the state saw begin again, and takes a new state's",
    withStore((db) => {
      const T2 = '2026-06-30T12:00:10.000000+00:00';
      const insert = db.prepare(
        'INSERT INTO process_state (process_key, consecutive_failures, last_health, last_health_since) VALUES (?, 0, ?, ?)',
      );
      insert.run('web', 'healthy', T0);
      insert.run('api', 'healthy', T0);
      insert.run('cam', 'healthy', null);
      const row = (key: string, health: string) => ({ process_key: key, last_health: health, last_health_since: T2 });
      const rows = [row('web', 'healthy'), row('api', 'timed_out'), row('cam', 'healthy'), row('new', 'healthy')];
      const since = (): unknown =>
        db.prepare('SELECT process_key, last_health_since FROM process_state ORDER BY process_key').all();
      applyJournal(db, { ...journalOf({ process_state: rows }), stateKnown: false });
      assert.deepEqual(since(), [
        { process_key: 'api', last_health_since: T2 },
        { process_key: 'cam', last_health_since: null },
        { process_key: 'new', last_health_since: T2 },
        { process_key: 'web', last_health_since: T0 },
      ]);
      // A run that knew the state wrote what it saw: its row is the truth.
      insert.run('db', 'healthy', T0);
      applyJournal(db, journalOf({ process_state: [row('db', 'healthy')] }));
      assert.equal(
        db.prepare<[], { s: string }>("SELECT last_health_since AS s FROM process_state WHERE process_key = 'db'").get()
          ?.s,
        T2,
      );
    }),
  );

  it(
    'skips a row without its primary key',
    withStore((db) => {
      applyJournal(
        db,
        journalOf({
          check_history: [{ process_key: 'web', checked_at: T0, health: 'healthy' }],
          process_state: [{ consecutive_failures: 3 }],
        }),
      );
      assert.equal(db.prepare<[], { n: number }>('SELECT count(*) AS n FROM check_history').get()?.n, 0);
      assert.equal(db.prepare<[], { n: number }>('SELECT count(*) AS n FROM process_state').get()?.n, 0);
    }),
  );

  it(
    'a row with only its key is inserted once, and leaves a row already there unchanged',
    withStore((db) => {
      db.prepare("INSERT INTO process_state (process_key, consecutive_failures) VALUES ('web', 4)").run();
      applyJournal(
        db,
        journalOf({
          process_state: [{ process_key: 'api' }, { process_key: 'web', [`consecutive_failures" = 9, "x`]: 1 }],
        }),
      );
      assert.deepEqual(
        db.prepare('SELECT process_key, consecutive_failures FROM process_state ORDER BY process_key').all(),
        [
          { process_key: 'api', consecutive_failures: 0 },
          { process_key: 'web', consecutive_failures: 4 },
        ],
      );
    }),
  );
});
