// Fault injection: a watchdog stopped mid-run. SIGTERM (systemd's stop and timeout), SIGINT
// (Ctrl-C) and SIGHUP (a closed SSH session) delivered to the built watchdog at precise
// moments, each made precise by a fixture that says when it is there (a start command that
// writes its PID, a cleanup that writes its own, the uplink seen down, the log saying the
// lock is awaited), and SIGKILL at the same moments followed by a normal tick that repairs.
// Everything runs inside a PID namespace; the bounce cases in network namespaces of their own.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { NetworkEventRow } from '../../src/network/store/read-network-events.js';
import type { NetworkStateRow } from '../../src/network/store/read-network-state.js';
import { createServer, type IncomingMessage } from 'node:http';
import { listenOnFreePort } from '../helpers/free-port.js';
import { createNetworkPair, type NetworkPair } from '../helpers/network-namespace.js';
import { WATCHDOG_BIN } from '../helpers/run-watchdog.js';
import { waitFor } from '../helpers/watchdog-in-namespace.js';
import type { NsRunResult } from '../helpers/pid-namespace.js';
import { faultCase, type Observation } from './report.js';
import {
  actionOutcomes,
  assertBystandersUntouched,
  bystanderReport,
  describeBystanders,
  describeRun,
  processRowOf,
  recoveriesOf,
  startFaultWorld,
  writeFaultConfig,
  type FaultWorld,
} from './fault-scenario.js';

const RECORD_RUN = fileURLToPath(new URL('fixtures/record-run.mjs', import.meta.url));

/** A start command that says it started (its PID, one line per start, in starts.log), then runs as that PID. */
const PID_START = `printf '%s\\n' "$$" >> starts.log; exec sleep 300`;

/** A cleanup that says it runs (its PID in cleanup.pid, its child's in grandchild.pid), then waits on that child. */
const SLOW_CLEANUP = `sh -c 'echo $$ > grandchild.pid; exec sleep 300' & echo $$ > cleanup.pid; wait`;

/** How a run in the background ended. */
interface Ended {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** The watchdog run in the background, so a case can signal it at the moment it chooses. */
interface BackgroundRun {
  /** The watchdog's PID inside the namespace. */
  pid: number;
  /** Resolves when it has ended, with how long after `since` (ms since the epoch) it was seen gone. */
  ended(since?: number): Promise<Ended & { afterMs: number }>;
}

let runs = 0;

/** Starts `watchdog ARGS -c CONFIG` in the namespace (through `wrapper`), recorded by record-run.mjs. */
async function startWatchdog(
  world: FaultWorld,
  args: readonly string[],
  wrapper: readonly string[] = [],
): Promise<BackgroundRun> {
  const out = join(world.dir, `run-${(runs += 1)}`);
  mkdirSync(out);
  await world.ns.spawn(
    [...wrapper, process.execPath, RECORD_RUN, out, process.execPath, WATCHDOG_BIN, ...args, '-c', world.configPath],
    { cwd: '/' },
  );
  await waitFor(`the watchdog (${args.join(' ')}) to start`, () => existsSync(join(out, 'pid')));
  return {
    pid: Number(readFileSync(join(out, 'pid'), 'utf8')),
    ended: async (since = Date.now()) => {
      await waitFor(`the watchdog (${args.join(' ')}) to end`, () => existsSync(join(out, 'exit')));
      const afterMs = Date.now() - since;
      const { code, signal } = JSON.parse(readFileSync(join(out, 'exit'), 'utf8')) as {
        code: number | null;
        signal: string | null;
      };
      return {
        code,
        signal,
        stdout: readFileSync(join(out, 'stdout'), 'utf8'),
        stderr: readFileSync(join(out, 'stderr'), 'utf8'),
        afterMs,
      };
    },
  };
}

/** Signals the watchdog and waits for it to end. */
async function stopWith(
  world: FaultWorld,
  run: BackgroundRun,
  signal: NodeJS.Signals,
): Promise<Ended & { afterMs: number }> {
  const since = Date.now();
  await world.ns.signal(run.pid, signal);
  return run.ended(since);
}

function fileLines(path: string): string[] {
  return existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
    : [];
}

function pidIn(path: string): number {
  const pid = Number(readFileSync(path, 'utf8').trim());
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new Error(`no PID in ${path}`);
  return pid;
}

/**
 * Whether the file at `path` holds a PID yet: `echo $$ > FILE` creates the file before it
 * writes to it, so a file that exists may still be empty (read as PID 0 under load).
 */
function pidWritten(path: string): boolean {
  return existsSync(path) && /^\d+\s*$/.test(readFileSync(path, 'utf8'));
}

/** One app `app` with no heartbeat yet (so the first check recovers it), started by `start`. */
function writeAppConfig(
  world: FaultWorld,
  fields: Record<string, unknown> = {},
  topLevel: Record<string, unknown> = {},
): void {
  writeFaultConfig(
    world.dir,
    { app: { heartbeat_path: 'app.json', commands: { start: PID_START }, start_grace_seconds: 120, ...fields } },
    { consecutive_failures_threshold: 1, verify_delay: 60, ...topLevel },
  );
}

/**
 * Runs `check` until one takes the lock and runs: a watchdog killed by SIGKILL leaves its
 * lock until the lock's own staleness rule (or the kernel) frees it, and a tick that finds
 * it held does nothing, by design. Notes how long that took.
 */
async function tickUntilItRuns(
  world: FaultWorld,
  seen: Observation,
  wrapper: readonly string[] = [],
): Promise<NsRunResult> {
  const since = Date.now();
  for (let tries = 1; ; tries += 1) {
    const tick = await world.watchdog(['check', '--verbose'], { wrapper });
    if (!tick.stdout.includes('nothing done') || Date.now() - since > 60_000) {
      seen.note(
        'the next tick ran after',
        `${tries} tick(s), ${Math.round((Date.now() - since) / 1000)}s (the killed run's lock)`,
      );
      return tick;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Everything the watchdog's log files hold so far (log_dir `logs`, beside the config). */
function logText(world: FaultWorld): string {
  const logs = join(world.dir, 'logs');
  return existsSync(logs)
    ? readdirSync(logs)
        .map((name) => readFileSync(join(logs, name), 'utf8'))
        .join('')
    : '';
}

function lastCheck(dbPath: string): { health: string } | undefined {
  return readDb(dbPath, (db) =>
    db.prepare<[], { health: string }>('SELECT health FROM check_history ORDER BY id DESC LIMIT 1').get(),
  );
}

function firstErrLine(run: Ended): string {
  return (
    run.stderr.split('\n').find((line) => line.includes('interrupted') || line.includes('stopped by')) ??
    run.stderr.split('\n')[0] ??
    ''
  );
}

describe('fault injection: a watchdog stopped mid-run', () => {
  it("SIGTERM during a start's verify_delay: the app is recorded and left running; no second copy", () =>
    faultCase(
      'u.1',
      'SIGTERM to `check` while the start command it launched is in its verify_delay (60 s); then a tick and `on`',
      'exit 1 within seconds; the app alive, never signalled, its PID recorded as started_pid; recovery `interrupted` with start ok; the next tick records `starting`; `on` starts no second copy',
      async (seen) => {
        const world = await startFaultWorld('int-verify');
        writeAppConfig(world);
        const run = await startWatchdog(world, ['check']);
        await waitFor(
          'the start command to write its PID',
          () => fileLines(join(world.dir, 'starts.log')).length === 1,
        );
        const appPid = Number(fileLines(join(world.dir, 'starts.log'))[0]);
        const ended = await stopWith(world, run, 'SIGTERM');
        const row = processRowOf(world.dbPath, 'app');
        const recovery = recoveriesOf(world.dbPath).at(-1);
        seen.note('check', `exit ${String(ended.code)} ${ended.afterMs}ms after SIGTERM`);
        seen.note('stderr', firstErrLine(ended));
        seen.note('recovery', `${recovery?.outcome ?? 'none'} (${actionOutcomes(recovery).join(', ')})`);
        seen.note('started_pid', row?.started_pid);
        const appState = await world.ns.state(appPid);
        seen.note('app', appState);
        const tick = await world.watchdog(['check']);
        const health = lastCheck(world.dbPath);
        seen.note('next tick', `${describeRun(tick)}, ${health?.health ?? 'none'}`);
        const on = await world.watchdog(['on', 'app']);
        seen.note('on', `${describeRun(on)}: ${on.stdout.trim()}`);
        const starts = fileLines(join(world.dir, 'starts.log'));
        seen.note('starts', starts.length);
        const bystanders = await bystanderReport(world);
        seen.note(describeBystanders(bystanders));

        assert.equal(ended.code, 1, 'an interrupted run did not do what was asked');
        assert.ok(ended.afterMs < 10_000, 'it ended within seconds');
        assert.match(ended.stderr, /interrupted by SIGTERM during the recovery of app/);
        assert.equal(appState, 'alive', 'the app is never killed by the interruption');
        assert.equal(row?.started_pid, appPid, 'the instance is recorded');
        assert.equal(recovery?.outcome, 'interrupted');
        assert.deepEqual(actionOutcomes(recovery), ['kill: nothing_to_kill', 'start: ok']);
        assert.equal(health?.health, 'starting');
        assert.equal(tick.code, 0);
        assert.match(on.stdout, /already starting/);
        assert.deepEqual(starts, [String(appPid)], 'one start only');
        assertBystandersUntouched(bystanders);
      },
    ));

  it("SIGKILL during a start's verify_delay: the next tick and `on` start no second copy", () =>
    faultCase(
      'u.2',
      'SIGKILL to `check` while the start command it launched is in its verify_delay; then a tick and `on`',
      'the app alive and recorded before the kill; the next tick marks the recovery `interrupted` and records `starting`; `on` starts no second copy',
      async (seen) => {
        const world = await startFaultWorld('kill-verify');
        writeAppConfig(world);
        const run = await startWatchdog(world, ['check']);
        await waitFor(
          'the start command to write its PID',
          () => fileLines(join(world.dir, 'starts.log')).length === 1,
        );
        const appPid = Number(fileLines(join(world.dir, 'starts.log'))[0]);
        // The moment: the watchdog has taken in the spawn (its log says so) and is in verify_delay.
        await waitFor('the watchdog to say it watches the start', () =>
          logText(world).includes(`start: PID ${appPid} spawned and recorded`),
        );
        const ended = await stopWith(world, run, 'SIGKILL');
        seen.note('check', ended.signal === null ? `exit ${String(ended.code)}` : `killed by ${ended.signal}`);
        const row = processRowOf(world.dbPath, 'app');
        seen.note('started_pid after the kill', row?.started_pid);
        const tick = await tickUntilItRuns(world, seen);
        const recovery = recoveriesOf(world.dbPath).at(-1);
        const health = lastCheck(world.dbPath);
        seen.note(
          'next tick',
          `${describeRun(tick)}, ${health?.health ?? 'none'}; recovery ${recovery?.outcome ?? 'none'}`,
        );
        const on = await world.watchdog(['on', 'app']);
        seen.note('on', `${describeRun(on)}: ${on.stdout.trim()}`);
        const starts = fileLines(join(world.dir, 'starts.log'));
        const appState = await world.ns.state(appPid);
        seen.note('starts', starts.length);
        seen.note('app', appState);

        assert.equal(ended.signal, 'SIGKILL');
        assert.equal(row?.started_pid, appPid, 'recorded before verify_delay, so before the kill');
        assert.equal(recovery?.outcome, 'interrupted');
        assert.equal(health?.health, 'starting');
        assert.match(on.stdout, /already starting/);
        assert.deepEqual(starts, [String(appPid)], 'one start only');
        assert.equal(appState, 'alive');
      },
    ));

  it('SIGTERM during a cleanup script: its whole tree stopped, the recovery marked, no start', () =>
    faultCase(
      'u.3',
      'SIGTERM to `check` while a clear_db script (and a child in its process group) runs; cleanup_timeout 60 s',
      'exit 1 within seconds; the script and its child gone (its process tree stopped); clear_db recorded failed (interrupted), start skipped, recovery `interrupted`',
      async (seen) => {
        const world = await startFaultWorld('int-cleanup');
        writeAppConfig(
          world,
          { commands: { start: PID_START, clear_db: SLOW_CLEANUP }, recovery_actions: ['kill', 'clear_db', 'start'] },
          { cleanup_timeout: 60 },
        );
        const run = await startWatchdog(world, ['check']);
        await waitFor(
          'the cleanup and its child to start',
          () => pidWritten(join(world.dir, 'cleanup.pid')) && pidWritten(join(world.dir, 'grandchild.pid')),
        );
        const cleanupPid = pidIn(join(world.dir, 'cleanup.pid'));
        const childPid = pidIn(join(world.dir, 'grandchild.pid'));
        const ended = await stopWith(world, run, 'SIGTERM');
        const recovery = recoveriesOf(world.dbPath).at(-1);
        const clearDb = recovery?.actions.find((action) => action.action === 'clear_db');
        // Gone means dead or a zombie the namespace's init has yet to reap.
        const gone = async (pid: number): Promise<boolean> => ['dead', 'zombie'].includes(await world.ns.state(pid));
        await waitFor(
          'the cleanup group to be gone',
          async () => (await gone(cleanupPid)) && (await gone(childPid)),
        ).catch(() => undefined);
        const states = [await world.ns.state(cleanupPid), await world.ns.state(childPid)];
        seen.note('check', `exit ${String(ended.code)} ${ended.afterMs}ms after SIGTERM`);
        seen.note('cleanup and its child', states);
        seen.note('recovery', `${recovery?.outcome ?? 'none'} (${actionOutcomes(recovery).join(', ')})`);
        seen.note('clear_db', clearDb?.detail ?? 'none');
        seen.note('starts', fileLines(join(world.dir, 'starts.log')).length);

        assert.equal(ended.code, 1);
        assert.ok(ended.afterMs < 10_000, 'it ended within seconds');
        assert.ok(
          states.every((state) => state === 'dead' || state === 'zombie'),
          'the cleanup group was stopped',
        );
        assert.equal(recovery?.outcome, 'interrupted');
        assert.deepEqual(actionOutcomes(recovery), ['kill: nothing_to_kill', 'clear_db: failed', 'start: skipped']);
        assert.match(
          clearDb?.detail ?? '',
          /^interrupted after .*: the watchdog was asked to stop; its process tree was stopped/,
        );
        assert.deepEqual(fileLines(join(world.dir, 'starts.log')), [], 'nothing started after the interruption');
      },
    ));

  it('a second SIGTERM during the clean-up is ignored', () =>
    faultCase(
      'u.4',
      'SIGTERM to `check` during a clear_db that ignores SIGTERM (so the group stop takes its grace), then a second SIGTERM 100 ms later',
      'the second signal is said to be ignored; exit 1 (not killed by the signal); the recovery closed `interrupted`; the script gone',
      async (seen) => {
        const world = await startFaultWorld('int-twice');
        const stubborn = `trap '' TERM; echo $$ > cleanup.pid; while :; do sleep 0.1; done`;
        writeAppConfig(world, {
          commands: { start: PID_START, clear_db: stubborn },
          recovery_actions: ['kill', 'clear_db', 'start'],
        });
        const run = await startWatchdog(world, ['check']);
        await waitFor('the cleanup to start', () => pidWritten(join(world.dir, 'cleanup.pid')));
        const cleanupPid = pidIn(join(world.dir, 'cleanup.pid'));
        const since = Date.now();
        await world.ns.signal(run.pid, 'SIGTERM');
        await new Promise((resolve) => setTimeout(resolve, 100));
        await world.ns.signal(run.pid, 'SIGTERM');
        const ended = await run.ended(since);
        const recovery = recoveriesOf(world.dbPath).at(-1);
        const cleanupState = await world.ns.state(cleanupPid);
        seen.note(
          'check',
          ended.signal === null
            ? `exit ${String(ended.code)} ${ended.afterMs}ms after the first SIGTERM`
            : `killed by ${ended.signal}`,
        );
        seen.note('stderr', ended.stderr.trim().split('\n'));
        seen.note('recovery', recovery?.outcome ?? 'none');
        seen.note('cleanup', cleanupState);

        assert.equal(ended.signal, null);
        assert.equal(ended.code, 1);
        assert.match(ended.stderr, /SIGTERM ignored: already stopping after SIGTERM/);
        assert.equal(recovery?.outcome, 'interrupted');
        assert.ok(cleanupState === 'dead' || cleanupState === 'zombie', 'the script was stopped');
      },
    ));

  it('SIGINT during `restart` by hand: the start recorded, the app left running', () =>
    faultCase(
      'u.5',
      'SIGINT (Ctrl-C) to `restart app` while its start is in verify_delay; then `on`',
      'exit 1; stderr says the restart was interrupted; the app alive and recorded; `on` starts no second copy',
      async (seen) => {
        const world = await startFaultWorld('int-restart');
        writeAppConfig(world);
        const run = await startWatchdog(world, ['restart', 'app']);
        await waitFor(
          'the start command to write its PID',
          () => fileLines(join(world.dir, 'starts.log')).length === 1,
        );
        const appPid = Number(fileLines(join(world.dir, 'starts.log'))[0]);
        const ended = await stopWith(world, run, 'SIGINT');
        const row = processRowOf(world.dbPath, 'app');
        const recovery = recoveriesOf(world.dbPath).at(-1);
        seen.note('restart', `exit ${String(ended.code)} ${ended.afterMs}ms after SIGINT`);
        seen.note('stderr', ended.stderr.trim().split('\n'));
        seen.note('recovery', `${recovery?.kind ?? ''} ${recovery?.outcome ?? 'none'}`);
        seen.note('started_pid', row?.started_pid);
        const on = await world.watchdog(['on', 'app']);
        seen.note('on', `${describeRun(on)}: ${on.stdout.trim()}`);
        const starts = fileLines(join(world.dir, 'starts.log'));
        const appState = await world.ns.state(appPid);
        seen.note('starts', starts.length);
        seen.note('app', appState);

        assert.equal(ended.code, 1);
        assert.ok(ended.afterMs < 10_000);
        assert.match(ended.stderr, /restart: interrupted by SIGINT/);
        assert.equal(recovery?.outcome, 'interrupted');
        assert.equal(row?.started_pid, appPid);
        assert.match(on.stdout, /already starting/);
        assert.deepEqual(starts, [String(appPid)]);
        assert.equal(appState, 'alive');
      },
    ));

  it('SIGTERM during `on` by hand: the start recorded; the next tick starts no second copy', () =>
    faultCase(
      'u.10',
      'SIGTERM to `on app` (the app off) while its start is in verify_delay; then a tick',
      'exit 1; `on` cleared `off` and the app is alive and recorded; the next tick records `starting` and starts nothing',
      async (seen) => {
        const world = await startFaultWorld('int-on');
        writeAppConfig(world);
        const off = await world.watchdog(['off', 'app']);
        seen.note('off', describeRun(off));
        const run = await startWatchdog(world, ['on', 'app']);
        await waitFor(
          'the start command to write its PID',
          () => fileLines(join(world.dir, 'starts.log')).length === 1,
        );
        const appPid = Number(fileLines(join(world.dir, 'starts.log'))[0]);
        const ended = await stopWith(world, run, 'SIGTERM');
        const row = processRowOf(world.dbPath, 'app');
        seen.note('on', `exit ${String(ended.code)} ${ended.afterMs}ms after SIGTERM`);
        seen.note('stderr', firstErrLine(ended));
        seen.note('off_since', row?.off_since ?? null);
        seen.note('started_pid', row?.started_pid);
        const tick = await world.watchdog(['check']);
        const health = lastCheck(world.dbPath);
        seen.note('next tick', `${describeRun(tick)}, ${health?.health ?? 'none'}`);
        const starts = fileLines(join(world.dir, 'starts.log'));
        const appState = await world.ns.state(appPid);
        seen.note('starts', starts.length);
        seen.note('app', appState);

        assert.equal(off.code, 0);
        assert.equal(ended.code, 1);
        assert.ok(ended.afterMs < 10_000);
        assert.match(ended.stderr, /on: interrupted by SIGTERM/);
        assert.equal(row?.off_since ?? null, null, '`on` cleared off before it started the app');
        assert.equal(row?.started_pid, appPid);
        assert.equal(health?.health, 'starting');
        assert.deepEqual(starts, [String(appPid)], 'one start only');
        assert.equal(appState, 'alive');
      },
    ));

  it('SIGHUP during `off` waiting for the lock: nothing done, exit 1 at once', () =>
    faultCase(
      'u.6',
      'SIGHUP (SSH session closed) to `off app --wait 60` while it waits for the lock a running tick holds',
      'exit 1 within seconds saying it was stopped while waiting for the lock; `off` not recorded; the tick holding the lock unaffected',
      async (seen) => {
        const world = await startFaultWorld('int-lockwait');
        writeAppConfig(world);
        const tick = await startWatchdog(world, ['check']);
        await waitFor(
          'the tick to be in its start (holding the lock)',
          () => fileLines(join(world.dir, 'starts.log')).length === 1,
        );
        const off = await startWatchdog(world, ['off', 'app', '--wait', '60']);
        await waitFor('`off` to say it waits for the lock', () => /waiting up to 60s for it/.test(logText(world)));
        const ended = await stopWith(world, off, 'SIGHUP');
        const row = processRowOf(world.dbPath, 'app');
        seen.note('off', `exit ${String(ended.code)} ${ended.afterMs}ms after SIGHUP`);
        seen.note('stderr', firstErrLine(ended));
        seen.note('off_since', row?.off_since ?? null);
        const tickEnded = await stopWith(world, tick, 'SIGTERM');
        seen.note('the tick', `exit ${String(tickEnded.code)}`);

        assert.equal(ended.code, 1);
        assert.ok(ended.afterMs < 5_000);
        assert.match(ended.stderr, /stopped by SIGHUP while waiting for the lock .*; nothing was done/);
        assert.equal(row?.off_since ?? null, null, 'off was not recorded');
        assert.equal(tickEnded.code, 1);
      },
    ));

  it('SIGKILL during a cleanup script: the next tick marks the recovery and recovers', () =>
    faultCase(
      'u.7',
      'SIGKILL to `check` while a clear_db script runs; then a normal tick',
      'the next tick marks the recovery `interrupted` and runs a new one that starts the app once',
      async (seen) => {
        const world = await startFaultWorld('kill-cleanup');
        // The first cleanup waits for a file that never comes; the next one (after the kill) does not.
        writeFileSync(join(world.dir, 'cleanup-first.sh'), 'echo $$ > cleanup.pid; exec sleep 300\n');
        writeAppConfig(
          world,
          {
            commands: { start: PID_START, clear_db: 'if [ -e cleanup.pid ]; then exit 0; fi; sh cleanup-first.sh' },
            recovery_actions: ['kill', 'clear_db', 'start'],
          },
          { verify_delay: 0.2 },
        );
        const run = await startWatchdog(world, ['check']);
        await waitFor('the cleanup to start', () => pidWritten(join(world.dir, 'cleanup.pid')));
        const ended = await stopWith(world, run, 'SIGKILL');
        seen.note('check', ended.signal === null ? `exit ${String(ended.code)}` : `killed by ${ended.signal}`);
        const tick = await tickUntilItRuns(world, seen);
        const recoveries = recoveriesOf(world.dbPath);
        seen.note('next tick', describeRun(tick));
        seen.note(
          'recoveries',
          recoveries.map((recovery) => `${recovery.outcome} (${actionOutcomes(recovery).join(', ')})`),
        );
        const starts = fileLines(join(world.dir, 'starts.log'));
        seen.note('starts', starts.length);

        assert.equal(ended.signal, 'SIGKILL');
        assert.equal(recoveries[0]?.outcome, 'interrupted');
        assert.match(recoveries[0]?.detail ?? '', /stopped before this recovery ended/);
        assert.equal(recoveries[1]?.outcome, 'succeeded');
        assert.equal(starts.length, 1);
      },
    ));

  it('SIGTERM during a command health probe: its tree stopped, the check not counted, no recovery', () =>
    faultCase(
      'u.10',
      'SIGTERM to `check` while the `health` command probe (alone, threshold 1, a 30 s timeout) it runs waits on a child of its own',
      'exit 1 within seconds; the probe and its child gone; the check `check_error` (not counted: 0 failures); no recovery, no start',
      async (seen) => {
        const world = await startFaultWorld('int-probe');
        writeFaultConfig(
          world.dir,
          {
            app: {
              health: {
                type: 'command',
                command: 'sleep 300 & echo $! > probe-child.pid; echo $$ > probe.pid; wait',
                timeout_seconds: 30,
              },
              commands: { start: PID_START },
            },
          },
          { consecutive_failures_threshold: 1 },
        );
        const run = await startWatchdog(world, ['check']);
        await waitFor(
          'the probe and its child to write their PIDs',
          () => pidWritten(join(world.dir, 'probe.pid')) && pidWritten(join(world.dir, 'probe-child.pid')),
        );
        const probe = pidIn(join(world.dir, 'probe.pid'));
        const child = pidIn(join(world.dir, 'probe-child.pid'));
        const ended = await stopWith(world, run, 'SIGTERM');
        const states = [await world.ns.state(probe), await world.ns.state(child)];
        const check = readDb(world.dbPath, (db) =>
          db
            .prepare<[], { health: string; consecutive_failures: number; reason: string }>(
              'SELECT health, consecutive_failures, reason FROM check_history ORDER BY id DESC LIMIT 1',
            )
            .get(),
        );
        seen.note('check', `exit ${String(ended.code)} ${ended.afterMs}ms after SIGTERM`);
        seen.note('stderr', firstErrLine(ended));
        seen.note('probe, its child', states.join(', '));
        seen.note('recorded', `${check?.health ?? 'none'}, ${String(check?.consecutive_failures)} failures`);
        seen.note('recoveries', recoveriesOf(world.dbPath).length);
        const bystanders = await bystanderReport(world);
        seen.note(describeBystanders(bystanders));

        assert.equal(ended.code, 1, 'an interrupted run did not do what was asked');
        assert.ok(ended.afterMs < 10_000, 'it ended within seconds, not at the probe timeout');
        assert.match(ended.stderr, /interrupted by SIGTERM while checking/);
        // Gone means dead or a zombie the namespace's init has yet to reap.
        assert.ok(
          states.every((state) => state === 'dead' || state === 'zombie'),
          `the probe and its child are stopped: ${states.join(', ')}`,
        );
        assert.equal(check?.health, 'check_error');
        assert.equal(check?.consecutive_failures, 0);
        assert.match(check?.reason ?? '', /^the watchdog was asked to stop while probing; not counted \(command /);
        assert.equal(recoveriesOf(world.dbPath).length, 0);
        assert.deepEqual(fileLines(join(world.dir, 'starts.log')), [], 'nothing started');
        assertBystandersUntouched(bystanders);
      },
    ));

  it('SIGTERM during an HTTP health probe that gets no answer: the run ends at once, the check not counted', () =>
    faultCase(
      'u.10',
      'SIGTERM to `check` while its `http` health probe (alone, threshold 1, a 30 s timeout) waits on a loopback server that never answers',
      'exit 1 within seconds, not at the probe timeout; the check `check_error` (not counted: 0 failures); no recovery, no start',
      async (seen) => {
        const requests: IncomingMessage[] = [];
        const server = createServer((request) => requests.push(request));
        const port = await listenOnFreePort(server);
        try {
          const world = await startFaultWorld('int-http-probe');
          writeFaultConfig(
            world.dir,
            {
              app: {
                health: { type: 'http', url: `http://127.0.0.1:${port}/health`, timeout_seconds: 30 },
                commands: { start: PID_START },
              },
            },
            { consecutive_failures_threshold: 1 },
          );
          const run = await startWatchdog(world, ['check']);
          await waitFor('the probe to send its request', () => requests.length === 1);
          const ended = await stopWith(world, run, 'SIGTERM');
          const check = readDb(world.dbPath, (db) =>
            db
              .prepare<[], { health: string; consecutive_failures: number; reason: string }>(
                'SELECT health, consecutive_failures, reason FROM check_history ORDER BY id DESC LIMIT 1',
              )
              .get(),
          );
          seen.note('check', `exit ${String(ended.code)} ${ended.afterMs}ms after SIGTERM`);
          seen.note('stderr', firstErrLine(ended));
          seen.note('recorded', `${check?.health ?? 'none'}, ${String(check?.consecutive_failures)} failures`);
          seen.note('reason', check?.reason ?? 'none');
          seen.note('recoveries', recoveriesOf(world.dbPath).length);

          assert.equal(ended.code, 1, 'an interrupted run did not do what was asked');
          assert.ok(ended.afterMs < 10_000, 'it ended within seconds, not at the probe timeout');
          assert.match(ended.stderr, /interrupted by SIGTERM while checking/);
          assert.equal(check?.health, 'check_error');
          assert.equal(check?.consecutive_failures, 0);
          assert.match(check?.reason ?? '', /^the watchdog was asked to stop while probing; not counted \(http /);
          assert.equal(recoveriesOf(world.dbPath).length, 0);
          assert.deepEqual(fileLines(join(world.dir, 'starts.log')), [], 'nothing started');
        } finally {
          server.closeAllConnections();
          server.close();
        }
      },
    ));

  it('SIGINT during `check --dry-run` while an HTTP health probe waits: the dry run ends at once', () =>
    faultCase(
      'u.10',
      'SIGINT (Ctrl-C) to `check --dry-run` while its `http` health probe (a 30 s timeout) waits on a loopback server that never answers',
      'it ends within seconds, not at the probe timeout; nothing recorded',
      async (seen) => {
        const requests: IncomingMessage[] = [];
        const server = createServer((request) => requests.push(request));
        const port = await listenOnFreePort(server);
        try {
          const world = await startFaultWorld('int-dry-probe');
          writeFaultConfig(world.dir, {
            app: {
              health: { type: 'http', url: `http://127.0.0.1:${port}/health`, timeout_seconds: 30 },
              commands: { start: PID_START },
            },
          });
          const run = await startWatchdog(world, ['check', '--dry-run']);
          await waitFor('the probe to send its request', () => requests.length === 1);
          const ended = await stopWith(world, run, 'SIGINT');
          seen.note('dry run', `exit ${String(ended.code)} ${ended.afterMs}ms after SIGINT`);
          seen.note('stdout', ended.stdout.trim().split('\n').at(-1) ?? '');

          assert.ok(ended.afterMs < 10_000, 'it ended within seconds, not at the probe timeout');
          assert.match(ended.stdout, /app: check_error \(the watchdog was asked to stop while probing; not counted/);
          assert.equal(existsSync(world.dbPath), false, 'nothing recorded');
        } finally {
          server.closeAllConnections();
          server.close();
        }
      },
    ));
});

interface UplinkWorld {
  world: FaultWorld;
  pair: NetworkPair;
}

async function startUplinkWorld(prefix: string, network: Record<string, unknown>): Promise<UplinkWorld> {
  // First: the PID namespace's mount namespace sees only the network namespaces made before it.
  const pair = createNetworkPair();
  const world = await startFaultWorld(prefix);
  const configfs = join(world.dir, 'configfs');
  mkdirSync(configfs);
  writeFaultConfig(
    world.dir,
    {},
    {
      network: {
        interface: pair.deviceInterface,
        consecutive_failures_threshold: 1,
        interval_minutes: 10,
        configfs_root: configfs,
        ladder: [{ type: 'bounce', down_seconds: 120, settle_seconds: 0.3 }],
        ...network,
      },
    },
  );
  // No address: the uplink is failing (no_ipv4), so the first tick climbs the ladder.
  pair.ip(pair.device, 'addr', 'flush', 'dev', pair.deviceInterface);
  return { world, pair };
}

/** Whether the uplink is administratively up, as `ip link` shows its flags. */
function linkIsUp(pair: NetworkPair): boolean {
  const flags = /<([^>]*)>/.exec(pair.ip(pair.device, 'link', 'show', 'dev', pair.deviceInterface))?.[1] ?? '';
  return flags.split(',').includes('UP');
}

function readDb<T>(dbPath: string, read: (db: Database.Database) => T): T {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

function eventsOf(dbPath: string): string[] {
  return readDb(dbPath, (db) => db.prepare<[], NetworkEventRow>('SELECT * FROM network_events ORDER BY id').all()).map(
    (event) => `${event.kind}/${event.outcome ?? '-'}${event.rung === null ? '' : `(${event.rung})`}`,
  );
}

function stateOf(dbPath: string, name: string): NetworkStateRow | undefined {
  return readDb(dbPath, (db) =>
    db.prepare<[string], NetworkStateRow>('SELECT * FROM network_state WHERE interface = ?').get(name),
  );
}

describe('fault injection: a watchdog stopped while a bounce has the uplink down', () => {
  it('SIGTERM with the link down: set up again, the run closed `interrupted` and counted', () =>
    faultCase(
      'u.8',
      'SIGTERM to `check` while a bounce rung (down_seconds 120) has the veth uplink down; then a tick within interval_minutes',
      'exit 1 within seconds; the uplink up again; ladder_end `interrupted`, failed_ladder_runs 1; the next tick waits for interval_minutes (the run counted)',
      async (seen) => {
        const { world, pair } = await startUplinkWorld('int-bounce', {});
        const run = await startWatchdog(world, ['check'], pair.execArgv(pair.device, []));
        await waitFor('the bounce to set the uplink down', () => !linkIsUp(pair));
        const ended = await stopWith(world, run, 'SIGTERM');
        const up = linkIsUp(pair);
        const state = stateOf(world.dbPath, pair.deviceInterface);
        seen.note('check', `exit ${String(ended.code)} ${ended.afterMs}ms after SIGTERM`);
        seen.note('uplink administratively up', up);
        seen.note('events', eventsOf(world.dbPath));
        seen.note('failed_ladder_runs', state?.failed_ladder_runs);
        const next = await world.watchdog(['check', '--verbose'], { wrapper: pair.execArgv(pair.device, []) });
        const waited = next.stdout.split('\n').find((line) => /runs at most every/.test(line)) ?? '';
        seen.note('next tick', `${describeRun(next)}: ${waited}`);

        assert.equal(ended.code, 1);
        assert.ok(ended.afterMs < 10_000, 'it ended within seconds, not after down_seconds');
        assert.equal(up, true, 'the link was set up again before exit');
        assert.deepEqual(eventsOf(world.dbPath).slice(0, 4), [
          'link_down/no_ipv4',
          'ladder_start/no_ipv4',
          'link_set_down/up',
          'rung/not_healed(bounce)',
        ]);
        assert.equal(eventsOf(world.dbPath)[4], 'ladder_end/interrupted');
        assert.equal(state?.failed_ladder_runs, 1);
        assert.equal(state?.last_ladder_outcome, 'interrupted');
        assert.match(waited, /the ladder ran .* ago and runs at most every 10m/);
      },
    ));

  it('SIGKILL with the link down: the next tick sets it up and closes the run', () =>
    faultCase(
      'u.9',
      'SIGKILL to `check` while a bounce rung has the veth uplink down; then a normal tick',
      'the uplink stays down until the next tick, which sets it up again from the durable note, closes the ladder run `interrupted` and counts it (failed_ladder_runs 1)',
      async (seen) => {
        const { world, pair } = await startUplinkWorld('kill-bounce', {});
        const run = await startWatchdog(world, ['check'], pair.execArgv(pair.device, []));
        await waitFor('the bounce to set the uplink down', () => !linkIsUp(pair));
        const ended = await stopWith(world, run, 'SIGKILL');
        const downAfterKill = !linkIsUp(pair);
        seen.note('check', ended.signal === null ? `exit ${String(ended.code)}` : `killed by ${ended.signal}`);
        seen.note('uplink down after the kill', downAfterKill);
        const next = await tickUntilItRuns(world, seen, pair.execArgv(pair.device, []));
        const up = linkIsUp(pair);
        const state = stateOf(world.dbPath, pair.deviceInterface);
        const events = eventsOf(world.dbPath);
        seen.note('next tick', describeRun(next));
        seen.note('uplink administratively up', up);
        seen.note('events', events);
        seen.note('failed_ladder_runs', state?.failed_ladder_runs);

        assert.equal(ended.signal, 'SIGKILL');
        assert.equal(downAfterKill, true, 'precondition: the kill left the link down');
        assert.equal(up, true, 'the next tick set the link up again');
        assert.deepEqual(events, [
          'link_down/no_ipv4',
          'ladder_start/no_ipv4',
          'link_set_down/up',
          'ladder_end/interrupted',
        ]);
        assert.equal(state?.failed_ladder_runs, 1);
        assert.equal(state?.last_ladder_outcome, 'interrupted');
      },
    ));
});
