// Fault injection: the audit database. Healing never waits on it for long and no row is
// lost (docs/safety.md, "The audit log never blocks healing"): a database locked by another
// connection, corrupt, or on a full file system still lets every check and recovery run;
// the rows wait in the journal and are written on a later tick, or a corrupt file is moved
// aside and a fresh one made. Each case runs the watchdog inside a PID namespace (with its
// own mount namespace, where the full tmpfs is mounted), the app a stub start.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { faultCase } from './report.js';
import {
  auditEventsOf,
  assertBystandersUntouched,
  bystanderReport,
  checksOf,
  describeBystanders,
  describeRun,
  mountSmallTmpfs,
  recoveriesOf,
  startFaultWorld,
  stubStarts,
  writeFaultConfig,
} from './fault-scenario.js';

/** One process with no heartbeat (the stub start writes none, and no grace waits for one): at threshold 1 every tick recovers it. */
function failingApp(dir: string, topLevel: Record<string, unknown> = {}): void {
  writeFaultConfig(
    dir,
    {
      app: { heartbeat_path: 'hb/app.json', recovery_backoff_seconds: 0, max_recoveries: 100, start_grace_seconds: 0 },
    },
    { consecutive_failures_threshold: 1, ...topLevel },
  );
}

describe('fault injection: the audit database', () => {
  it('a database locked by another connection: the tick heals anyway and its rows reach the database later', async () => {
    const world = await startFaultWorld('db-locked');
    failingApp(world.dir);
    const first = await world.watchdog(['check']);
    assert.equal(first.code, 0, `first tick: ${first.stderr}`);

    const holder = new Database(world.dbPath);
    let locked;
    try {
      holder.pragma('busy_timeout = 0');
      holder.prepare('BEGIN IMMEDIATE').run();
      locked = await world.watchdog(['check']);
    } finally {
      holder.close();
    }
    const journalWhileLocked = existsSync(`${world.dbPath}.journal`);
    const checksWhileLocked = checksOf(world.dbPath).length;
    const after = await world.watchdog(['check']);
    const checks = checksOf(world.dbPath);
    const recoveries = recoveriesOf(world.dbPath);
    const events = auditEventsOf(world.dbPath);
    const bystanders = await bystanderReport(world);

    await faultCase(
      'l.1',
      'audit database write-locked by another connection (BEGIN IMMEDIATE) during a tick that must recover an app',
      'the recovery runs (its start happens), exit 0 and a stderr line about the journal; its rows wait in the journal and the next tick writes them (same outcome, journal removed, a journal_replayed event); nothing signalled',
      (seen) => {
        seen.note('locked tick', describeRun(locked));
        seen.note('journal while locked', journalWhileLocked);
        seen.note('check rows in the database while locked', checksWhileLocked);
        seen.note('starts', stubStarts(world.dir).length);
        seen.note('next tick', describeRun(after));
        seen.note('check rows after', checks.length);
        seen.note(
          'recoveries',
          recoveries.map((row) => `#${row.id} ${row.outcome}`),
        );
        seen.note(
          'events',
          events.map((event) => event.kind),
        );
        seen.note('journal after', existsSync(`${world.dbPath}.journal`));
        seen.note(describeBystanders(bystanders));

        assert.equal(locked.code, 0, `locked tick: ${locked.stderr}`);
        assert.match(locked.stderr, /rows wait in .*watchdog\.db\.journal/);
        assert.ok(journalWhileLocked, "the journal holds the locked tick's rows");
        assert.equal(checksWhileLocked, 1, 'the locked tick wrote nothing to the database');
        assert.equal(
          stubStarts(world.dir).length,
          3,
          'each of the three ticks started the app: the lock blocked no healing',
        );
        assert.equal(after.code, 0, `next tick: ${after.stderr}`);
        assert.equal(checks.length, 3, 'every check of the three ticks is in the database');
        assert.deepEqual(
          recoveries.map((row) => row.outcome),
          ['succeeded', 'succeeded', 'succeeded'],
          "the locked tick's recovery is recorded whole",
        );
        assert.ok(
          events.some((event) => event.kind === 'journal_replayed'),
          'a journal_replayed event',
        );
        assert.equal(existsSync(`${world.dbPath}.journal`), false, 'the journal is removed once written');
        assertBystandersUntouched(bystanders);
      },
    );
  });

  it('a corrupt database is moved aside and a fresh one made; the tick heals and records', async () => {
    const world = await startFaultWorld('db-corrupt');
    failingApp(world.dir);
    const first = await world.watchdog(['check']);
    assert.equal(first.code, 0, `first tick: ${first.stderr}`);
    // Garbage over the whole file, and no WAL to rescue it.
    writeFileSync(world.dbPath, Buffer.alloc(8192, 0x5a));
    for (const suffix of ['-wal', '-shm'])
      if (existsSync(`${world.dbPath}${suffix}`)) writeFileSync(`${world.dbPath}${suffix}`, '');

    const tick = await world.watchdog(['check']);
    const aside = readdirSync(world.dir).filter(
      (name) => name.startsWith('watchdog.db.corrupt-') && !name.endsWith('-wal') && !name.endsWith('-shm'),
    );
    const checks = checksOf(world.dbPath);
    const recoveries = recoveriesOf(world.dbPath);
    const events = auditEventsOf(world.dbPath);
    const bystanders = await bystanderReport(world);

    await faultCase(
      'l.2',
      'audit database file overwritten with garbage between two ticks',
      "exit 0; the file moved aside as watchdog.db.corrupt-<time>; a fresh database whose first event is db_moved_aside, with this tick's check and recovery; the app started; nothing signalled",
      (seen) => {
        seen.note('tick', describeRun(tick));
        seen.note('moved aside', aside);
        seen.note(
          'events',
          events.map((event) => event.kind),
        );
        seen.note('check rows', checks.length);
        seen.note(
          'recoveries',
          recoveries.map((row) => row.outcome),
        );
        seen.note('starts', stubStarts(world.dir).length);
        seen.note(describeBystanders(bystanders));

        assert.equal(tick.code, 0, `tick: ${tick.stderr}`);
        assert.equal(aside.length, 1, `one file moved aside: ${aside.join(', ')}`);
        assert.equal(events[0]?.kind, 'db_moved_aside', 'the fresh database says why it is fresh');
        assert.match(events[0]?.detail ?? '', /not a database|malformed/);
        assert.equal(checks.length, 1, "this tick's check");
        assert.deepEqual(
          recoveries.map((row) => row.outcome),
          ['succeeded'],
        );
        assert.equal(stubStarts(world.dir).length, 2, 'both ticks started the app');
        assertBystandersUntouched(bystanders);
      },
    );
  });

  it('a database on a full tmpfs: ticks heal, rows wait in a journal elsewhere, and reach the database once there is room', async () => {
    const world = await startFaultWorld('db-full');
    const full = join(world.dir, 'full');
    const inside = (argv: string[]) => world.ns.run(argv, { cwd: '/' });
    await mountSmallTmpfs(world, full, { size: '1m' });
    const dbInside = join(full, 'watchdog.db');
    const journal = join(world.dir, 'journal.json');
    failingApp(world.dir, { db_path: dbInside, journal_path: journal });

    const first = await world.watchdog(['check']);
    assert.equal(first.code, 0, `first tick: ${first.stderr}`);
    const fill = await inside([
      'sh',
      '-c',
      `dd if=/dev/zero of=${full}/fill bs=4k 2>/dev/null; df -k ${full} | tail -1`,
    ]);
    const fullTicks = [await world.watchdog(['check']), await world.watchdog(['check'])];
    const journalWhileFull = existsSync(journal);
    await inside(['rm', `${full}/fill`]);
    const after = await world.watchdog(['check']);
    // The database lives in the namespace's mount: copy it out to read it.
    const copy = join(world.dir, 'copy.db');
    const copied = await inside([
      'sh',
      '-c',
      `cp ${dbInside} ${copy} && { [ ! -s ${dbInside}-wal ] || cp ${dbInside}-wal ${copy}-wal; }`,
    ]);
    assert.equal(copied.code, 0, `copy the database out: ${copied.stderr}`);
    const checks = checksOf(copy);
    const recoveries = recoveriesOf(copy);
    const events = auditEventsOf(copy);
    const bystanders = await bystanderReport(world);

    await faultCase(
      'l.3',
      'audit database on a 1 MiB tmpfs filled to the last block, for two ticks that must recover an app; journal_path on another file system',
      'both ticks recover the app and exit 0 with a stderr line about the journal; their rows wait in the journal; after room is made the next tick writes them all (4 checks, 4 recoveries) and removes the journal',
      (seen) => {
        seen.note('tmpfs', fill.stdout.trim().split(/\s+/).slice(1, 5).join(' '));
        seen.note('full ticks', fullTicks.map(describeRun));
        seen.note('journal while full', journalWhileFull);
        seen.note('starts', stubStarts(world.dir).length);
        seen.note('tick after room', describeRun(after));
        seen.note('check rows', checks.length);
        seen.note(
          'recoveries',
          recoveries.map((row) => row.outcome),
        );
        seen.note(
          'events',
          events.map((event) => event.kind),
        );
        seen.note('journal after', existsSync(journal));
        seen.note(describeBystanders(bystanders));

        for (const tick of fullTicks) {
          assert.equal(tick.code, 0, `tick on a full disk: ${tick.stderr}`);
          assert.match(tick.stderr, /rows wait in .*journal\.json/);
        }
        assert.ok(journalWhileFull, 'the journal holds the rows');
        assert.equal(stubStarts(world.dir).length, 4, 'every tick started the app: a full disk blocked no healing');
        assert.equal(after.code, 0, `tick after room: ${after.stderr}`);
        assert.equal(checks.length, 4, 'no check row lost');
        assert.deepEqual(
          recoveries.map((row) => row.outcome),
          ['succeeded', 'succeeded', 'succeeded', 'succeeded'],
          'no recovery lost',
        );
        assert.ok(
          events.some((event) => event.kind === 'journal_replayed'),
          'a journal_replayed event',
        );
        assert.equal(existsSync(journal), false, 'the journal is removed once written');
        assertBystandersUntouched(bystanders);
      },
    );
  });
});
