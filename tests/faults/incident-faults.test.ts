// Fault injection on process_recovered: the event that closes an incident is queued in the
// transaction that closes it, so a watchdog killed (or the power cut) at any file-changing
// call of the tick that finds the app healthy again neither loses it nor tells it twice;
// and a tick stood in for by the journal (the database locked) keeps it too. The built
// watchdog, a real database; the app is the test runner itself, whose PID the heartbeat
// names: nothing is ever signalled (no recovery runs after the first tick, whose pipeline
// is a start that fails, with no kill).
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { heartbeatText, writeFileAt } from '../helpers/heartbeats.js';
import { runWatchdog, type RunResult } from '../helpers/run-watchdog.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { writeFaultConfig } from './fault-scenario.js';
import { cutPower, readCallPoints, shimEnv, snapshotFiles } from './power-cut.js';
import { faultCase, type Observation } from './report.js';

/** The calls a case stops at: those on the database, its WAL and journals, and the folded file. */
const STORAGE_FILE = /^(state\/watchdog\.db(-wal|-journal|\.journal.*)?|run\/.*)$/;

interface World {
  base: string;
  dir: string;
  card: string;
  tmpfs: string;
  dbPath: string;
  template: string;
}

/** A world where one tick opened an incident (no heartbeat; the start fails), laid aside as a template. */
async function incidentWorld(): Promise<World> {
  const base = makeTempDir('watchdog-fault-incident-');
  const dir = join(base, 'world');
  mkdirSync(join(dir, 'state'), { recursive: true });
  writeFaultConfig(
    dir,
    {
      app: {
        heartbeat_path: 'hb/app.json',
        commands: { start: 'exit 1' },
        recovery_actions: ['start'],
        recovery_backoff_seconds: 0,
        max_recoveries: 100,
      },
    },
    {
      consecutive_failures_threshold: 1,
      db_path: 'state/watchdog.db',
      folded_checks_path: 'run/folded.json',
      fallback_journal_path: 'run/fallback.journal',
      // Long enough for the failing start to have exited when it is verified.
      verify_delay: 0.5,
      notify: {
        channels: { recorder: { type: 'command', command: 'cat >> received.jsonl; echo >> received.jsonl' } },
      },
    },
  );
  const world: World = {
    base,
    dir,
    card: join(dir, 'state'),
    tmpfs: join(dir, 'run'),
    dbPath: join(dir, 'state/watchdog.db'),
    template: join(base, 'template'),
  };
  const first = await check(world);
  assert.equal(first.code, 1, `the first tick's recovery fails: ${JSON.stringify(first)}`);
  cpSync(dir, world.template, { recursive: true });
  return world;
}

function check(world: World, env: Record<string, string> = {}): Promise<RunResult> {
  return runWatchdog(['check', '-c', join(world.dir, 'config.json')], { cwd: world.dir, env });
}

/** A fresh heartbeat of a live process (this test runner): the next check is healthy. */
function beat(world: World): void {
  writeFileAt(join(world.dir, 'hb/app.json'), heartbeatText({ process_key: 'app' }));
}

/** The world as the template has it: the incident open, nothing told of its end. */
function relay(world: World): void {
  rmSync(world.dir, { recursive: true, force: true });
  cpSync(world.template, world.dir, { recursive: true });
}

interface Facts {
  integrity: string;
  /** The incident id of each process_recovered queued, and of the events that opened it. */
  recovered: string[];
  opened: string[];
  /** The incident still open in process_state. */
  open: string | null;
}

function factsOf(world: World): Facts {
  const scratch = join(world.base, 'scratch');
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch);
  for (const suffix of ['', '-wal'])
    if (existsSync(`${world.dbPath}${suffix}`))
      cpSync(`${world.dbPath}${suffix}`, join(scratch, `watchdog.db${suffix}`));
  const db = new Database(join(scratch, 'watchdog.db'));
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[])
      .map((row) => row.integrity_check)
      .join(', ');
    const idsOf = (events: string): string[] =>
      db
        .prepare<[], { id: string }>(
          `SELECT json_extract(payload, '$.details.incident_id') AS id FROM notifications WHERE event IN (${events}) ORDER BY id`,
        )
        .all()
        .map((row) => row.id);
    const open =
      db
        .prepare<[], { incident_id: string | null }>("SELECT incident_id FROM process_state WHERE process_key = 'app'")
        .get()?.incident_id ?? null;
    return {
      integrity,
      recovered: idsOf("'process_recovered'"),
      opened: idsOf("'recovery_started', 'recovery_failed'"),
      open,
    };
  } finally {
    db.close();
  }
}

/** What must hold after the healthy tick (stopped or not) and a normal tick after it. */
function violationsOf(facts: Facts): string[] {
  const violations: string[] = [];
  const [id] = facts.opened;
  if (facts.integrity !== 'ok') violations.push(`integrity: ${facts.integrity}`);
  if (id === undefined) violations.push('the opening events are lost');
  if (facts.recovered.length !== 1) violations.push(`${facts.recovered.length} process_recovered queued, not 1`);
  if (facts.recovered[0] !== id) violations.push(`process_recovered carries ${facts.recovered[0]}, opened ${id}`);
  if (facts.open !== null) violations.push(`the incident ${facts.open} is still open`);
  return violations;
}

describe('fault injection: process_recovered neither lost nor told twice', () => {
  it('a SIGKILL or a power cut at every file-changing call of the tick that finds the app healthy again', async () => {
    const world = await incidentWorld();
    // The run not stopped: its calls.
    relay(world);
    beat(world);
    const log = join(world.base, 'calls.log');
    const images = join(world.base, 'images');
    mkdirSync(images, { recursive: true });
    const whole = await check(world, shimEnv({ card: world.card, tmpfs: world.tmpfs, images, log }));
    assert.equal(whole.code, 0, JSON.stringify(whole));
    assert.deepEqual(violationsOf(factsOf(world)), [], 'the run not stopped');
    const points = readCallPoints(log, world.dir).filter((point) => STORAGE_FILE.test(point.file));
    assert.ok(points.length > 0, 'the run made calls on the database');

    for (const mode of ['kill', 'power'] as const) {
      const seenAt: string[] = [];
      const violations: string[] = [];
      for (const point of points) {
        relay(world);
        beat(world);
        rmSync(images, { recursive: true, force: true });
        mkdirSync(images);
        const atStart = snapshotFiles(world.card);
        const run = await check(world, shimEnv({ card: world.card, tmpfs: world.tmpfs, images, killAt: point.number }));
        if (run.code !== null) violations.push(`#${point.number}: the run was not stopped (${JSON.stringify(run)})`);
        if (mode === 'power') {
          cutPower(world.card, images, atStart);
          rmSync(world.tmpfs, { recursive: true, force: true });
        }
        const atStop = factsOf(world);
        if (atStop.recovered.length > 1) violations.push(`#${point.number}: told twice at the stop`);
        seenAt.push(`${atStop.recovered.length}`);
        beat(world);
        const repair = await check(world);
        if (repair.code !== 0) violations.push(`#${point.number}: the next tick: ${JSON.stringify(repair)}`);
        violations.push(
          ...violationsOf(factsOf(world)).map((line) => `#${point.number} ${point.call} ${point.file}: ${line}`),
        );
      }
      await faultCase(
        `i.1.${mode}`,
        `${mode === 'kill' ? 'SIGKILL' : 'a power cut'} at each of the ${points.length} calls on the database, WAL, journals and folded file of the tick that finds an app with an open incident healthy again, then a normal tick`,
        'after each: one process_recovered queued, carrying the id its recovery_started and recovery_failed carried; the incident closed; the database whole',
        (seen: Observation) => {
          const before = seenAt.filter((count) => count === '0').length;
          seen.note('queued at the stop', `${before} points before the commit, ${seenAt.length - before} after`);
          seen.note('violations', violations.length === 0 ? 'none' : violations.slice(0, 5));
          assert.ok(before > 0 && before < seenAt.length, 'points on both sides of the commit');
          assert.deepEqual(violations, []);
        },
      );
    }
  });

  it('a tick stood in for by the journal (the database locked) keeps the incident closed and the event queued, once', async () => {
    const world = await incidentWorld();
    relay(world);
    beat(world);
    const holder = new Database(world.dbPath);
    holder.exec('BEGIN EXCLUSIVE');
    let stood: RunResult;
    try {
      stood = await check(world);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    const journaled = existsSync(join(world.dir, 'state/watchdog.db.journal'));
    beat(world);
    const next = await check(world);
    beat(world);
    const after = await check(world);
    await faultCase(
      'i.2',
      'the database locked by another connection through the tick that finds an app with an open incident healthy again (a stand-in; the rows in the journal), then two normal ticks',
      'the journal written back: one process_recovered queued with the incident id, the incident closed',
      (seen: Observation) => {
        seen.note('stood-in tick', `exit ${String(stood.code)}, journal ${journaled ? 'written' : 'missing'}`);
        assert.equal(journaled, true, `the stand-in wrote the journal: ${JSON.stringify(stood)}`);
        assert.deepEqual([next.code, after.code], [0, 0]);
        const facts = factsOf(world);
        seen.note('after', `${facts.recovered.length} process_recovered, incident open: ${String(facts.open)}`);
        assert.deepEqual(violationsOf(facts), []);
      },
    );
  });
});
