// The audit store on real SQLite files: a database another connection holds locked is
// stood in for, its rows go to the journal and into the file on a later run; a corrupt
// file is moved aside; bugs are not mistaken for storage faults.
import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Logger } from '../../src/logging/logger.js';
import { openAuditStore, type AuditStore } from '../../src/store/audit-store.js';
import { MAX_JOURNAL_CHECKS, MAX_JOURNAL_ROWS_PER_TABLE, readJournal } from '../../src/store/journal.js';
import { openStore } from '../../src/store/open-store.js';
import { recordChecks } from '../helpers/record-checks.js';
import { beginRecovery, finishRecovery } from '../../src/store/record-recovery.js';
import { onCleanup } from '../helpers/cleanup.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { verdictOf } from '../helpers/verdicts.js';
import { recordingLogger } from '../helpers/recording-logger.js';

const NOW = new Date('2026-06-30T12:00:00.000Z');
/** How `NOW` appears in the name of a file moved aside. */
const ASIDE_STAMP = '2026-06-30T12-00-00-000000+00-00';
const T0 = '2026-06-30T12:00:00.000000+00:00';
const T1 = '2026-06-30T12:01:00.000000+00:00';
const T2 = '2026-06-30T12:02:00.000000+00:00';

interface Place {
  dir: string;
  dbPath: string;
  journalPath: string;
}

function place(): Place {
  const dir = makeTempDir('watchdog-audit-store-');
  return { dir, dbPath: join(dir, 'watchdog.db'), journalPath: join(dir, 'watchdog.db.journal') };
}

/** A store as a run opens it, closed when the test file ends if the test did not close it. */
function open({ dbPath, journalPath }: Place, logger: Logger): AuditStore {
  const store = openAuditStore({ dbPath, journalPath, logger, now: () => NOW, busyTimeoutMs: 50 });
  let closed = false;
  const close = store.close.bind(store);
  onCleanup(() => {
    if (!closed) close();
  });
  return Object.assign(store, {
    close: () => {
      closed = true;
      close();
    },
  });
}

/** A database made and migrated as a tick would, then closed. */
function createDb(dbPath: string): void {
  openStore(dbPath).close();
}

/** Another connection holding the write lock (`BEGIN IMMEDIATE`), as a long `history` export or a stuck tick would; returns its release. */
function holdWriteLock(dbPath: string): () => void {
  const locker = new Database(dbPath, { fileMustExist: true });
  locker.exec('BEGIN IMMEDIATE');
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    locker.exec('ROLLBACK');
    locker.close();
  };
  onCleanup(release);
  return release;
}

/** Reads the file itself, through a connection of its own. */
function readFile<T>(dbPath: string, sql: string): T[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[], T>(sql).all();
  } finally {
    db.close();
  }
}

/** One check of `web`, as a tick records it: a check_history row and the process_state row. */
const check =
  (at: string, state: 'healthy' | 'timed_out' = 'timed_out') =>
  (db: Database.Database): number => {
    const [recorded] = recordChecks(db, at, [
      { processKey: 'web', verdict: verdictOf(state, `${state} at ${at}`), threshold: 5 },
    ]);
    assert.ok(recorded !== undefined, 'one check recorded');
    return recorded.historyId;
  };

const historyOf = (dbPath: string) =>
  readFile<{ id: number; checked_at: string }>(dbPath, 'SELECT id, checked_at FROM check_history ORDER BY id');
const eventsOf = (dbPath: string) =>
  readFile<{ kind: string; detail: string }>(dbPath, 'SELECT kind, detail FROM audit_events ORDER BY id');

describe('openAuditStore', () => {
  it('writes to the file when the database is sound, and logs nothing', () => {
    const where = place();
    const logger = recordingLogger();
    const store = open(where, logger);
    const id = store.write(check(T0));
    assert.equal(store.degraded, undefined);
    store.close();
    assert.deepEqual(historyOf(where.dbPath), [{ id, checked_at: T0 }]);
    assert.equal(existsSync(where.journalPath), false, 'no journal');
    assert.deepEqual(logger.lines, []);
  });

  it('stands in for a locked database: writes go on, the rows are readable, close() saves them to the journal', () => {
    const where = place();
    createDb(where.dbPath);
    holdWriteLock(where.dbPath);
    const logger = recordingLogger();
    const store = open(where, logger);

    const id = store.write(check(T0));
    assert.match(store.degraded ?? '', /^cannot be written \(.*locked/);
    assert.deepEqual(
      store.db.prepare('SELECT id, checked_at FROM check_history').all(),
      [{ id, checked_at: T0 }],
      'readable through .db',
    );
    assert.equal(store.write(check(T1)), id + 1, 'later writes go to the stand-in too');
    store.close();

    assert.deepEqual(historyOf(where.dbPath), [], 'nothing reached the file');
    const journal = readJournal(where.journalPath);
    assert.equal(journal.kind, 'read', JSON.stringify(journal));
    const tables = journal.kind === 'read' ? journal.journal.tables : {};
    assert.deepEqual(
      tables.check_history?.map((row) => [row.id, row.checked_at]),
      [
        [id, T0],
        [id + 1, T1],
      ],
    );
    assert.deepEqual(
      tables.process_state?.map((row) => [row.process_key, row.last_check_at]),
      [['web', T1]],
    );
    assert.deepEqual(logger.lines, [
      `error audit database ${where.dbPath}: ${store.degraded}; checks and recoveries go on, their rows are kept in ${where.journalPath} until it can take them`,
      `warn audit database ${where.dbPath}: 3 rows kept in the journal ${where.journalPath} (${store.degraded})`,
    ]);
  });

  it('replays the journal into the file once the lock is gone: the same ids, the journal removed, an event recorded', () => {
    const where = place();
    createDb(where.dbPath);
    const release = holdWriteLock(where.dbPath);
    const degraded = open(where, recordingLogger());
    const first = degraded.write(check(T0));
    const second = degraded.write(check(T1, 'healthy'));
    assert.notEqual(degraded.degraded, undefined, 'the first run was degraded');
    degraded.close();
    release();

    const logger = recordingLogger();
    const store = open(where, logger);
    assert.equal(store.degraded, undefined);
    assert.equal(existsSync(where.journalPath), false, 'the journal is removed');
    assert.deepEqual(historyOf(where.dbPath), [
      { id: first, checked_at: T0 },
      { id: second, checked_at: T1 },
    ]);
    assert.deepEqual(readFile(where.dbPath, 'SELECT process_key, last_health, last_check_at FROM process_state'), [
      { process_key: 'web', last_health: 'healthy', last_check_at: T1 },
    ]);
    const detail = 'wrote 3 rows kept in the journal while the database could not take them';
    assert.deepEqual(eventsOf(where.dbPath), [{ kind: 'journal_replayed', detail }]);
    assert.deepEqual(logger.lines, [`warn audit database ${where.dbPath}: ${detail}`]);

    const third = store.write(check(T2));
    store.close();
    assert.equal(third, second + 1, 'new rows follow the replayed ones');
  });

  it('a recovery begun on the database and finished after it locked ends succeeded in the file after the replay', () => {
    const where = place();
    const store = open(where, recordingLogger());
    const id = store.write((db) =>
      beginRecovery(db, {
        processKey: 'web',
        kind: 'recovery',
        command: 'check',
        requestedBy: 'cron',
        triggerHealth: 'timed_out',
        triggerReason: 'last heartbeat 10m ago',
        startedAt: T0,
      }),
    );
    const release = holdWriteLock(where.dbPath);
    store.write((db) =>
      finishRecovery(db, id, {
        finishedAt: T1,
        durationMs: 60_000,
        outcome: 'succeeded',
        detail: 'started PID 4321',
        startedPid: 4321,
      }),
    );
    assert.match(store.degraded ?? '', /^cannot be written/);
    assert.deepEqual(
      store.db.prepare('SELECT outcome FROM recoveries WHERE id = ?').all(id),
      [{ outcome: 'succeeded' }],
      'the stand-in has the end',
    );
    store.close();
    release();
    assert.deepEqual(
      readFile(where.dbPath, 'SELECT id, outcome FROM recoveries'),
      [{ id, outcome: 'running' }],
      'the file has only the start',
    );

    open(where, recordingLogger()).close();
    assert.deepEqual(readFile(where.dbPath, 'SELECT id, outcome, finished_at, started_pid, detail FROM recoveries'), [
      { id, outcome: 'succeeded', finished_at: T1, started_pid: 4321, detail: 'started PID 4321' },
    ]);
    assert.deepEqual(readFile(where.dbPath, 'SELECT last_recovery_id FROM process_state'), [{ last_recovery_id: id }]);
  });

  it('two degraded runs in a row keep both runs’ rows in the journal, and one replay writes them all', () => {
    const where = place();
    createDb(where.dbPath);
    const release = holdWriteLock(where.dbPath);

    const run1 = open(where, recordingLogger());
    const first = run1.write(check(T0));
    run1.close();

    const logger2 = recordingLogger();
    const run2 = open(where, logger2);
    assert.match(run2.degraded ?? '', /^cannot take the journal's rows \(.*locked/);
    assert.deepEqual(
      run2.db.prepare('SELECT id FROM check_history').all(),
      [{ id: first }],
      'the stand-in holds the first run’s rows',
    );
    const second = run2.write(check(T1));
    assert.equal(second, first + 1, 'ids go on from the journal’s');
    run2.close();
    assert.equal(logger2.lines.length, 2, logger2.lines.join('\n'));
    assert.match(logger2.lines[1] ?? '', /^warn audit database .*: 3 rows kept in the journal /);

    const journal = readJournal(where.journalPath);
    assert.deepEqual(
      journal.kind === 'read' ? journal.journal.tables.check_history?.map((row) => row.id) : journal,
      [first, second],
      'the journal holds both runs’ checks',
    );

    release();
    const logger3 = recordingLogger();
    open(where, logger3).close();
    assert.deepEqual(historyOf(where.dbPath), [
      { id: first, checked_at: T0 },
      { id: second, checked_at: T1 },
    ]);
    assert.deepEqual(
      eventsOf(where.dbPath).map((event) => event.kind),
      ['journal_replayed'],
    );
    assert.equal(existsSync(where.journalPath), false, 'the journal is removed');
    assert.deepEqual(logger3.lines, [
      `warn audit database ${where.dbPath}: wrote 3 rows kept in the journal while the database could not take them`,
    ]);
  });

  it(`keeps the newest ${MAX_JOURNAL_CHECKS} check rows in the journal, and the replay says how many were left out`, () => {
    const where = place();
    createDb(where.dbPath);
    const release = holdWriteLock(where.dbPath);
    const store = open(where, recordingLogger());
    store.write((db) => {
      const insert = db.prepare(
        "INSERT INTO check_history (process_key, checked_at, health) VALUES ('web', ?, 'healthy')",
      );
      for (let n = 0; n < MAX_JOURNAL_CHECKS + 2; n += 1) insert.run(`check ${n}`);
    });
    store.close();
    release();
    const journal = readJournal(where.journalPath);
    assert.deepEqual(
      journal.kind === 'read'
        ? {
            dropped: journal.journal.droppedChecks,
            kept: journal.journal.tables.check_history?.length,
            first: journal.journal.tables.check_history?.[0]?.checked_at,
          }
        : journal,
      { dropped: 2, kept: MAX_JOURNAL_CHECKS, first: 'check 2' },
    );

    open(where, recordingLogger()).close();
    assert.deepEqual(eventsOf(where.dbPath), [
      {
        kind: 'journal_replayed',
        detail: `wrote ${MAX_JOURNAL_CHECKS} rows kept in the journal while the database could not take them (2 older check rows had to be left out)`,
      },
    ]);
  });

  it(`caps every growing table of the journal at ${MAX_JOURNAL_ROWS_PER_TABLE} rows, not only the check rows`, () => {
    const where = place();
    createDb(where.dbPath);
    const release = holdWriteLock(where.dbPath);
    const store = open(where, recordingLogger());
    store.write((db) => {
      const insert = db.prepare(
        "INSERT INTO recoveries (process_key, kind, command, requested_by, started_at, outcome, detail) VALUES ('web', 'recovery', 'check', 'cron', ?, 'skipped', 'refused')",
      );
      for (let n = 0; n < MAX_JOURNAL_ROWS_PER_TABLE + 3; n += 1) insert.run(`at ${n}`);
    });
    store.close();
    release();
    const journal = readJournal(where.journalPath);
    assert.deepEqual(
      journal.kind === 'read'
        ? {
            dropped: journal.journal.droppedRows,
            kept: journal.journal.tables.recoveries?.length,
            first: journal.journal.tables.recoveries?.[0]?.started_at,
          }
        : journal,
      { dropped: 3, kept: MAX_JOURNAL_ROWS_PER_TABLE, first: 'at 3' },
    );
    open(where, recordingLogger()).close();
    assert.match(
      eventsOf(where.dbPath)[0]?.detail ?? '',
      /\(3 older rows of recoveries, events or notifications had to be left out\)$/,
    );
  });

  it('over several degraded runs past the cap, keeps the newest check rows and counts every one left out', () => {
    const where = place();
    createDb(where.dbPath);
    const release = holdWriteLock(where.dbPath);
    const perRun = MAX_JOURNAL_CHECKS / 2 + 1;
    let written = 0;
    for (let run = 0; run < 4; run += 1) {
      const store = open(where, recordingLogger());
      store.write((db) => {
        const insert = db.prepare(
          "INSERT INTO check_history (process_key, checked_at, health) VALUES ('web', ?, 'healthy')",
        );
        for (let n = 0; n < perRun; n += 1) insert.run(`check ${String(written++).padStart(6, '0')}`);
      });
      store.close();
    }
    release();
    const journal = readJournal(where.journalPath);
    const kept =
      journal.kind === 'read' ? (journal.journal.tables.check_history ?? []).map((row) => String(row.checked_at)) : [];
    assert.deepEqual(
      {
        dropped: journal.kind === 'read' ? journal.journal.droppedChecks : journal,
        kept: kept.length,
        first: kept[0],
        last: kept.at(-1),
      },
      {
        dropped: written - MAX_JOURNAL_CHECKS,
        kept: MAX_JOURNAL_CHECKS,
        first: `check ${String(written - MAX_JOURNAL_CHECKS).padStart(6, '0')}`,
        last: `check ${String(written - 1).padStart(6, '0')}`,
      },
    );
    open(where, recordingLogger()).close();
    assert.equal(historyOf(where.dbPath).length, MAX_JOURNAL_CHECKS, 'the newest rows reach the database');
    assert.match(
      eventsOf(where.dbPath)[0]?.detail ?? '',
      new RegExp(`\\(${written - MAX_JOURNAL_CHECKS} older check rows had to be left out\\)$`),
    );
  });

  it('moves a corrupt file aside and makes a fresh database, recording why', () => {
    const where = place();
    const garbage = Buffer.alloc(8192, 0x5a);
    garbage.write('this is not an SQLite database');
    writeFileSync(where.dbPath, garbage);
    const logger = recordingLogger();
    const store = open(where, logger);
    assert.equal(store.degraded, undefined, 'the fresh database takes writes');
    const id = store.write(check(T0));
    store.close();

    const aside = `${where.dbPath}.corrupt-${ASIDE_STAMP}`;
    assert.deepEqual(
      readdirSync(where.dir).sort(),
      ['watchdog.db', `watchdog.db.corrupt-${ASIDE_STAMP}`],
      readdirSync(where.dir).join(', '),
    );
    assert.deepEqual(readFileSync(aside), garbage, 'the corrupt file is kept as it was');
    assert.deepEqual(historyOf(where.dbPath), [{ id, checked_at: T0 }]);
    const events = eventsOf(where.dbPath);
    assert.deepEqual(
      events.map((event) => event.kind),
      ['db_moved_aside'],
    );
    assert.match(
      events[0]?.detail ?? '',
      new RegExp(
        `^the audit database was corrupt \\(.*\\); moved aside to ${escape(aside)}, a fresh one created; the state of the processes \\(off, given up on, failure counts\\) could not be read from it$`,
      ),
    );
    assert.deepEqual(logger.lines, [`error ${events[0]?.detail}`]);
  });

  it('moves an unusable journal aside and says so', () => {
    const where = place();
    writeFileSync(where.journalPath, '{"version": 1, "tables": {"check_hist');
    const logger = recordingLogger();
    open(where, logger).close();
    const aside = `${where.journalPath}.corrupt-${ASIDE_STAMP}`;
    assert.equal(readFileSync(aside, 'utf8'), '{"version": 1, "tables": {"check_hist');
    assert.equal(existsSync(where.journalPath), false, 'the journal is gone from its place');
    assert.deepEqual(logger.lines, [
      `error journal ${where.journalPath} is unusable (not valid JSON (cut short?)); moved aside to ${aside}`,
    ]);
  });

  it('rethrows an error that is not a fault of the storage, and stays on the file', () => {
    const where = place();
    const logger = recordingLogger();
    const store = open(where, logger);
    const bug = new Error('a bug in the caller');
    assert.throws(
      () =>
        store.write((db) => {
          check(T0)(db);
          throw bug;
        }),
      (error) => error === bug,
    );
    // A constraint violation is SQLite's, but a bug too, not the storage failing.
    assert.throws(
      () => store.write((db) => db.prepare('INSERT INTO check_history (process_key) VALUES (NULL)').run()),
      { code: 'SQLITE_CONSTRAINT_NOTNULL' },
    );
    assert.equal(store.degraded, undefined, 'not degraded');
    const id = store.write(check(T1));
    store.close();
    assert.deepEqual(
      historyOf(where.dbPath),
      [{ id, checked_at: T1 }],
      'the failed write was rolled back; the next reached the file',
    );
    assert.equal(existsSync(where.journalPath), false, 'no journal');
    assert.deepEqual(logger.lines, []);
  });

  it('stands in for a database that cannot even be opened (locked before its first migration)', () => {
    const where = place();
    // An empty database file, locked by another connection: it cannot be migrated.
    writeFileSync(where.dbPath, '');
    const release = holdWriteLock(where.dbPath);
    const logger = recordingLogger();
    const store = open(where, logger);
    assert.match(store.degraded ?? '', /^cannot be opened \(/);
    const id = store.write(check(T0));
    store.close();
    release();
    assert.equal(
      logger.lines[0]?.startsWith(`error audit database ${where.dbPath}: cannot be opened`),
      true,
      logger.lines.join('\n'),
    );

    open(where, recordingLogger()).close();
    assert.deepEqual(
      historyOf(where.dbPath),
      [{ id, checked_at: T0 }],
      'the rows reach the file once it can be opened',
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('openAuditStore: a run that is cut short or meets a bad journal', () => {
  it('a journal whose rows the database refuses is moved aside, not retried at every run', () => {
    const where = place();
    writeFileSync(where.journalPath, JSON.stringify({ version: 1, tables: { recoveries: [null] }, droppedChecks: 0 }));
    const logger = recordingLogger();
    const store = open(where, logger);
    const id = store.write(check(T0));
    store.close();
    assert.equal(existsSync(where.journalPath), false, 'no journal left to fail again');
    assert.equal(
      readdirSync(where.dir).filter((name) => name.startsWith('watchdog.db.journal.corrupt-')).length,
      1,
      readdirSync(where.dir).join(', '),
    );
    assert.deepEqual(historyOf(where.dbPath), [{ id, checked_at: T0 }], 'the run writes to the database as usual');
    assert.ok(
      logger.lines.some((line) => /^error journal .* is unusable \(its rows cannot be written/.test(line)),
      logger.lines.join('\n'),
    );
  });

  it('while degraded, every write is in the journal at once: a run killed before close() loses nothing', () => {
    const where = place();
    open(where, recordingLogger()).close();
    const holder = new Database(where.dbPath);
    try {
      holder.prepare('BEGIN IMMEDIATE').run();
      const store = open(where, recordingLogger());
      store.write(check(T0));
      // No close() before reading: as if the watchdog were killed here (a reboot it asked for, SIGKILL).
      const journal = JSON.parse(readFileSync(where.journalPath, 'utf8')) as { tables: Record<string, unknown[]> };
      assert.equal(journal.tables.check_history?.length, 1, 'the check is in the journal before close()');
      assert.equal(store.rowsSaved, true, 'and said to be saved');
      assert.equal(store.stateUnknown, false, 'the stand-in started from the database, so its state is known');
    } finally {
      holder.close();
    }
  });
});

/** Overwrites the pages of `table` in a checkpointed database with garbage, as a bad sector would. */
function corruptTable(dbPath: string, table: string): void {
  const db = new Database(dbPath);
  const pageSize = Number(db.pragma('page_size', { simple: true }));
  const { rootpage } = db
    .prepare<[string], { rootpage: number }>('SELECT rootpage FROM sqlite_master WHERE name = ?')
    .get(table) ?? { rootpage: 0 };
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  assert.ok(rootpage > 1, `${table} has a page of its own`);
  const bytes = readFileSync(dbPath);
  bytes.fill(0x5a, (rootpage - 1) * pageSize, rootpage * pageSize);
  writeFileSync(dbPath, bytes);
}

describe('openAuditStore: a database found corrupt mid-run', () => {
  it('keeps who is off: the readable process_state goes to the stand-in, the journal and the fresh database', () => {
    const where = place();
    const db = openStore(where.dbPath);
    check(T0)(db);
    db.prepare("UPDATE process_state SET off_since = ?, off_by = 'ops' WHERE process_key = 'web'").run(T0);
    db.close();
    const logger = recordingLogger();
    const store = open(where, logger);
    corruptTable(where.dbPath, 'check_history');
    const id = store.write(check(T1));
    assert.match(store.degraded ?? '', /^is corrupt \(/);
    assert.equal(store.stateUnknown, false, 'the salvaged state is known');
    assert.deepEqual(
      store.db.prepare('SELECT off_since, off_by FROM process_state').all(),
      [{ off_since: T0, off_by: 'ops' }],
      'off in the stand-in',
    );
    const journal = readJournal(where.journalPath);
    assert.deepEqual(
      journal.kind === 'read' ? journal.journal.tables.process_state?.map((row) => row.off_since) : journal,
      [T0],
      'off in the journal at once',
    );
    store.close();

    assert.deepEqual(
      readFile(where.dbPath, 'SELECT off_since, off_by FROM process_state'),
      [{ off_since: T0, off_by: 'ops' }],
      'off in the fresh database',
    );
    assert.deepEqual(historyOf(where.dbPath), [{ id, checked_at: T1 }], "this run's check in the fresh database");
    assert.deepEqual(
      eventsOf(where.dbPath).map((event) => event.kind),
      ['db_moved_aside'],
    );
    assert.equal(existsSync(where.journalPath), false, 'the journal is written and removed');
    assert.equal(
      readdirSync(where.dir).filter(
        (name) => /^watchdog\.db\.corrupt-[^-]+.*\d$/.test(name) && !name.endsWith('-wal') && !name.endsWith('-shm'),
      ).length,
      1,
      readdirSync(where.dir).join(', '),
    );

    const next = open(where, recordingLogger());
    assert.equal(next.degraded, undefined, 'the next run is on a sound database');
    next.close();
  });

  it('a recovery begun before its table was damaged finishes without an error: healing never stops for the audit log', () => {
    const where = place();
    const store = open(where, recordingLogger());
    store.write(check(T0));
    const id = store.write((db) =>
      beginRecovery(db, {
        processKey: 'web',
        kind: 'recovery',
        command: 'check',
        requestedBy: 'cron',
        triggerHealth: 'timed_out',
        triggerReason: 'stale',
        startedAt: T0,
      }),
    );
    corruptTable(where.dbPath, 'recoveries');
    store.write((db) =>
      finishRecovery(db, id, {
        finishedAt: T1,
        durationMs: 60_000,
        outcome: 'succeeded',
        detail: 'started PID 4321',
        startedPid: 4321,
      }),
    );
    assert.match(store.degraded ?? '', /^is corrupt/);
    assert.equal(store.stateUnknown, false);
    store.close();
    assert.deepEqual(
      readFile(where.dbPath, 'SELECT process_key FROM process_state'),
      [{ process_key: 'web' }],
      'the state carried to the fresh database',
    );
  });

  it('says the state is unknown when process_state itself is the damaged table and no journal holds it', () => {
    const where = place();
    const db = openStore(where.dbPath);
    check(T0)(db);
    db.close();
    const store = open(where, recordingLogger());
    corruptTable(where.dbPath, 'process_state');
    store.write(check(T1));
    assert.equal(store.stateUnknown, true, 'no recovery may run on a guess');
    store.close();
  });
});

describe('openAuditStore: a database deleted or replaced mid-run', () => {
  for (const how of ['deleted', 'replaced'] as const) {
    it(`${how}: the run's rows and who is off go to the journal, and from it into the database the next run finds`, () => {
      const where = place();
      const db = openStore(where.dbPath);
      check(T0)(db);
      db.prepare("UPDATE process_state SET off_since = ?, off_by = 'ops' WHERE process_key = 'web'").run(T0);
      db.close();
      const logger = recordingLogger();
      const store = open(where, logger);
      for (const suffix of ['', '-wal', '-shm'])
        if (existsSync(`${where.dbPath}${suffix}`)) rmSync(`${where.dbPath}${suffix}`);
      if (how === 'replaced') createDb(where.dbPath);
      const id = store.write(check(T1));
      assert.equal(store.degraded, 'was deleted or replaced while this run used it');
      assert.equal(store.stateUnknown, false);
      store.close();

      open(where, recordingLogger()).close();
      assert.deepEqual(
        readFile(where.dbPath, 'SELECT off_since, off_by FROM process_state'),
        [{ off_since: T0, off_by: 'ops' }],
        'off in the database the next run found',
      );
      assert.deepEqual(
        historyOf(where.dbPath).map((row) => row.id),
        [id],
        "this run's check too",
      );
      assert.equal(existsSync(where.journalPath), false);
    });
  }
});

describe('openAuditStore: a run stopped between writing the journal and removing it', () => {
  it('finds the journal written already: no row twice, no second journal_replayed event, the journal removed', () => {
    const where = place();
    createDb(where.dbPath);
    const release = holdWriteLock(where.dbPath);
    const run1 = open(where, recordingLogger());
    const id = run1.write(check(T0));
    run1.close();
    release();
    const left = readFileSync(where.journalPath);
    open(where, recordingLogger()).close();
    // As if that run had stopped after its commit, before the unlink.
    writeFileSync(where.journalPath, left);
    const logger = recordingLogger();
    open(where, logger).close();
    assert.deepEqual(historyOf(where.dbPath), [{ id, checked_at: T0 }]);
    assert.deepEqual(
      eventsOf(where.dbPath).map((event) => event.kind),
      ['journal_replayed'],
    );
    assert.equal(existsSync(where.journalPath), false);
    assert.deepEqual(logger.lines, [
      `warn audit database ${where.dbPath}: the journal ${where.journalPath} was written already (a run stopped before removing it); removed`,
    ]);
  });

  it('a journal left behind and newer rows written since: the journal is not written over them', () => {
    const where = place();
    createDb(where.dbPath);
    const release = holdWriteLock(where.dbPath);
    const run1 = open(where, recordingLogger());
    run1.write(check(T0));
    run1.close();
    release();
    const left = readFileSync(where.journalPath);
    const run2 = open(where, recordingLogger());
    run2.write(check(T1, 'healthy'));
    run2.close();
    // As if run2 could not remove it (its unlink failed) and went on writing.
    writeFileSync(where.journalPath, left);
    open(where, recordingLogger()).close();
    assert.deepEqual(
      readFile(where.dbPath, 'SELECT last_check_at, last_health FROM process_state'),
      [{ last_check_at: T1, last_health: 'healthy' }],
      'the newer state stands',
    );
    assert.deepEqual(
      historyOf(where.dbPath).map((row) => row.checked_at),
      [T0, T1],
    );
    assert.equal(existsSync(where.journalPath), false);
  });
});

describe('openAuditStore: a run that could read no state', () => {
  it("writes a journal that never empties the database's off, gave_up or started instance", () => {
    const where = place();
    const db = openStore(where.dbPath);
    check(T0)(db);
    db.prepare(
      "UPDATE process_state SET off_since = ?, off_by = 'ops', gave_up_at = ?, started_pid = 4242 WHERE process_key = 'web'",
    ).run(T0, T0);
    db.close();
    // The database cannot be opened for one run (a folder in its place: a mount not ready, an I/O error).
    const saved = `${where.dbPath}.saved`;
    renameSync(where.dbPath, saved);
    mkdirSync(where.dbPath);
    const store = open(where, recordingLogger());
    store.write(check(T1));
    assert.equal(store.stateUnknown, true);
    store.close();
    const kept = readJournal(where.journalPath);
    assert.equal(
      kept.kind === 'read' ? kept.journal.stateKnown : kept.kind,
      false,
      'the journal says its state was not known',
    );

    rmSync(where.dbPath, { recursive: true });
    renameSync(saved, where.dbPath);
    open(where, recordingLogger()).close();
    assert.deepEqual(
      readFile(where.dbPath, 'SELECT off_since, off_by, gave_up_at, started_pid, last_check_at FROM process_state'),
      [{ off_since: T0, off_by: 'ops', gave_up_at: T0, started_pid: 4242, last_check_at: T1 }],
      "off, gave_up and the started instance kept; the run's check written",
    );
    assert.equal(existsSync(where.journalPath), false);
  });
});

describe('openAuditStore: a journal whose own folder refuses it (the fallback journal)', () => {
  /** A place whose journal folder is a file (every write refused), with a fallback in a folder not made yet. */
  function refusingPlace(): Place & { fallback: string } {
    const where = place();
    writeFileSync(join(where.dir, 'full'), '');
    return {
      ...where,
      journalPath: join(where.dir, 'full', 'watchdog.db.journal'),
      fallback: join(where.dir, 'run', 'fallback', 'journal'),
    };
  }
  const openWith = (where: Place & { fallback: string }, logger: Logger): AuditStore => {
    const store = openAuditStore({
      ...where,
      fallbackJournalPath: where.fallback,
      logger,
      now: () => NOW,
      busyTimeoutMs: 50,
    });
    onCleanup(() => store.close());
    return store;
  };
  const failuresOf = (store: AuditStore): unknown =>
    store.db.prepare("SELECT consecutive_failures FROM process_state WHERE process_key = 'web'").get();

  it('keeps the rows in the fallback, counts on from it across runs, and writes it back when the database can take rows', () => {
    const where = refusingPlace();
    createDb(where.dbPath);
    const release = holdWriteLock(where.dbPath);

    const logger = recordingLogger();
    const first = openWith(where, logger);
    const id = first.write(check(T0));
    assert.equal(first.rowsSaved, true, 'saved, in the fallback');
    assert.equal(first.journalWhere, where.fallback);
    first.close();
    assert.ok(
      logger.lines.some((line) =>
        line.includes(`its rows are kept in ${where.fallback} until the database can take them`),
      ),
      logger.lines.join('\n'),
    );
    assert.equal(statSync(join(where.dir, 'run', 'fallback')).mode & 0o777, 0o700, 'its folder made for root alone');
    const kept = readJournal(where.fallback);
    assert.equal(kept.kind, 'read');

    const second = openWith(where, recordingLogger());
    second.write(check(T1));
    assert.deepEqual(failuresOf(second), { consecutive_failures: 2 }, 'the count goes on from the fallback');
    assert.equal(second.stateUnknown, false);
    second.close();
    release();

    const store = openWith(where, recordingLogger());
    assert.equal(store.degraded, undefined);
    assert.equal(existsSync(where.fallback), false, 'removed once written back');
    assert.deepEqual(historyOf(where.dbPath), [
      { id, checked_at: T0 },
      { id: id + 1, checked_at: T1 },
    ]);
    assert.deepEqual(eventsOf(where.dbPath), [
      {
        kind: 'journal_replayed',
        detail: `wrote 3 rows kept in the fallback journal ${where.fallback} while the database could not take them`,
      },
    ]);
    store.close();
  });

  it('with both files there, the older is applied first and the newer over it; neither is written back twice', () => {
    const base = place();
    mkdirSync(join(base.dir, 'j'));
    const where = {
      ...base,
      journalPath: join(base.dir, 'j', 'watchdog.db.journal'),
      fallback: join(base.dir, 'fallback.journal'),
    };
    createDb(where.dbPath);
    const release = holdWriteLock(where.dbPath);
    // A run writes the journal where it belongs; the next cannot (its folder became writable by
    // others: refused, as a full or read-only one is) but reads it, and writes the fallback.
    const first = openWith(where, recordingLogger());
    first.write(check(T0));
    first.close();
    const firstJournal = readFileSync(where.journalPath, 'utf8');
    chmodSync(join(base.dir, 'j'), 0o777);
    const second = openWith(where, recordingLogger());
    second.write(check(T1, 'healthy'));
    assert.equal(second.journalWhere, where.fallback);
    second.close();
    assert.equal(existsSync(where.journalPath), false, 'the journal it read is removed, its rows in the fallback');
    chmodSync(join(base.dir, 'j'), 0o755);
    // As if that removal had failed (a read-only folder): the older file stays beside the newer.
    writeFileSync(where.journalPath, firstJournal, { mode: 0o600 });
    utimesSync(where.journalPath, new Date(0), new Date(0));

    const third = openWith(where, recordingLogger());
    third.write((db) => db.prepare('SELECT 1').get());
    assert.deepEqual(
      third.db.prepare("SELECT last_check_at FROM process_state WHERE process_key = 'web'").get(),
      { last_check_at: T1 },
      'the older journal applied first, the newer over it',
    );
    third.write(check(T2, 'healthy'));
    third.close();
    release();

    const store = openWith(where, recordingLogger());
    assert.equal(store.degraded, undefined);
    store.close();
    assert.deepEqual(
      historyOf(where.dbPath).map((row) => row.checked_at),
      [T0, T1, T2],
    );
    assert.deepEqual(readFile(where.dbPath, 'SELECT last_health, last_check_at FROM process_state'), [
      { last_health: 'healthy', last_check_at: T2 },
    ]);
    assert.equal(existsSync(where.journalPath) || existsSync(where.fallback), false);
  });
});
