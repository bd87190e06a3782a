// Fault injection: clock steps. A device without a real-time clock steps its wall clock by
// hours when NTP arrives, forward or back, mid-tick or between ticks. libfaketime
// (tests/faults/fake-clock.ts) steps the wall clock of the built watchdog (and of an app)
// inside a PID namespace; the kernel's clocks (monotonic, start ticks, btime) stay real, as
// they do under a real step. Every case has a bystander that nobody may signal.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { parseProcStat } from '../../src/system/proc-stat.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import { DEMO_APP } from '../helpers/demo-app.js';
import type { PidNamespace } from '../helpers/pid-namespace.js';
import { WATCHDOG_BIN } from '../helpers/run-watchdog.js';
import { spawnDemoApp, waitFor, waitForBeatOf } from '../helpers/watchdog-in-namespace.js';
import { envWrapper, fixedOffsetEnv, steppableClock } from './fake-clock.js';
import { faultCase } from './report.js';
import {
  actionOutcomes,
  assertBystandersUntouched,
  bystanderReport,
  checksOf,
  describeBystanders,
  describeRun,
  recoveriesOf,
  startFaultWorld,
  STUB_START,
  stubStarts,
  writeFaultConfig,
  writeHeartbeat,
  type FaultWorld,
} from './fault-scenario.js';

const HOUR_MS = 3_600_000;
/** proper-lockfile refreshes the lock directory's mtime this often (tick-lock.ts): a case waits past it. */
const REFRESH_WAIT_MS = 11_000;
/** A recovery step that says it ran, then holds the tick (and so the lock) until the case writes `release`. */
const BLOCKING_STUB = `echo "$$" >> stub.log; while [ ! -e release ]; do sleep 0.05; done`;

function stubLines(dir: string): string[] {
  const path = join(dir, 'stub.log');
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

function logLines(dir: string, pattern: RegExp): string[] {
  const path = join(dir, 'logs/watchdog.log');
  return existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => pattern.test(line))
    : [];
}

/** One process `app` with no heartbeat, due at once (threshold 1), whose recovery blocks in the stub until released. */
function writeBlockingConfig(dir: string): void {
  writeFaultConfig(
    dir,
    {
      app: {
        heartbeat_path: 'hb/app.json',
        commands: { start: STUB_START, stub: BLOCKING_STUB },
        recovery_actions: ['kill', 'stub', 'start'],
      },
    },
    { consecutive_failures_threshold: 1, cleanup_timeout: 120 },
  );
}

/** The start time (clock ticks since boot) of a PID inside the namespace. */
async function startTicksIn(ns: PidNamespace, pid: number): Promise<number> {
  const stat = await ns.run(['cat', `/proc/${pid}/stat`], { cwd: '/' });
  return parseProcStat(stat.stdout).startTime;
}

function readBootId(): string {
  return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
}

/** The watchdog `check` running inside the namespace (its PID there). */
async function runningTickPid(world: FaultWorld): Promise<number> {
  const tick = (await world.ns.processes()).find(
    (entry) => entry.state !== 'Z' && entry.cmdline.includes(WATCHDOG_BIN) && entry.cmdline.includes('check'),
  );
  if (tick === undefined) throw new Error('no watchdog check is running in the namespace');
  return tick.pid;
}

/**
 * Tick A (on a steppable clock) takes the lock and blocks in its recovery; its clock is
 * stepped to `step.offset`; after proper-lockfile's refresh ran on the stepped clock, tick B on a
 * clock `secondOffset` from the real one tries to get in.
 */
async function stepWhileHeld(id: string, step: { words: string; offset: string }, secondOffset: string): Promise<void> {
  await faultCase(
    id,
    `a tick holds the lock (blocked in a recovery step) when its wall clock steps ${step.words}; 11 s later (past the lock's refresh) a second tick runs on a clock ${secondOffset} from the real one`,
    'the second tick exits 0, logs that the lock is held and does nothing (no check row, the stub ran once); the first tick ends normally, its lock never reported compromised; one recovery',
    async (seen) => {
      const world = await startFaultWorld(`step-held-${step.offset.replace(/\W/g, '')}`);
      const { dir } = world;
      writeBlockingConfig(dir);
      const clockA = steppableClock(dir, 'tick-a');
      const tickA = world.watchdog(['check'], { wrapper: clockA.wrapper, timeoutMs: 120_000 });
      await waitFor('tick A to block in its recovery step', () => stubLines(dir).length > 0);
      clockA.step(step.offset);
      await sleep(REFRESH_WAIT_MS);
      const tickB = await world.watchdog(['check'], { wrapper: envWrapper(fixedOffsetEnv(secondOffset)) });
      const stubWhileHeld = stubLines(dir).length;
      writeFileSync(join(dir, 'release'), '');
      const resultA = await tickA;
      const recoveries = recoveriesOf(world.dbPath);
      const checks = checksOf(world.dbPath);
      const held = logLines(dir, /holds the lock .*; this tick does nothing/);
      const compromised = logLines(dir, /compromised/);
      const bystanders = await bystanderReport(world);
      seen.note('tick B', describeRun(tickB));
      seen.note('tick B printed', tickB.stdout + tickB.stderr === '' ? 'nothing' : 'output');
      seen.note('"lock held" log lines', held.length);
      seen.note('stub lines while A held the lock', stubWhileHeld);
      seen.note('tick A', describeRun(resultA));
      seen.note('"compromised" log lines', compromised.length);
      seen.note('check_history rows', checks.length);
      seen.note(
        'recoveries',
        `${recoveries.length} (${recoveries.map((row) => `${row.outcome}: ${actionOutcomes(row).join(', ')}; ${String(row.duration_ms)} ms`).join(' | ')})`,
      );
      seen.note(describeBystanders(bystanders));

      assert.deepEqual(
        [tickB.code, tickB.signal, tickB.stdout + tickB.stderr],
        [0, null, ''],
        'tick B exits 0 quietly',
      );
      assert.equal(held.length, 1, 'tick B logged that the lock is held');
      assert.equal(stubWhileHeld, 1, 'tick B did not run the recovery beside A');
      assert.deepEqual([resultA.code, resultA.signal], [0, null], `tick A ends normally: ${describeRun(resultA)}`);
      assert.deepEqual(compromised, [], 'the lock was never reported compromised');
      assert.equal(checks.length, 1, 'only tick A checked');
      assert.equal(recoveries.length, 1, 'one recovery');
      assert.deepEqual(actionOutcomes(recoveries[0]), ['kill: nothing_to_kill', 'stub: ok', 'start: ok']);
      assert.ok(
        (recoveries[0]?.duration_ms ?? Infinity) < 120_000,
        `the recovery's duration is measured on a clock nobody stepped (${String(recoveries[0]?.duration_ms)} ms)`,
      );
      assert.deepEqual(stubStarts(dir), ['app'], 'one start');
      assertBystandersUntouched(bystanders);
    },
  );
}

describe('fault injection: clock steps and the tick lock', () => {
  it('keeps a held lock through a forward step mid-tick', () =>
    stepWhileHeld('q.1', { words: 'forward 6 hours', offset: '+6h' }, '+7h'));
  it('keeps a held lock through a backward step mid-tick', () =>
    stepWhileHeld('q.2', { words: 'back 6 hours', offset: '-6h' }, '+0'));

  it('takes at once a lock whose holder was SIGKILLed, after a small step back between ticks', () =>
    faultCase(
      'q.3',
      'a tick holding the lock is SIGKILLed mid-recovery (its directory left behind); the clock then steps back 25 s and the next tick runs',
      'the next tick takes the lock at once (it names a dead owner): exit 0, it checks and recovers; the killed recovery is marked interrupted; nothing else signalled',
      async (seen) => {
        const world = await startFaultWorld('step-killed');
        const { dir } = world;
        writeBlockingConfig(dir);
        const tickA = world.watchdog(['check'], { wrapper: envWrapper(fixedOffsetEnv('+0')), timeoutMs: 120_000 });
        await waitFor('tick A to block in its recovery step', () => stubLines(dir).length > 0);
        await world.ns.signal(await runningTickPid(world), 'SIGKILL');
        const resultA = await tickA;
        const leftBehind = existsSync(join(dir, 'watchdog.lock', 'owner.json'));
        writeFileSync(join(dir, 'release'), '');
        const tickB = await world.watchdog(['check'], { wrapper: envWrapper(fixedOffsetEnv('-25s')) });
        const checks = checksOf(world.dbPath);
        const recoveries = recoveriesOf(world.dbPath);
        const removed = logLines(dir, /removed the stale lock/);
        const held = logLines(dir, /holds the lock/);
        const bystanders = await bystanderReport(world);
        seen.note('tick A', describeRun(resultA));
        seen.note('lock directory left with its owner', leftBehind);
        seen.note('tick B', describeRun(tickB));
        seen.note('"lock held" log lines', held.length);
        seen.note(
          'log',
          removed.map((line) => line.replace(/^.*removed/, 'removed').replaceAll(dir, '<case>')).join(' | ') ||
            'no stale lock removed',
        );
        seen.note('check_history rows', checks.length);
        seen.note(
          'recoveries',
          recoveries.map((row) => `${row.outcome} (${actionOutcomes(row).join(', ')})`).join(' | '),
        );
        seen.note(describeBystanders(bystanders));

        assert.equal(resultA.signal, 'SIGKILL', `tick A was SIGKILLed: ${describeRun(resultA)}`);
        assert.ok(leftBehind, 'the killed tick left its lock directory behind');
        assert.deepEqual([tickB.code, tickB.signal], [0, null], `tick B: ${describeRun(tickB)}`);
        assert.deepEqual(held, [], 'tick B did not find the lock held');
        assert.equal(removed.length, 1, 'tick B removed the stale lock');
        assert.match(removed[0] ?? '', /no longer running/);
        assert.equal(checks.length, 2, 'tick B checked');
        assert.deepEqual(
          recoveries.map((row) => row.outcome),
          ['interrupted', 'succeeded'],
        );
        assert.deepEqual(stubStarts(dir), ['app'], 'only tick B reached start');
        assertBystandersUntouched(bystanders);
      },
    ));

  it('takes a lock directory left in a previous boot, though its PID is alive with the same start ticks', () =>
    faultCase(
      'q.4',
      'a lock directory refreshed moments ago, whose owner names another boot and a live PID (the bystander, its own start ticks): a machine that rebooted before the clock was set',
      'the tick takes it at once (identity, not age: another boot), exits 0 and checks; the bystander is not signalled',
      async (seen) => {
        const world = await startFaultWorld('prev-boot');
        const { dir } = world;
        writeFaultConfig(dir, { app: { heartbeat_path: 'hb/app.json' } });
        const lockDir = join(dir, 'watchdog.lock');
        mkdirSync(lockDir);
        const owner = {
          pid: world.bystander.pid,
          pid_start_ticks: await startTicksIn(world.ns, world.bystander.pid),
          boot_id: '0b0b0b0b-0000-4000-8000-000000000000',
        };
        writeFileSync(join(lockDir, 'owner.json'), JSON.stringify(owner));
        const tick = await world.watchdog(['check']);
        const checks = checksOf(world.dbPath);
        const removed = logLines(dir, /removed the stale lock/);
        const bystanders = await bystanderReport(world);
        seen.note(
          'owner',
          `PID ${owner.pid} (alive), start ticks ${owner.pid_start_ticks}, boot ${owner.boot_id.slice(0, 8)}…`,
        );
        seen.note('tick', describeRun(tick));
        seen.note(
          'log',
          removed.map((line) => line.replace(/^.*removed/, 'removed').replaceAll(dir, '<case>')).join(' | ') ||
            'no stale lock removed',
        );
        seen.note('check_history rows', checks.length);
        seen.note('lock directory after the tick', existsSync(lockDir) ? 'left' : 'gone');
        seen.note(describeBystanders(bystanders));

        assert.deepEqual([tick.code, tick.signal], [0, null], describeRun(tick));
        assert.equal(removed.length, 1);
        assert.match(removed[0] ?? '', /previous boot/);
        assert.equal(checks.length, 1, 'the tick checked');
        assert.equal(existsSync(lockDir), false, 'the lock was released');
        assertBystandersUntouched(bystanders);
      },
    ));
});

describe('fault injection: clock steps and the kill path', () => {
  it('kills a hung app proven by its start ticks and boot after a forward step of hours, and starts one copy', () =>
    faultCase(
      'q.5',
      'an app (HeartbeatWriter: pid_start_ticks, boot_id) started on a clock 6 h slow, beat once and hung; NTP stepped the clock forward, so btime now dates its start after its heartbeat; threshold 1, pipeline kill → stub start',
      'timed_out; kill signals the hung app (identity proven, not refused as PID reused), it exits; then one start: no second copy beside it',
      async (seen) => {
        const world = await startFaultWorld('proven');
        const { dir, ns } = world;
        mkdirSync(join(dir, 'hb'));
        const heartbeatPath = join(dir, 'hb/app.json');
        const appPid = await spawnDemoApp(ns, dir, ['--hang-after', '1'], fixedOffsetEnv('-6h'));
        const beat = JSON.parse(readFileSync(heartbeatPath, 'utf8')) as {
          timestamp: string;
          pid_start_ticks?: number;
          boot_id?: string;
        };
        writeFaultConfig(dir, { app: { heartbeat_path: 'hb/app.json' } }, { consecutive_failures_threshold: 1 });
        const tick = await world.watchdog(['check']);
        const checks = checksOf(world.dbPath);
        const recoveries = recoveriesOf(world.dbPath);
        const kill = recoveries[0]?.actions.find((action) => action.action === 'kill');
        const appState = await ns.state(appPid);
        const bystanders = await bystanderReport(world);
        seen.note(
          'heartbeat',
          `${beat.timestamp} (written ${Math.round((Date.now() - Date.parse(beat.timestamp)) / HOUR_MS)} h ago by the real clock), pid_start_ticks ${String(beat.pid_start_ticks)}, boot_id ${beat.boot_id === undefined ? 'none' : 'given'}`,
        );
        seen.note('tick', describeRun(tick));
        seen.note(`${checks[0]?.health ?? 'no check'}: ${checks[0]?.reason ?? ''}`);
        seen.note('actions', actionOutcomes(recoveries[0]));
        seen.note('kill', `${kill?.signal ?? 'no signal'} to ${String(kill?.pid)}: ${kill?.detail ?? ''}`);
        seen.note('hung app', appState);
        seen.note('stub starts', stubStarts(dir).length);
        seen.note(describeBystanders(bystanders));

        assert.ok(beat.pid_start_ticks !== undefined && beat.boot_id !== undefined, 'the writer recorded its identity');
        assert.equal(tick.code, 0, describeRun(tick));
        assert.equal(checks[0]?.health, 'timed_out');
        assert.equal(kill?.outcome, 'ok', `kill: ${kill?.outcome ?? 'none'}: ${kill?.detail ?? ''}`);
        assert.equal(kill?.pid, appPid);
        assert.ok(appState === 'dead' || appState === 'zombie', `the hung app is gone (${appState})`);
        assert.deepEqual(actionOutcomes(recoveries[0]), ['kill: ok', 'start: ok']);
        assert.deepEqual(stubStarts(dir), ['app'], 'one start, after the hung app was gone');
        assertBystandersUntouched(bystanders);
      },
    ));

  it('still runs the PID-reuse guard on heartbeat times with white space or an offset with seconds', async (t) => {
    const world = await startFaultWorld('time-forms');
    const { dir, ns } = world;
    mkdirSync(join(dir, 'hb'));
    // Two strangers that took the dead apps' PIDs: started now, after the heartbeats were written.
    const strangers = {
      spaced: await ns.spawn(['sleep', '300'], { detached: true }),
      seconds: await ns.spawn(['sleep', '300'], { detached: true }),
    };
    const tenMinutesAgo = Date.now() - 600_000;
    const forms = {
      spaced: ` ${formatUtcTimestamp(new Date(tenMinutesAgo))} `,
      // +05:30:15 (Python allows seconds in an offset): the same instant, written in that zone.
      seconds: `${formatUtcTimestamp(new Date(tenMinutesAgo + (5 * 3600 + 30 * 60 + 15) * 1000)).slice(0, 26)}+05:30:15`,
    };
    for (const key of ['spaced', 'seconds'] as const) {
      writeHeartbeat(
        join(dir, `hb/${key}.json`),
        JSON.stringify({
          process_key: key,
          pid: strangers[key],
          timestamp: forms[key],
          status: 'running',
          iteration: 7,
        }),
      );
    }
    writeFaultConfig(
      dir,
      { spaced: { heartbeat_path: 'hb/spaced.json' }, seconds: { heartbeat_path: 'hb/seconds.json' } },
      { consecutive_failures_threshold: 1 },
    );
    const tick = await world.watchdog(['check']);
    const checks = checksOf(world.dbPath);
    const recoveries = recoveriesOf(world.dbPath);
    const bystanders = await bystanderReport(world);
    for (const [index, key] of (['spaced', 'seconds'] as const).entries()) {
      await t.test(key, () =>
        faultCase(
          `q.${6 + index}`,
          `a timed-out heartbeat whose timestamp is ${key === 'spaced' ? 'surrounded by white space' : 'written with an offset with seconds (+05:30:15)'} names a process started after it (a reused PID); threshold 1, kill → stub start`,
          'the check parses the time; kill refuses the stranger (started after its heartbeat was written) using that parsed time; the stranger is never signalled',
          async (seen) => {
            const check = checks.find((row) => row.process_key === key);
            const recovery = recoveries.find((row) => row.process_key === key);
            const kill = recovery?.actions.find((action) => action.action === 'kill');
            const state = await ns.state(strangers[key]);
            seen.note('timestamp', JSON.stringify(forms[key]));
            seen.note('tick', describeRun(tick));
            seen.note(`${check?.health ?? 'no check'}: ${check?.reason ?? ''}`);
            seen.note('kill', `${kill?.outcome ?? 'none'}: ${kill?.detail ?? ''}`);
            seen.note('stranger', state);
            seen.note(describeBystanders(bystanders));

            assert.equal(tick.code, 0, describeRun(tick));
            assert.equal(check?.health, 'timed_out', check?.reason ?? 'no check');
            assert.equal(kill?.outcome, 'refused', kill?.detail ?? 'no kill');
            assert.match(kill?.detail ?? '', /after its heartbeat was written/);
            assert.equal(kill?.signal ?? null, null, 'nothing was signalled');
            assert.equal(state, 'alive', 'the stranger lives');
            assertBystandersUntouched(bystanders);
          },
        ),
      );
    }
  });

  it('takes a boot id in upper case for this boot', () =>
    faultCase(
      'q.8',
      "a live app's heartbeat, written now with its true pid_start_ticks and this boot's id in upper case; threshold 1, kill → stub start",
      'healthy, identity by start time; no recovery, nothing signalled, nothing started',
      async (seen) => {
        const world = await startFaultWorld('boot-case');
        const { dir, ns } = world;
        mkdirSync(join(dir, 'hb'));
        const appPid = await ns.spawn(['sleep', '300'], { detached: true });
        const bootId = readBootId().toUpperCase();
        writeHeartbeat(
          join(dir, 'hb/app.json'),
          JSON.stringify({
            process_key: 'app',
            pid: appPid,
            timestamp: formatUtcTimestamp(new Date()),
            status: 'running',
            iteration: 3,
            pid_start_ticks: await startTicksIn(ns, appPid),
            boot_id: bootId,
          }),
        );
        writeFaultConfig(dir, { app: { heartbeat_path: 'hb/app.json' } }, { consecutive_failures_threshold: 1 });
        const tick = await world.watchdog(['check']);
        const checks = checksOf(world.dbPath);
        const recoveries = recoveriesOf(world.dbPath);
        const appState = await ns.state(appPid);
        const bystanders = await bystanderReport(world);
        seen.note('boot_id', `${bootId.slice(0, 8)}… (upper case)`);
        seen.note('tick', describeRun(tick));
        seen.note(`${checks[0]?.health ?? 'no check'}: ${checks[0]?.reason ?? ''}`);
        seen.note('recoveries', recoveries.length);
        seen.note('app', appState);
        seen.note('stub starts', stubStarts(dir).length);
        seen.note(describeBystanders(bystanders));

        assert.equal(tick.code, 0, describeRun(tick));
        assert.equal(checks[0]?.health, 'healthy', checks[0]?.reason ?? 'no check');
        assert.deepEqual(recoveries, []);
        assert.equal(appState, 'alive');
        assert.deepEqual(stubStarts(dir), []);
        assertBystandersUntouched(bystanders);
      },
    ));

  it('does not kill a healthy app in the tick right after a forward step', () =>
    faultCase(
      'q.9',
      'a healthy app (HeartbeatWriter, a beat every 4 s) and the watchdog share a clock that steps 6 h forward just after a beat; two ticks (threshold 2), the second after the next beat',
      'tick 1: timed_out (1 of 2), no recovery; tick 2: healthy again; the app never signalled, nothing started (with threshold 1, tick 1 would have recovered it: see docs/locking-and-clocks.md)',
      async (seen) => {
        const world = await startFaultWorld('forward-healthy');
        const { dir, ns } = world;
        mkdirSync(join(dir, 'hb'));
        const heartbeatPath = join(dir, 'hb/app.json');
        const clock = steppableClock(dir, 'machine');
        const appPid = await ns.spawn(
          [process.execPath, DEMO_APP, '--heartbeat-dir', join(dir, 'hb'), '--key', 'app', '--interval-ms', '4000'],
          {
            cwd: dir,
            detached: true,
            env: clock.env,
          },
        );
        await waitForBeatOf(heartbeatPath, appPid);
        const iteration = (): number =>
          (JSON.parse(readFileSync(heartbeatPath, 'utf8')) as { iteration: number }).iteration;
        writeFaultConfig(dir, { app: { heartbeat_path: 'hb/app.json' } }, { consecutive_failures_threshold: 2 });
        const first = iteration();
        await waitFor('the next beat', () => iteration() > first);
        clock.step('+6h');
        const beforeTick1 = iteration();
        const tick1 = await world.watchdog(['check'], { wrapper: clock.wrapper });
        const tick1RanBeforeNextBeat = iteration() === beforeTick1;
        await waitFor('a beat on the stepped clock', () => iteration() > beforeTick1);
        const tick2 = await world.watchdog(['check'], { wrapper: clock.wrapper });
        const checks = checksOf(world.dbPath);
        const recoveries = recoveriesOf(world.dbPath);
        const appState = await ns.state(appPid);
        const bystanders = await bystanderReport(world);
        seen.note('tick 1', `${describeRun(tick1)}: ${checks[0]?.health ?? 'no check'} (${checks[0]?.reason ?? ''})`);
        seen.note('tick 2', `${describeRun(tick2)}: ${checks[1]?.health ?? 'no check'} (${checks[1]?.reason ?? ''})`);
        seen.note('recoveries', recoveries.length);
        seen.note('app', appState);
        seen.note('stub starts', stubStarts(dir).length);
        seen.note(describeBystanders(bystanders));

        assert.ok(tick1RanBeforeNextBeat, 'precondition: tick 1 ran before the app beat on the stepped clock');
        assert.deepEqual([tick1.code, tick2.code], [0, 0]);
        assert.deepEqual(
          checks.map((row) => row.health),
          ['timed_out', 'healthy'],
        );
        assert.deepEqual(recoveries, [], 'no recovery');
        assert.equal(appState, 'alive');
        assert.deepEqual(stubStarts(dir), []);
        assertBystandersUntouched(bystanders);
      },
    ));
});
