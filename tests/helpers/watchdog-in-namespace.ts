// Helpers for end-to-end tests that run the built watchdog inside a PID namespace
// (tests/helpers/pid-namespace.ts) against the demo app: the config they share, the
// watchdog as a command, the audit database as rows, and waits that fail with a clear
// message instead of sleeping blindly.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type {
  CheckHistoryRow,
  ProcessStateRow,
  RecoveryActionRow,
  RecoveryWithActions,
} from '../../src/store/read-state.js';
import { readProcessStates } from '../../src/store/read-state.js';
import { runtimeDirOf } from '../../src/config/runtime-dir.js';
import {
  foldedGenerationOf,
  foldedOfGeneration,
  readFoldedFile,
  waitingHistoryRows,
  withFoldedChecks,
} from '../../src/store/folded-checks.js';
import { DEMO_APP, waitForIteration } from './demo-app.js';
import { startPidNamespace, type NsProcessState, type NsRunResult, type PidNamespace } from './pid-namespace.js';
import { WATCHDOG_BIN } from './run-watchdog.js';
import { makeTempDir } from './temp-dir.js';

const WAIT_LIMIT_MS = 15_000;

/** Single-quotes a word for /bin/sh. */
function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The demo app's start command as a user writes it in `commands.start`: `exec`, so the
 * PID the watchdog starts is the app's own. Relative `hb` resolves against the command's
 * working directory, the config's folder.
 */
export function demoAppCommand(key = 'app', extraArgs: readonly string[] = []): string {
  return [
    'exec',
    shellQuote(process.execPath),
    shellQuote(DEMO_APP),
    '--heartbeat-dir',
    'hb',
    '--key',
    key,
    '--interval-ms',
    '100',
    ...extraArgs,
  ].join(' ');
}

/** A cleanup script that records how it was called (`$WATCHDOG_ACTION` and its arguments) in `cleared.log`. */
export const CLEAR_DB_SCRIPT = 'printf \'%s %s\\n\' "$WATCHDOG_ACTION" "$*" >> cleared.log\n';

/**
 * Writes `dir/config.json` monitoring one demo app `app` (heartbeat `hb/app.json`, a
 * 1 s timeout, pipeline kill → clear_db → start) and `dir/clear-db.sh` for its
 * `clear_db`. `processFields` and `topLevel` override any key.
 */
export function writeRecoveryConfig(
  dir: string,
  processFields: Record<string, unknown> = {},
  topLevel: Record<string, unknown> = {},
): string {
  writeFileSync(join(dir, 'clear-db.sh'), CLEAR_DB_SCRIPT);
  const config = {
    consecutive_failures_threshold: 2,
    kill_timeout: 1,
    cleanup_timeout: 60,
    verify_delay: 0.5,
    cleanup_args: ['--force'],
    ...topLevel,
    processes: {
      app: {
        display_name: 'App',
        timeout_seconds: 1,
        heartbeat_path: 'hb/app.json',
        enabled: true,
        commands: { start: demoAppCommand(), clear_db: 'sh clear-db.sh' },
        recovery_actions: ['kill', 'clear_db', 'start'],
        ...processFields,
      },
    },
  };
  const path = join(dir, 'config.json');
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

/** A fresh folder with the config, a PID namespace, and the watchdog ready to run inside it. */
export interface Scenario {
  ns: PidNamespace;
  dir: string;
  configPath: string;
  dbPath: string;
  heartbeatPath: string;
  /** Where the watchdog appends the output of what it starts. */
  outputLog: string;
  watchdog: WatchdogRunner;
}

/**
 * Makes a temp folder with `writeRecoveryConfig(dir, processFields, topLevel)` in it and
 * a PID namespace; both go when the test ends (the namespace first).
 */
export async function startScenario(
  processFields: Record<string, unknown> = {},
  topLevel: Record<string, unknown> = {},
): Promise<Scenario> {
  const dir = makeTempDir('watchdog-recovery-');
  const configPath = writeRecoveryConfig(dir, processFields, topLevel);
  const ns = await startPidNamespace();
  return {
    ns,
    dir,
    configPath,
    dbPath: join(dir, 'watchdog.db'),
    heartbeatPath: join(dir, 'hb/app.json'),
    outputLog: join(dir, 'logs/app.out.log'),
    watchdog: watchdogIn(ns, configPath),
  };
}

/** What the watchdog's starts wrote to the output log, for failure messages. */
export function outputLogText(scenario: Pick<Scenario, 'outputLog'>): string {
  return existsSync(scenario.outputLog) ? readFileSync(scenario.outputLog, 'utf8') : '(no output log)';
}

/** Runs the built watchdog inside the namespace: `watchdog ARGS -c CONFIG`. */
export type WatchdogRunner = (
  args: readonly string[],
  env?: Record<string, string | undefined>,
) => Promise<NsRunResult>;

/**
 * The watchdog as cron or a person runs it inside `ns`, from `/` (cron's working
 * directory is not the config's folder, so relative paths must resolve against the config).
 */
export function watchdogIn(ns: PidNamespace, configPath: string): WatchdogRunner {
  return (args, env) => ns.run([process.execPath, WATCHDOG_BIN, ...args, '-c', configPath], { cwd: '/', env });
}

/** One cron tick that has nothing to say: exit 0, nothing printed. */
export async function quietTick(watchdog: WatchdogRunner, what: string): Promise<void> {
  const result = await watchdog(['check']);
  if (result.code !== 0 || result.stdout !== '' || result.stderr !== '') {
    throw new Error(`${what}: expected a quiet tick (exit 0, no output), got ${JSON.stringify(result)}`);
  }
}

function readDb<T>(dbPath: string, read: (db: Database.Database) => T): T {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Every recovery, oldest first, each with its actions in order. */
export function recoveriesIn(dbPath: string): RecoveryWithActions[] {
  return readDb(dbPath, (db) => {
    const actionsOf = db.prepare<[number], RecoveryActionRow>(
      'SELECT * FROM recovery_actions WHERE recovery_id = ? ORDER BY position',
    );
    return db
      .prepare<[], Omit<RecoveryWithActions, 'actions'>>('SELECT * FROM recoveries ORDER BY id')
      .all()
      .map((recovery) => ({ ...recovery, actions: actionsOf.all(recovery.id) }));
  });
}

/** Every check, oldest first: those waiting in memory included, a folded row once per check it stands for. */
export function checksIn(dbPath: string): CheckHistoryRow[] {
  // Read before the database, as `history` does: a flush in between is then seen as such.
  const waiting = readFoldedFile(foldedPathOf(dbPath), dbPath);
  return readDb(dbPath, (db) => {
    const rows = db.prepare<[], CheckHistoryRow>('SELECT * FROM check_history ORDER BY id').all();
    const folded = foldedOfGeneration(waiting, dbPath, foldedGenerationOf(db));
    const runs = waitingHistoryRows(folded, readProcessStates(db)).reverse();
    // A row that stands for a run of unchanged checks counts once per check.
    return [...rows, ...runs].flatMap((row) => Array.from({ length: row.check_count }, () => row));
  });
}

/** The process's `process_state` row, as `status` shows it: its last check may be one waiting in memory. */
export function processStateIn(dbPath: string, key = 'app'): ProcessStateRow | undefined {
  const waiting = readFoldedFile(foldedPathOf(dbPath), dbPath);
  return readDb(dbPath, (db) =>
    withFoldedChecks(readProcessStates(db), foldedOfGeneration(waiting, dbPath, foldedGenerationOf(db))).get(key),
  );
}

/** Where the watchdog keeps the database's unchanged checks by default (src/config/normalize-config.ts). */
function foldedPathOf(dbPath: string): string {
  return join(runtimeDirOf(), 'folded', encodeURIComponent(dbPath));
}

/** The row counts of the audit tables. */
export function rowCountsIn(dbPath: string): Record<string, number> {
  return readDb(dbPath, (db) =>
    Object.fromEntries(
      ['check_history', 'process_state', 'recoveries', 'recovery_actions'].map((table) => [
        table,
        db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${table}`).get()?.n ?? -1,
      ]),
    ),
  );
}

/** SHA-256 of a file's bytes, `absent` when there is no such file. */
export function hashFile(path: string): string {
  if (!existsSync(path)) return 'absent';
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * After a pipeline that started the app: its first heartbeat comes from the started PID,
 * the next tick finds it healthy, and it is the only copy running. Returns that PID.
 */
export async function assertHealthyAfterStart(scenario: Scenario, startedPid: number | null): Promise<number> {
  assert.ok(typeof startedPid === 'number' && startedPid > 1, `a started PID was recorded, got ${String(startedPid)}`);
  try {
    await waitForBeatOf(scenario.heartbeatPath, startedPid);
  } catch (error) {
    throw new Error(`the started app never beat; its output log:\n${outputLogText(scenario)}`, { cause: error });
  }
  await quietTick(scenario.watchdog, 'the tick after the start');
  const last = checksIn(scenario.dbPath).at(-1);
  assert.deepEqual(
    { health: last?.health, pid: last?.pid, failures: last?.consecutive_failures, action: last?.action_taken },
    { health: 'healthy', pid: startedPid, failures: 0, action: null },
  );
  assert.deepEqual(await liveDemoApps(scenario.ns), [startedPid], 'exactly one copy of the app runs: the one started');
  return startedPid;
}

/** The PIDs of live (non-zombie) demo apps with `--key key` in the namespace. */
export async function liveDemoApps(ns: PidNamespace, key = 'app'): Promise<number[]> {
  return (await ns.processes())
    .filter(
      (entry) =>
        entry.state !== 'Z' &&
        entry.cmdline.includes(DEMO_APP) &&
        entry.cmdline[entry.cmdline.indexOf('--key') + 1] === key,
    )
    .map((entry) => entry.pid);
}

/**
 * Starts the demo app inside the namespace as its own process group leader (as the
 * watchdog would start it), with the config's heartbeat folder, and waits for its first beat.
 * `env`: its environment, when not the test's (a clock of its own, say).
 */
export async function spawnDemoApp(
  ns: PidNamespace,
  dir: string,
  extraArgs: readonly string[] = [],
  env?: Record<string, string | undefined>,
): Promise<number> {
  const pid = await ns.spawn(
    [
      process.execPath,
      DEMO_APP,
      '--heartbeat-dir',
      join(dir, 'hb'),
      '--key',
      'app',
      '--interval-ms',
      '100',
      ...extraArgs,
    ],
    {
      cwd: dir,
      detached: true,
      outputPath: join(dir, 'first-instance.out.log'),
      ...(env === undefined ? {} : { env }),
    },
  );
  await waitForBeatOf(join(dir, 'hb/app.json'), pid);
  return pid;
}

interface BeatFields {
  pid?: unknown;
  timestamp?: unknown;
  iteration?: unknown;
}

function readBeat(path: string): BeatFields | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as BeatFields;
  } catch {
    return undefined; // not there (yet), or mid-rename
  }
}

/** Waits until the heartbeat at `path` was written by `pid` (iteration 1 or more). */
export async function waitForBeatOf(path: string, pid: number): Promise<void> {
  await waitForIteration(path, 1, WAIT_LIMIT_MS);
  await waitFor(`a heartbeat from PID ${pid} in ${path}`, () => readBeat(path)?.pid === pid);
}

/**
 * Waits until the heartbeat at `path` is older than `timeoutSeconds` (plus a margin):
 * from then on every check finds it timed out. The app must have stopped beating.
 */
export async function waitUntilStale(path: string, timeoutSeconds: number): Promise<void> {
  await waitFor(`the heartbeat ${path} to be older than ${timeoutSeconds}s`, () => {
    const timestamp = readBeat(path)?.timestamp;
    const writtenMs = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
    return !Number.isNaN(writtenMs) && Date.now() - writtenMs > timeoutSeconds * 1000 + 100;
  });
}

/** Asserts that a PID inside the namespace has exited (reaped, or a zombie nobody reaps). */
export async function assertGone(ns: PidNamespace, pid: number, what: string): Promise<void> {
  const state = await ns.state(pid);
  assert.ok(state === 'dead' || state === 'zombie', `${what} (PID ${pid}) is gone, but it is ${state}`);
}

/** Waits until a PID inside the namespace is in one of `states`; returns the state. */
export async function waitForState(
  ns: PidNamespace,
  pid: number,
  states: readonly NsProcessState[],
): Promise<NsProcessState> {
  let state: NsProcessState | undefined;
  await waitFor(
    () => `PID ${pid} to be ${states.join(' or ')} (last seen ${state ?? '?'})`,
    async () => {
      state = await ns.state(pid);
      return states.includes(state);
    },
  );
  return state ?? 'dead';
}

/** Polls `condition` until it holds; throws after 15 s. A bounded wait, not a timing assertion. */
export async function waitFor(
  what: string | (() => string),
  condition: () => boolean | Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`gave up after ${WAIT_LIMIT_MS / 1000}s waiting for ${typeof what === 'string' ? what : what()}`);
    await sleep(20);
  }
}
