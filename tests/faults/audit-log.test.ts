// Fault injection: the audit log keeps every promise (issue 20, item 5). Who is `off` or
// given up on survives a database found corrupt mid-run; the journal keeps the newest
// check rows and counts the rest; `status` shows what waits in the journal; a journal
// left behind by a run stopped after writing it is not written twice; a disk filling
// mid-run loses no row; an `on` written after an `off` that waited in the journal wins.
// Each case runs the built watchdog inside a PID namespace (with its own mount namespace).
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { faultCase } from './report.js';
import {
  STUB_START,
  auditEventsOf,
  assertBystandersUntouched,
  bystanderReport,
  checksOf,
  describeBystanders,
  describeRun,
  mountSmallTmpfs,
  processRowOf,
  recoveriesOf,
  startFaultWorld,
  stubStarts,
  writeFaultConfig,
  type FaultProcess,
} from './fault-scenario.js';
import { MAX_JOURNAL_CHECKS } from '../../src/store/journal.js';

/** Processes with no heartbeat (the stub start writes none): at threshold 1 every tick recovers each one that is on. */
function failingApps(
  dir: string,
  apps: Record<string, Partial<FaultProcess>>,
  topLevel: Record<string, unknown> = {},
): void {
  writeFaultConfig(
    dir,
    Object.fromEntries(
      Object.entries(apps).map(([key, fields]) => [
        key,
        {
          heartbeat_path: `hb/${key}.json`,
          recovery_backoff_seconds: 0,
          max_recoveries: 100,
          start_grace_seconds: 0,
          ...fields,
        },
      ]),
    ),
    { consecutive_failures_threshold: 1, ...topLevel },
  );
}

/** How many times the stub start started `key`. */
const startsOf = (dir: string, key: string): number => stubStarts(dir).filter((line) => line === key).length;

/**
 * A script that, once (a marker file), overwrites the pages of one table of a live
 * database with garbage after a checkpoint, as a bad sector under a running watchdog would.
 */
function writeCorrupter(dir: string): string {
  const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  const path = join(dir, 'corrupt.cjs');
  writeFileSync(
    path,
    `const fs = require('node:fs');
const Database = require(${JSON.stringify(sqlite)});
const [dbPath, table, marker] = process.argv.slice(2);
if (fs.existsSync(marker)) process.exit(0);
fs.writeFileSync(marker, '');
const db = new Database(dbPath);
const pageSize = db.pragma('page_size', { simple: true });
const { rootpage } = db.prepare('SELECT rootpage FROM sqlite_master WHERE name = ?').get(table);
db.pragma('wal_checkpoint(TRUNCATE)');
db.close();
const fd = fs.openSync(dbPath, 'r+');
fs.writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (rootpage - 1) * pageSize);
fs.closeSync(fd);
`,
  );
  return path;
}

/** Another connection holding the write lock, as a long export or a stuck tick would. */
function holdWriteLock(dbPath: string): () => void {
  const holder = new Database(dbPath);
  holder.pragma('busy_timeout = 0');
  holder.prepare('BEGIN IMMEDIATE').run();
  return () => holder.close();
}

describe('fault injection: the audit log keeps every promise', () => {
  it('a page of the database found corrupt mid-run while an app is off: the app stays off', async () => {
    const world = await startFaultWorld('audit-corrupt-off');
    const corrupter = writeCorrupter(world.dir);
    const marker = join(world.dir, 'corrupted');
    failingApps(world.dir, {
      app: {},
      // Its start damages the recoveries table under the running tick: the tick's next writes meet it.
      trigger: {
        commands: { start: `${STUB_START}; ${process.execPath} ${corrupter} ${world.dbPath} recoveries ${marker}` },
      },
    });
    // Disarmed for the first tick.
    writeFileSync(marker, '');
    const first = await world.watchdog(['check']);
    assert.equal(first.code, 0, `first tick: ${first.stderr}`);
    const off = await world.watchdog(['off', 'app']);
    assert.equal(off.code, 0, `off: ${off.stderr}`);
    const startsBefore = startsOf(world.dir, 'app');
    const rm = await world.ns.run(['rm', marker], { cwd: '/' });
    assert.equal(rm.code, 0);
    const corruptTick = await world.watchdog(['check']);
    const asideAfter = readdirSync(world.dir).filter((name) => /^watchdog\.db\.corrupt-.*\d$/.test(name));
    const ticks = [await world.watchdog(['check']), await world.watchdog(['check'])];
    const row = processRowOf(world.dbPath, 'app');
    const events = auditEventsOf(world.dbPath);
    const status = await world.watchdog(['status', '--json']);
    const appStatus = (JSON.parse(status.stdout) as { processes: { key: string; state: string }[] }).processes.find(
      (process) => process.key === 'app',
    );
    const bystanders = await bystanderReport(world);

    await faultCase(
      's.1',
      "a page of the recoveries table overwritten with garbage by an app's start, mid-tick, while another app is turned off",
      "the tick goes on (exit 0) and says the database is corrupt; the file is moved aside and a fresh one holds the off state and the tick's rows; that app is started by no later tick and status says off",
      (seen) => {
        seen.note('off', describeRun(off));
        seen.note('corrupting tick', describeRun(corruptTick));
        seen.note('files moved aside', asideAfter.length);
        seen.note('later ticks', ticks.map(describeRun));
        seen.note('starts of the off app before/after', `${startsBefore}/${startsOf(world.dir, 'app')}`);
        seen.note('off_since in the database', row?.off_since ?? null);
        seen.note(
          'events',
          events.map((event) => event.kind),
        );
        seen.note('status', appStatus?.state ?? 'missing');
        seen.note(describeBystanders(bystanders));

        assert.equal(corruptTick.code, 0, `corrupting tick: ${corruptTick.stderr}`);
        assert.match(corruptTick.stderr, /corrupt|malformed/);
        assert.ok(asideAfter.length >= 1, 'the damaged file is moved aside');
        for (const tick of ticks) assert.equal(tick.code, 0, `later tick: ${tick.stderr}`);
        assert.equal(startsOf(world.dir, 'app'), startsBefore, 'the off app is never started again');
        assert.notEqual(row?.off_since ?? null, null, 'off is in the fresh database');
        assert.equal(appStatus?.state, 'off');
        assertBystandersUntouched(bystanders);
      },
    );
  });

  it('several degraded runs past the journal cap: the newest check rows kept, the true count reported', async () => {
    const world = await startFaultWorld('audit-cap');
    failingApps(world.dir, { app: {} });
    const first = await world.watchdog(['check']);
    assert.equal(first.code, 0, `first tick: ${first.stderr}`);
    // What earlier degraded runs left: a full journal that already had to leave 3 rows out.
    const journalPath = `${world.dbPath}.journal`;
    const earlier = MAX_JOURNAL_CHECKS - 1;
    const base = Date.parse('2026-01-01T00:00:00Z');
    const rows = Array.from({ length: earlier }, (_, n) => ({
      id: 1000 + n,
      process_key: 'app',
      checked_at: new Date(base + n * 60_000).toISOString().replace('Z', '000+00:00'),
      health: 'no_heartbeat',
    }));
    writeFileSync(journalPath, JSON.stringify({ version: 1, tables: { check_history: rows }, droppedChecks: 3 }), {
      mode: 0o600,
    });

    const release = holdWriteLock(world.dbPath);
    let locked;
    try {
      locked = [await world.watchdog(['check']), await world.watchdog(['check'])];
    } finally {
      release();
    }
    const kept = JSON.parse(readFileSync(journalPath, 'utf8')) as {
      tables: { check_history: { id: number }[] };
      droppedChecks: number;
    };
    const after = await world.watchdog(['check']);
    const checks = checksOf(world.dbPath);
    const ids = new Set(checks.map((check) => check.id));
    const replayed = auditEventsOf(world.dbPath).find((event) => event.kind === 'journal_replayed');
    const bystanders = await bystanderReport(world);

    await faultCase(
      's.2',
      `two ticks with the database write-locked over a journal already holding ${earlier} check rows (3 left out before)`,
      `the journal keeps the newest ${MAX_JOURNAL_CHECKS} check rows (both locked ticks' among them) and counts 3 + 1 left out; the replay writes them all and says 4`,
      (seen) => {
        seen.note('locked ticks', locked.map(describeRun));
        seen.note('journal check rows', kept.tables.check_history.length);
        seen.note('journal left out', kept.droppedChecks);
        seen.note('next tick', describeRun(after));
        seen.note('check rows in the database', checks.length);
        seen.note('oldest journal ids present (1000, 1001)', [ids.has(1000), ids.has(1001)]);
        seen.note('replay', replayed?.detail ?? 'none');
        seen.note(describeBystanders(bystanders));

        for (const tick of locked) assert.equal(tick.code, 0, `locked tick: ${tick.stderr}`);
        assert.equal(kept.tables.check_history.length, MAX_JOURNAL_CHECKS, 'the journal is full, not empty');
        assert.equal(kept.droppedChecks, 4, 'the true count left out');
        assert.equal(after.code, 0, `next tick: ${after.stderr}`);
        assert.equal(checks.length, 1 + MAX_JOURNAL_CHECKS + 1, 'the first tick, the journal, the last tick');
        assert.deepEqual([ids.has(1000), ids.has(1001)], [false, true], 'only the oldest row left out');
        assert.match(replayed?.detail ?? '', /\(4 older check rows had to be left out\)$/);
        assertBystandersUntouched(bystanders);
      },
    );
  });

  it('status while the database is locked shows off from the journal', async () => {
    const world = await startFaultWorld('audit-status');
    failingApps(world.dir, { app: {} });
    const first = await world.watchdog(['check']);
    assert.equal(first.code, 0, `first tick: ${first.stderr}`);
    const release = holdWriteLock(world.dbPath);
    let off;
    let text;
    let json;
    try {
      off = await world.watchdog(['off', 'app']);
      text = await world.watchdog(['status']);
      json = await world.watchdog(['status', '--json']);
    } finally {
      release();
    }
    const inDatabase = processRowOf(world.dbPath, 'app')?.off_since ?? null;
    const parsed = JSON.parse(json.stdout) as {
      processes: { key: string; state: string; off_since: string | null }[];
      journal: { processes: string[]; pending_rows: number } | null;
    };
    const bystanders = await bystanderReport(world);

    await faultCase(
      's.3',
      "`watchdog off app` and then `status` / `status --json` while another connection holds the database's write lock",
      'off exits 0 and says it is kept in the journal; status shows app off with a line naming the journal; --json has state off and a journal field naming app; the database itself does not have it yet',
      (seen) => {
        seen.note('off', describeRun(off));
        seen.note('off in the database', inDatabase);
        seen.note('status', describeRun(text));
        seen.note(
          'status line of the journal',
          text.stdout.split('\n').find((line) => line.startsWith('journal ')) ?? 'none',
        );
        seen.note('json state', parsed.processes[0]?.state ?? 'missing');
        seen.note('json journal', parsed.journal);
        seen.note(describeBystanders(bystanders));

        assert.equal(off.code, 0, `off: ${off.stderr}`);
        assert.match(off.stderr, /kept in .*watchdog\.db\.journal/);
        assert.equal(inDatabase, null, 'the database could not take it');
        assert.equal(text.code, 0, `status: ${text.stderr}`);
        assert.match(text.stdout, /\boff\b/);
        assert.match(
          text.stdout,
          /^journal .*watchdog\.db\.journal: (?:1 row waits|\d+ rows wait) in the journal; the state of app is from it/m,
        );
        assert.equal(parsed.processes[0]?.state, 'off');
        assert.notEqual(parsed.processes[0]?.off_since ?? null, null);
        assert.deepEqual(parsed.journal?.processes, ['app']);
        assertBystandersUntouched(bystanders);
      },
    );
  });

  it('a journal left behind after the database took it: no row twice, none lost, no newer row overwritten', async () => {
    const world = await startFaultWorld('audit-replay-twice');
    failingApps(world.dir, { app: {} });
    const journalPath = `${world.dbPath}.journal`;
    const first = await world.watchdog(['check']);
    assert.equal(first.code, 0, `first tick: ${first.stderr}`);
    const release = holdWriteLock(world.dbPath);
    let locked;
    try {
      locked = await world.watchdog(['check']);
    } finally {
      release();
    }
    const left = readFileSync(journalPath);
    const replaying = await world.watchdog(['check']);
    const stateBefore = processRowOf(world.dbPath, 'app');
    // What a stop between the commit and the unlink, or an unlink that failed, leaves: the journal still there.
    writeFileSync(journalPath, left, { mode: 0o600 });
    const again = await world.watchdog(['check']);
    const stateAfter = processRowOf(world.dbPath, 'app');
    const checks = checksOf(world.dbPath);
    const recoveries = recoveriesOf(world.dbPath);
    const replays = auditEventsOf(world.dbPath).filter((event) => event.kind === 'journal_replayed').length;
    const bystanders = await bystanderReport(world);

    await faultCase(
      's.4',
      'the journal of a locked tick put back after the next tick wrote it into the database and went on (a stop before the unlink, or an unlink that failed)',
      "the next tick finds it taken already: removed with a warning, not written again (the newer process_state stands), no second journal_replayed event; all 4 ticks' checks and recoveries present once",
      (seen) => {
        seen.note('locked tick', describeRun(locked));
        seen.note('replaying tick', describeRun(replaying));
        seen.note('tick with the journal back', describeRun(again));
        seen.note(
          'check ids',
          checks.map((check) => check.id),
        );
        seen.note(
          'recoveries',
          recoveries.map((row) => `#${row.id} ${row.outcome}`),
        );
        seen.note('journal_replayed events', replays);
        seen.note(
          'last_check_at before/after the tick',
          `${String(stateBefore?.last_check_at)}/${String(stateAfter?.last_check_at)}`,
        );
        seen.note('journal after', existsSync(journalPath));
        seen.note(describeBystanders(bystanders));

        assert.equal(again.code, 0, `tick: ${again.stderr}`);
        assert.match(again.stderr + readLog(world.dir), /was written already/);
        assert.equal(checks.length, 4, 'one check a tick, none twice');
        assert.equal(new Set(checks.map((check) => check.id)).size, 4);
        assert.equal(recoveries.length, 4, 'one recovery a tick, none twice');
        assert.equal(replays, 1, 'one replay recorded');
        assert.equal(
          stateAfter?.last_check_at,
          checks.at(-1)?.checked_at,
          "the state is the last tick's, not the journal's",
        );
        assert.equal(existsSync(journalPath), false);
        assertBystandersUntouched(bystanders);
      },
    );
  });

  it('the disk under the database fills mid-run: the tick heals, no row is lost', async () => {
    const world = await startFaultWorld('audit-full-mid-run');
    const full = join(world.dir, 'full');
    const inside = (argv: string[]) => world.ns.run(argv, { cwd: '/' });
    await mountSmallTmpfs(world, full, { size: '1m' });
    const dbInside = join(full, 'watchdog.db');
    const journal = join(world.dir, 'journal.json');
    const marker = join(world.dir, 'filled');
    // The app's start fills the disk (once) while the tick runs: the tick's next writes meet it.
    const filler = `[ -e ${marker} ] || { : > ${marker}; dd if=/dev/zero of=${full}/fill bs=4k 2>/dev/null; true; }`;
    failingApps(
      world.dir,
      { app: { commands: { start: `${STUB_START}; ${filler}` } } },
      { db_path: dbInside, journal_path: journal },
    );
    writeFileSync(marker, '');
    const first = await world.watchdog(['check']);
    assert.equal(first.code, 0, `first tick: ${first.stderr}`);
    const rm = await inside(['rm', marker]); // armed: the next start fills the disk
    assert.equal(rm.code, 0);
    const fillingTick = await world.watchdog(['check']);
    const df = await inside(['sh', '-c', `df -k ${full} | tail -1`]);
    const journalWhileFull = existsSync(journal);
    await inside(['rm', `${full}/fill`]);
    const after = await world.watchdog(['check']);
    const copy = join(world.dir, 'copy.db');
    const copied = await inside([
      'sh',
      '-c',
      `cp ${dbInside} ${copy} && { [ ! -s ${dbInside}-wal ] || cp ${dbInside}-wal ${copy}-wal; }`,
    ]);
    assert.equal(copied.code, 0, `copy the database out: ${copied.stderr}`);
    const checks = checksOf(copy);
    const recoveries = recoveriesOf(copy);
    const bystanders = await bystanderReport(world);

    await faultCase(
      's.5',
      "a 1 MiB tmpfs under the database filled to the last block by an app's start, in the middle of the tick recovering it",
      'the tick exits 0 and says its rows wait in the journal (on another file system); after room is made the next tick writes them: 3 checks, 3 recoveries, each succeeded, the journal removed',
      (seen) => {
        seen.note('filling tick', describeRun(fillingTick));
        seen.note('why', /cannot be written \(([^)]*)\)/.exec(fillingTick.stderr)?.[1] ?? 'not said');
        seen.note('tmpfs after the tick (its WAL gone at close)', df.stdout.trim().split(/\s+/).slice(1, 5).join(' '));
        seen.note('journal while full', journalWhileFull);
        seen.note('tick after room', describeRun(after));
        seen.note('check rows', checks.length);
        seen.note(
          'recoveries',
          recoveries.map((row) => row.outcome),
        );
        seen.note('journal after', existsSync(journal));
        seen.note(describeBystanders(bystanders));

        assert.equal(fillingTick.code, 0, `filling tick: ${fillingTick.stderr}`);
        assert.match(fillingTick.stderr, /cannot be written \([^)]*full/i);
        assert.ok(journalWhileFull, 'the journal holds the rows');
        assert.equal(startsOf(world.dir, 'app'), 3, 'every tick started the app');
        assert.equal(after.code, 0, `tick after room: ${after.stderr}`);
        assert.equal(checks.length, 3, 'no check row lost');
        assert.deepEqual(
          recoveries.map((row) => row.outcome),
          ['succeeded', 'succeeded', 'succeeded'],
          'the recovery the disk filled under is recorded whole',
        );
        assert.equal(existsSync(journal), false);
        assertBystandersUntouched(bystanders);
      },
    );
  });

  it('off kept in the journal, then on written to the database: on wins', async () => {
    const world = await startFaultWorld('audit-off-then-on');
    failingApps(world.dir, { app: {} });
    const first = await world.watchdog(['check']);
    assert.equal(first.code, 0, `first tick: ${first.stderr}`);
    const release = holdWriteLock(world.dbPath);
    let off;
    try {
      off = await world.watchdog(['off', 'app']);
    } finally {
      release();
    }
    const journalAfterOff = existsSync(`${world.dbPath}.journal`);
    const on = await world.watchdog(['on', 'app']);
    const row = processRowOf(world.dbPath, 'app');
    const startsAfterOn = startsOf(world.dir, 'app');
    const tick = await world.watchdog(['check']);
    const manual = recoveriesOf(world.dbPath)
      .filter((recovery) => recovery.kind !== 'recovery')
      .map((recovery) => `#${recovery.id} ${recovery.kind}`);
    const bystanders = await bystanderReport(world);

    await faultCase(
      's.6',
      '`off app` kept in the journal (database locked), then `on app` with the database free again',
      'on first writes the journal (off) into the database, then its own on: off_since empty after, the stop before the start in the recoveries; the next tick recovers the app',
      (seen) => {
        seen.note('off', describeRun(off));
        seen.note('journal after off', journalAfterOff);
        seen.note('on', describeRun(on));
        seen.note('off_since after on', row?.off_since ?? null);
        seen.note('manual actions', manual);
        seen.note('next tick', describeRun(tick));
        seen.note('starts after on/after tick', `${startsAfterOn}/${startsOf(world.dir, 'app')}`);
        seen.note(describeBystanders(bystanders));

        assert.equal(off.code, 0, `off: ${off.stderr}`);
        assert.ok(journalAfterOff, 'off waits in the journal');
        assert.equal(on.code, 0, `on: ${on.stderr}`);
        assert.equal(row?.off_since ?? null, null, 'on wins');
        assert.equal(manual.length, 2, manual.join(', '));
        assert.match(manual[0] ?? '', /stop|off/);
        assert.match(manual[1] ?? '', /start|on/);
        assert.equal(tick.code, 0, `tick: ${tick.stderr}`);
        assert.equal(startsOf(world.dir, 'app'), startsAfterOn + 1, 'the next tick recovers the app: it is on');
        assertBystandersUntouched(bystanders);
      },
    );
  });

  it('neither the database nor the journal can be written: what is lost is said loudly', async () => {
    const world = await startFaultWorld('audit-no-journal');
    const ro = join(world.dir, 'ro');
    // A read-only file system for the journal.
    await mountSmallTmpfs(world, ro, { size: '64k', readOnly: true });
    // The fallback journal too: on the same read-only file system, so neither can take the rows.
    failingApps(
      world.dir,
      { app: {} },
      { journal_path: join(ro, 'journal.json'), fallback_journal_path: join(ro, 'fallback.json') },
    );
    const first = await world.watchdog(['check']);
    assert.equal(first.code, 0, `first tick: ${first.stderr}`);
    const release = holdWriteLock(world.dbPath);
    let off;
    let tick;
    try {
      off = await world.watchdog(['off', 'app']);
      tick = await world.watchdog(['check']);
    } finally {
      release();
    }
    const offInDatabase = processRowOf(world.dbPath, 'app')?.off_since ?? null;
    const bystanders = await bystanderReport(world);

    await faultCase(
      's.7',
      '`off app` and a tick while the database is write-locked and journal_path is on a read-only file system',
      'off exits 1 and says on stderr that it is not recorded and will not last; the tick still heals (exit 0) and says on stderr its rows are lost, never that they wait in the journal; the database has no off',
      (seen) => {
        seen.note('off', describeRun(off));
        seen.note('off says', /will not last/.test(off.stderr) ? 'will not last' : 'nothing of it');
        seen.note('tick', describeRun(tick));
        seen.note(
          'tick says',
          /rows are lost when it ends/.test(tick.stderr)
            ? 'its rows are lost when it ends'
            : /rows wait in/.test(tick.stderr)
              ? 'its rows wait in the journal'
              : 'nothing of it',
        );
        seen.note('off in the database', offInDatabase);
        seen.note(describeBystanders(bystanders));

        assert.equal(off.code, 1, `off: ${off.stderr}`);
        assert.match(off.stderr, /cannot be written either: what was done is not recorded, and an `off` will not last/);
        assert.equal(tick.code, 0, `tick: ${tick.stderr}`);
        assert.match(
          tick.stderr,
          /and the journal .*journal\.json cannot be written either: this tick's rows are lost when it ends/,
        );
        assert.doesNotMatch(tick.stderr, /rows wait in/, 'no claim that the rows are kept');
        assert.equal(offInDatabase, null);
        assertBystandersUntouched(bystanders);
      },
    );
  });
});

/** The watchdog's logs in the case's folder (log_dir `logs`), if any. */
function readLog(dir: string): string {
  const logs = join(dir, 'logs');
  if (!existsSync(logs)) return '';
  return readdirSync(logs)
    .filter((name) => name.startsWith('watchdog'))
    .map((name) => readFileSync(join(logs, name), 'utf8'))
    .join('');
}
