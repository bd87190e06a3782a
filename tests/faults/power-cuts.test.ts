// Fault injection: a watchdog killed, or the power cut, at every file-changing call it makes
// on the audit database, its WAL, its journals and the folded checks' file (docs/storage-writes.md,
// "What a power cut can lose"). The shim fixtures/power-cut.c numbers those calls and raises
// SIGKILL at the one chosen; for a power cut the card is then laid as its last fsyncs left it
// and the folded file (in memory) is lost. A normal tick follows, and the invariants are checked
// at every point: the database is whole, an `off` or start that took effect is on record, no
// second copy runs, no run of checks is written twice, the state is not ahead of a run that
// was not stopped. Everything runs in a PID namespace; the app is a `sleep` the case or the
// watchdog started there. At a power cut the processes are left running: the strict form of
// the promise, as a start that happened must be on the card, so the next tick starts no
// second copy even though a real cut would have ended the first.
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import { heartbeatText } from '../helpers/heartbeats.js';
import { startPidNamespace, type NsRunResult, type PidNamespace } from '../helpers/pid-namespace.js';
import { WATCHDOG_BIN } from '../helpers/run-watchdog.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { describeRun, stubStarts, writeFaultConfig, writeHeartbeat } from './fault-scenario.js';
import { cutPower, readCallPoints, shimEnv, snapshotFiles, type CallPoint } from './power-cut.js';
import { faultCase, type Observation } from './report.js';

/** The app: a `sleep` with a length no other process here has, so its copies can be counted. */
const APP_ARGV = ['sleep', '86413'];
/** The start: a marker line in started.log (the effect happened), then the app as the started PID. */
const START = `printf '%s\\n' "$WATCHDOG_PROCESS_KEY" >> started.log; exec ${APP_ARGV.join(' ')}`;
/** The calls the cases stop at: those on the database, its WAL and journals, and the folded file. */
const STORAGE_FILE = /^(state\/watchdog\.db(-wal|-journal|\.journal.*)?|run\/.*)$/;
const MAX_FOLDED = 3;

/** One folder and PID namespace where the points of a case run one after another. */
interface Slot {
  /** The slot's own folder: the world (`dir`), its template, the shim's images, scratch copies. */
  base: string;
  dir: string;
  ns: PidNamespace;
  configPath: string;
  card: string;
  tmpfs: string;
  dbPath: string;
  /** The folder as the case's preparation left it, laid again before each point. */
  template: string;
  /** The app the preparation started (case a keeps it across points). */
  appPid: number;
  beats: number;
}

/** What the case under test runs, and how its world is made. */
interface CaseSpec {
  id: string;
  what: string;
  /** Ticks and commands that bring the slot to the moment before the run under test. */
  prepare: (slot: Slot) => Promise<void>;
  /** Before each point, after the folder is laid again: the app processes and heartbeat. */
  arrange: (slot: Slot) => Promise<void>;
  args: readonly string[];
  /** Before the repair tick (a fresh heartbeat for a healthy app). */
  beforeRepair?: (slot: Slot) => void;
  /** How many checks of `app` the preparation, the run and the repair tick make at most. */
  checksMade: number;
  /** Whether the repair tick checks the app (it is not `off`): one more check is counted after it. */
  repairChecks?: boolean;
}

/** Writes app's heartbeat naming `pid`; `identity` (its start ticks and boot) lets a stale one be judged by them, not by its time. */
function beat(
  slot: Slot,
  pid: number,
  { stale = false, identity = {} }: { stale?: boolean; identity?: Identity } = {},
): void {
  slot.beats += 1;
  const at = formatUtcTimestamp(new Date(Date.now() - (stale ? 3_600_000 : 0)));
  const text = heartbeatText({ process_key: 'app', pid, timestamp: at, iteration: slot.beats });
  writeHeartbeat(join(slot.dir, 'hb/app.json'), JSON.stringify({ ...(JSON.parse(text) as object), ...identity }));
}

type Identity = { pid_start_ticks?: number; boot_id?: string };

/** The heartbeat identity keys of a process of the namespace. */
async function identityOf(slot: Slot, pid: number): Promise<Identity> {
  const read = await slot.ns.run(['cat', `/proc/${pid}/stat`, '/proc/sys/kernel/random/boot_id']);
  const [stat = '', bootId = ''] = read.stdout.split('\n');
  const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  return { pid_start_ticks: ticks, boot_id: bootId.trim() };
}

function watchdog(slot: Slot, args: readonly string[], env?: Record<string, string>): Promise<NsRunResult> {
  return slot.ns.run([process.execPath, WATCHDOG_BIN, ...args, '-c', slot.configPath], {
    cwd: '/',
    ...(env === undefined ? {} : { env }),
  });
}

async function tick(slot: Slot, args: readonly string[] = ['check']): Promise<void> {
  const result = await watchdog(slot, args);
  assert.equal(result.code, 0, `${args.join(' ')}: ${describeRun(result)}`);
}

/** The live copies of the app in the slot's namespace. */
async function appCopies(slot: Slot): Promise<number[]> {
  return (await slot.ns.processes())
    .filter((entry) => entry.state !== 'Z' && entry.cmdline.join(' ') === APP_ARGV.join(' '))
    .map((entry) => entry.pid);
}

/** Kills the copies left by the last point: processes this case or its watchdog started in its namespace. */
async function killCopies(slot: Slot): Promise<void> {
  for (const pid of await appCopies(slot)) await slot.ns.signal(pid, 'SIGKILL');
  for (let tries = 0; (await appCopies(slot)).length > 0; tries += 1) {
    if (tries > 200) throw new Error('the app copies of the last point did not die');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function makeSlot(spec: CaseSpec): Promise<Slot> {
  const base = makeTempDir(`watchdog-fault-power-${spec.id}-`);
  const dir = join(base, 'world');
  mkdirSync(dir);
  const ns = await startPidNamespace();
  const configPath = writeFaultConfig(
    dir,
    {
      app: {
        heartbeat_path: 'hb/app.json',
        commands: { start: START },
        recovery_backoff_seconds: 0,
        max_recoveries: 100,
        start_grace_seconds: 60,
      },
    },
    {
      consecutive_failures_threshold: 1,
      db_path: 'state/watchdog.db',
      folded_checks_path: 'run/folded.json',
      max_folded_checks: MAX_FOLDED,
      verify_delay: 0,
    },
  );
  mkdirSync(join(dir, 'state'));
  mkdirSync(join(dir, 'hb'));
  const appPid = await ns.spawn(APP_ARGV, { cwd: dir, detached: true });
  const slot: Slot = {
    base,
    dir,
    ns,
    configPath,
    card: join(dir, 'state'),
    tmpfs: join(dir, 'run'),
    dbPath: join(dir, 'state/watchdog.db'),
    template: join(base, 'template'),
    appPid,
    beats: 0,
  };
  await spec.prepare(slot);
  copyTree(dir, slot.template);
  return slot;
}

function copyTree(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true, preserveTimestamps: true });
}

/** Lays the slot's folder as the preparation left it. */
function relay(slot: Slot): void {
  for (const name of ['state', 'run', 'hb', 'started.log'])
    rmSync(join(slot.dir, name), { recursive: true, force: true });
  for (const name of ['state', 'run', 'hb', 'started.log'])
    if (existsSync(join(slot.template, name)))
      cpSync(join(slot.template, name), join(slot.dir, name), { recursive: true, preserveTimestamps: true });
}

/** The database's facts, read from a copy (as the next run would open it: the WAL replayed, the index rebuilt). */
interface DbFacts {
  integrity: string;
  failures: number | null;
  off: boolean;
  gaveUp: boolean;
  startedAt: string | null;
  startedPid: number | null;
  recoveries: string[];
  /** The sum of check_count of app's rows, and of its run waiting in memory (when the file continues the database). */
  checksInDb: number;
  checksInMemory: number;
}

function readFacts(slot: Slot, scratch: string): DbFacts {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const copy = join(scratch, 'watchdog.db');
  if (!existsSync(slot.dbPath))
    return {
      integrity: 'no database',
      failures: null,
      off: false,
      gaveUp: false,
      startedAt: null,
      startedPid: null,
      recoveries: [],
      checksInDb: 0,
      checksInMemory: 0,
    };
  copyFileSync(slot.dbPath, copy);
  if (existsSync(`${slot.dbPath}-wal`)) copyFileSync(`${slot.dbPath}-wal`, `${copy}-wal`);
  const db = new Database(copy);
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[])
      .map((row) => row.integrity_check)
      .join(', ');
    const row = db.prepare<[], Record<string, unknown>>("SELECT * FROM process_state WHERE process_key = 'app'").get();
    const recoveries = db
      .prepare<[], { id: number; outcome: string; actions: string | null }>(
        "SELECT r.id, r.outcome, (SELECT group_concat(action || ':' || outcome, ',') FROM recovery_actions a WHERE a.recovery_id = r.id) AS actions FROM recoveries r WHERE process_key = 'app' ORDER BY id",
      )
      .all()
      .map((recovery) => `#${recovery.id} ${recovery.outcome} [${recovery.actions ?? ''}]`);
    const checksInDb =
      db
        .prepare<[], { n: number | null }>("SELECT sum(check_count) AS n FROM check_history WHERE process_key = 'app'")
        .get()?.n ?? 0;
    const generation = Number(
      db.prepare<[], { value: string }>("SELECT value FROM watchdog_meta WHERE key = 'folded_generation'").get()
        ?.value ?? 0,
    );
    return {
      integrity,
      failures: (row?.consecutive_failures as number | undefined) ?? null,
      off: row?.off_since != null,
      gaveUp: row?.gave_up_at != null,
      startedAt: (row?.started_at as string | null | undefined) ?? null,
      startedPid: (row?.started_pid as number | null | undefined) ?? null,
      recoveries,
      checksInDb,
      checksInMemory: foldedCount(slot, generation),
    };
  } finally {
    db.close();
  }
}

function foldedCount(slot: Slot, generation: number): number {
  const path = join(slot.tmpfs, 'folded.json');
  if (!existsSync(path)) return 0;
  try {
    const file = JSON.parse(readFileSync(path, 'utf8')) as { generation: number; runs: Record<string, unknown[]> };
    return file.generation === generation ? Number(file.runs.app?.[3] ?? 0) : 0;
  } catch {
    return 0;
  }
}

type Mode = 'kill' | 'power';

/** What one point showed. */
interface PointResult {
  point: CallPoint;
  /** One line, the same for points that showed the same: grouped in the report. */
  outcome: string;
  violations: string[];
}

/** What the next tick did from one state at the stop, shared by the points that stopped in the same state. */
interface Repair {
  outcome: string;
  violations: string[];
}

/**
 * The state at a stop in the terms the next tick acts on (no times): the points that stop in
 * the same one get the same repair tick, run once (each point's own stop is still checked).
 */
function stateKey(atKill: DbFacts, facts: Record<string, unknown>): string {
  return JSON.stringify({
    ...atKill,
    startedAt: atKill.startedAt !== null,
    startedPid: atKill.startedPid !== null,
    ...facts,
  });
}

async function runPoint(
  slot: Slot,
  spec: CaseSpec,
  mode: Mode,
  point: CallPoint,
  reference: DbFacts,
  repairs: Map<string, Repair>,
): Promise<PointResult> {
  relay(slot);
  if (spec.id !== 'a') await killCopies(slot);
  await spec.arrange(slot);
  const images = join(slot.base, 'images');
  rmSync(images, { recursive: true, force: true });
  mkdirSync(images);
  const atStart = snapshotFiles(slot.card);
  const startsBefore = stubStarts(slot.dir).length;
  const copiesBefore = await appCopies(slot);
  const began = formatUtcTimestamp(new Date(Date.now() - 1));
  const run = await watchdog(
    slot,
    spec.args,
    shimEnv({ card: slot.card, tmpfs: slot.tmpfs, images, killAt: point.number }),
  );
  const violations: string[] = [];
  if (run.signal !== 'SIGKILL') violations.push(`the run was not stopped (${describeRun(run)})`);
  let reverted: string[] = [];
  if (mode === 'power') {
    reverted = cutPower(slot.card, images, atStart);
    rmSync(slot.tmpfs, { recursive: true, force: true });
  }
  const copiesAtKill = await appCopies(slot);
  const started = stubStarts(slot.dir).length > startsBefore;
  const stopped = copiesBefore.some((pid) => !copiesAtKill.includes(pid));
  const atKill = readFacts(slot, join(slot.base, 'scratch'));
  const startOnRecord = atKill.startedAt !== null && atKill.startedAt >= began;
  if (atKill.integrity !== 'ok') violations.push(`integrity at the stop: ${atKill.integrity}`);
  if (started && !startOnRecord) violations.push('a start happened but no start under way is on record');
  if (spec.args[0] === 'off' && stopped && !atKill.off)
    violations.push('the app was stopped but `off` is not on record');
  if (spec.args[0] === 'check' && stopped && atKill.recoveries.length === 0)
    violations.push('the app was killed but no recovery is on record');
  const stop = `${stopped ? 'app stopped, ' : ''}${started ? 'started, ' : ''}${atKill.off ? 'off on record, ' : ''}${startOnRecord ? 'start on record, ' : ''}${atKill.recoveries.length} recoveries, ${atKill.checksInDb}+${atKill.checksInMemory} checks`;

  const key = stateKey(atKill, {
    startOnRecord,
    started,
    stopped,
    copies: copiesAtKill.length,
    lockDir: existsSync(join(slot.card, 'watchdog.lock')),
  });
  let repair = repairs.get(key);
  if (repair === undefined) {
    repair = await repairTick(slot, spec, reference, { atKill, started, stopped, startsBefore });
    repairs.set(key, repair);
  }
  const outcome = [
    mode === 'power' ? `card ${reverted.length === 0 ? 'as written' : reverted.join(', ')}` : undefined,
    `at the stop: ${stop}`,
    `after the next tick: ${repair.outcome}`,
  ]
    .filter(Boolean)
    .join('; ');
  return { point, outcome, violations: [...violations, ...repair.violations] };
}

/** The next tick, run normally, and the invariants after it. */
async function repairTick(
  slot: Slot,
  spec: CaseSpec,
  reference: DbFacts,
  seen: { atKill: DbFacts; started: boolean; stopped: boolean; startsBefore: number },
): Promise<Repair> {
  const { atKill, started, stopped, startsBefore } = seen;
  const violations: string[] = [];
  spec.beforeRepair?.(slot);
  const repair = await watchdog(slot, ['check']);
  if (repair.code !== 0) violations.push(`repair tick: ${describeRun(repair)}`);
  const copiesAfter = await appCopies(slot);
  const startsAfter = stubStarts(slot.dir).length;
  const after = readFacts(slot, join(slot.base, 'scratch'));
  const counted = after.checksInDb + after.checksInMemory;
  if (after.integrity !== 'ok') violations.push(`integrity after the repair tick: ${after.integrity}`);
  if (copiesAfter.length > 1) violations.push(`${copiesAfter.length} copies of the app run`);
  if (atKill.off && startsAfter > startsBefore + (started ? 1 : 0))
    violations.push('an app on record as off was started');
  if (atKill.off && !after.off) violations.push('`off` was lost by the repair tick');
  if (started && copiesAfter.length === 0 && !after.off) violations.push('the started copy is gone');
  if (counted > spec.checksMade)
    violations.push(`checks counted ${counted} > ${spec.checksMade} made: a run written twice`);
  if (spec.repairChecks === true && counted <= atKill.checksInDb + atKill.checksInMemory)
    violations.push('the repair tick did not record its check');
  // A command stopped before it was on record changed nothing: one step behind, not wrong.
  const notOnRecord =
    (spec.args[0] === 'off' && !stopped && !atKill.off) || (spec.args[0] === 'on' && !started && atKill.off);
  if (after.off !== reference.off && !notOnRecord)
    violations.push(`off ${String(after.off)}, uninterrupted: ${String(reference.off)}`);
  if (after.gaveUp !== reference.gaveUp)
    violations.push(`gave up ${String(after.gaveUp)}, uninterrupted: ${String(reference.gaveUp)}`);
  if ((after.failures ?? 0) > (reference.failures ?? 0) + 1)
    violations.push(`failures ${String(after.failures)}, uninterrupted: ${String(reference.failures)}`);
  const outcome = `${copiesAfter.length} cop${copiesAfter.length === 1 ? 'y' : 'ies'}, ${startsAfter - startsBefore} starts, failures ${String(after.failures)}${after.off ? ', off' : ''}, ${after.recoveries.length} recoveries, ${after.checksInDb}+${after.checksInMemory} checks`;
  return { outcome, violations };
}

/** Runs `jobs` on the slots, each slot one job at a time. */
async function onSlots<T, R>(slots: Slot[], jobs: T[], run: (slot: Slot, job: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  await Promise.all(
    slots.map(async (slot) => {
      for (let index = next++; index < jobs.length; index = next++) {
        results[index] = await run(slot, jobs[index] as T);
      }
    }),
  );
  return results;
}

/** Plain writes (not a sync, rename or unlink) to the database's files. */
const PLAIN_DB_WRITE = /^(write|pwrite|pwrite64|writev|pwritev|pwritev64|ftruncate|ftruncate64)$/;

/**
 * Whether a power cut at `point` leaves what one at `previous` leaves: both are plain writes of
 * one SQLite commit or checkpoint (no code of the watchdog runs between them, so no effect
 * either), and no fsync, rename or unlink between them changed what the card holds.
 */
function sameCut(previous: CallPoint | undefined, point: CallPoint): boolean {
  return (
    previous !== undefined &&
    previous.number === point.number - 1 &&
    PLAIN_DB_WRITE.test(previous.call) &&
    PLAIN_DB_WRITE.test(point.call) &&
    previous.file.startsWith('state/') &&
    point.file.startsWith('state/')
  );
}

/** Consecutive points that showed the same, as one line each. */
function groupResults(results: PointResult[]): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let index = 1; index <= results.length; index += 1) {
    const first = results[start];
    if (first === undefined) break;
    if (index < results.length && results[index]?.outcome === first.outcome) continue;
    const group = results.slice(start, index);
    const calls = [...new Set(group.map((result) => `${result.point.call} ${result.point.file}`))].join(', ');
    const last = group.at(-1)?.point.number;
    lines.push(
      `#${first.point.number}${last === first.point.number ? '' : `-${String(last)}`} (${calls}): ${first.outcome}`,
    );
    start = index;
  }
  return lines;
}

async function attackEveryPoint(spec: CaseSpec): Promise<void> {
  const slots = await Promise.all([makeSlot(spec), makeSlot(spec)]);
  const [first] = slots;
  assert.ok(first !== undefined);
  // The run not stopped: its calls, and the state a stop may at most equal.
  relay(first);
  await spec.arrange(first);
  const log = join(first.base, 'calls.log');
  const images = join(first.base, 'reference-images');
  mkdirSync(images, { recursive: true });
  const whole = await watchdog(first, spec.args, shimEnv({ card: first.card, tmpfs: first.tmpfs, images, log }));
  assert.equal(whole.code, 0, `the run not stopped: ${describeRun(whole)}`);
  spec.beforeRepair?.(first);
  await tick(first);
  const reference = readFacts(first, join(first.base, 'scratch'));
  const calls = readCallPoints(log, first.dir);
  const points = calls.filter((point) => STORAGE_FILE.test(point.file));
  assert.ok(points.length > 0, `the run made no call on the database: ${calls.length} calls`);
  // The shim saw the syncs (else every cut would revert the card whole and prove nothing).
  assert.ok(
    points.some((point) => /^f(data)?sync$/.test(point.call) && point.file === 'state/watchdog.db-wal'),
    `the run synced no WAL: ${points.map((point) => point.call).join(' ')}`,
  );

  for (const mode of ['kill', 'power'] as const) {
    const repairs = new Map<string, Repair>();
    const cut = mode === 'kill' ? points : points.filter((point, index) => !sameCut(points[index - 1], point));
    const results = await onSlots(slots, cut, (slot, point) => runPoint(slot, spec, mode, point, reference, repairs));
    const violations = results.flatMap((result) =>
      result.violations.map((line) => `#${result.point.number} ${result.point.call} ${result.point.file}: ${line}`),
    );
    await faultCase(
      `p.${spec.id}.${mode}`,
      `${mode === 'kill' ? 'SIGKILL' : 'a power cut (the card as last synced, the folded file lost)'} at each of the ${points.length} calls on the database, WAL, journals and folded file of ${spec.what} (of ${calls.length} file-changing calls; the others are the WAL index and the lock's owner file)${mode === 'kill' ? '' : `, ${cut.length} distinct cuts (a plain write right after a plain write of the same commit cuts the same)`}, then a normal tick`,
      'after each: integrity ok; at most one copy of the app; a start or an `off` that took effect is on record and not undone; checks counted never exceed checks made (no run twice); off and gave-up as uninterrupted, failures at most one ahead',
      (seen: Observation) => {
        seen.note(
          'uninterrupted',
          `${reference.recoveries.length} recoveries, failures ${String(reference.failures)}, off ${String(reference.off)}, ${reference.checksInDb}+${reference.checksInMemory} checks`,
        );
        seen.note('repair ticks', `${repairs.size}, one per distinct state at the stop`);
        for (const line of groupResults(results)) seen.note(line);
        seen.note('violations', violations.length === 0 ? 'none' : violations.slice(0, 5));
        assert.deepEqual(violations, []);
      },
    );
  }
}

describe('fault injection: a kill or a power cut at every file-changing call', () => {
  it('a: a healthy tick whose run of unchanged checks reaches max_folded_checks (the flush)', async () => {
    await attackEveryPoint({
      id: 'a',
      what: 'a healthy tick that flushes a run of unchanged checks',
      prepare: async (slot) => {
        for (let index = 0; index < MAX_FOLDED; index += 1) {
          beat(slot, slot.appPid);
          await tick(slot);
        }
      },
      arrange: async (slot) => beat(slot, slot.appPid),
      beforeRepair: (slot) => beat(slot, slot.appPid),
      args: ['check'],
      checksMade: MAX_FOLDED + 2,
      repairChecks: true,
    });
  });

  it('b: a tick whose check fails and whose recovery kills the hung app and starts it', async () => {
    await attackEveryPoint({
      id: 'b',
      what: 'a tick that flushes a run, finds the app hung and recovers it (kill, start)',
      prepare: async (slot) => {
        for (let index = 0; index < 2; index += 1) {
          beat(slot, slot.appPid);
          await tick(slot);
        }
      },
      arrange: async (slot) => {
        const hung = await slot.ns.spawn(APP_ARGV, { cwd: slot.dir, detached: true });
        beat(slot, hung, { stale: true, identity: await identityOf(slot, hung) });
      },
      args: ['check'],
      checksMade: 4,
      repairChecks: true,
    });
  });

  it('c: `watchdog off app` on a running app', async () => {
    await attackEveryPoint({
      id: 'c',
      what: '`watchdog off app` on a running app with a run of unchanged checks waiting',
      prepare: async (slot) => {
        for (let index = 0; index < 2; index += 1) {
          beat(slot, slot.appPid);
          await tick(slot);
        }
      },
      arrange: async (slot) => {
        const app = await slot.ns.spawn(APP_ARGV, { cwd: slot.dir, detached: true });
        beat(slot, app, { identity: await identityOf(slot, app) });
      },
      args: ['off', 'app'],
      checksMade: 3,
    });
  });

  it('d: `watchdog on app` on an app that is off', async () => {
    await attackEveryPoint({
      id: 'd',
      what: '`watchdog on app` on an app turned off and stopped',
      prepare: async (slot) => {
        beat(slot, slot.appPid);
        await tick(slot);
        await tick(slot, ['off', 'app']);
      },
      arrange: async () => {},
      args: ['on', 'app'],
      checksMade: 2,
    });
  });
});
