// Fault injection: the holes an attacker's review found in how the watchdog finds a daemon
// and stops a process tree (issue 20). A PID file the app's user owns naming a root process;
// a stranger that takes the start command's PID, or a timed-out command's root PID, once it
// is reaped (forced with ns_last_pid); a watchdog SIGKILLed while the tree it stops is frozen.
// Each runs the built watchdog inside a PID namespace; every process signalled or left is one
// the case started there.
import assert from 'node:assert/strict';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { findOwnCgroupFolder } from '../../src/system/command-cgroup.js';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readSentinelRecord, SENTINEL, startSentinel } from '../helpers/pid-namespace.js';
import { waitFor } from '../helpers/watchdog-in-namespace.js';
import { faultCase } from './report.js';
import {
  actionOutcomes,
  assertBystandersUntouched,
  bystanderReport,
  describeBystanders,
  describeRun,
  processRowOf,
  recoveriesOf,
  startFaultWorld,
  STUB_START,
  writeFaultConfig,
  type FaultWorld,
} from './fault-scenario.js';

/** Holds a watchdog by ptrace at its SIGTERM to a tree and SIGKILLs it there (see its header). */
const KILL_AT_SIGTERM = fileURLToPath(new URL('fixtures/kill-at-sigterm.py', import.meta.url));

/** The user a hostile app runs as. */
const NOBODY = 65534;

/** Runs a shell script inside the namespace (its mount namespace), failing loudly. */
async function inside(world: FaultWorld, script: string, ...args: string[]): Promise<string> {
  const result = await world.ns.run(['/bin/sh', '-c', script, 'sh', ...args], { cwd: '/' });
  if (result.code !== 0) throw new Error(`in the namespace: \`${script}\`: ${describeRun(result)}`);
  return result.stdout;
}

/** A PID a shell wrote into a file of the case's folder, once it is there. */
async function pidFrom(world: FaultWorld, name: string): Promise<number> {
  const path = join(world.dir, name);
  await waitFor(`${name} to be written`, () => existsSync(path) && /^\d+\n$/.test(readFileSync(path, 'utf8')));
  return Number(readFileSync(path, 'utf8'));
}

/** Waits until `pid` is reaped: no process, not even a zombie, holds it. */
async function reaped(world: FaultWorld, pid: number): Promise<void> {
  for (const deadline = Date.now() + 10_000; (await world.ns.state(pid)) !== 'dead';) {
    if (Date.now() > deadline) throw new Error(`PID ${pid} was not reaped within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Starts a sentinel as a stranger that takes `pid` (the next PID handed out is forced with
 * ns_last_pid) and calls `setsid`; with `viaChild`, the PID's process forks the sentinel
 * and exits, so the sentinel's session is `pid` and its parent init. Returns the sentinel's PID.
 */
async function strangerTaking(world: FaultWorld, pid: number, recordFile: string, viaChild: boolean): Promise<number> {
  const sentinel = `${process.execPath} ${SENTINEL} ${recordFile}`;
  // viaChild: in the foreground, so the shell reaps the stranger once it has forked (as any parent would).
  const body = viaChild
    ? `(setsid sh -c '${sentinel} < /dev/null > /dev/null 2>&1 & echo $! > ${recordFile}.pid'); true`
    : `setsid sh -c 'echo $$ > ${recordFile}.pid; exec ${sentinel} < /dev/null > /dev/null 2>&1' &`;
  await inside(world, `echo ${pid - 1} > /proc/sys/kernel/ns_last_pid; ${body}`);
  await waitFor(
    `${recordFile}.pid to be written`,
    () => existsSync(`${recordFile}.pid`) && /^\d+\n$/.test(readFileSync(`${recordFile}.pid`, 'utf8')),
  );
  const stranger = Number(readFileSync(`${recordFile}.pid`, 'utf8'));
  // A SIGTERM before its handlers are installed ends it at once: gone counts as seen too.
  await waitFor(
    'the stranger to be ready (or gone)',
    async () => readSentinelRecord(recordFile).includes('ready') || (await world.ns.state(stranger)) !== 'alive',
  );
  return stranger;
}

/** Unmounts the cgroup2 file system inside the namespace: the watchdog there can make no cgroup. */
async function withoutCgroups(world: FaultWorld): Promise<void> {
  await inside(
    world,
    'for m in $(awk \'$9 == "cgroup2" { print $5 }\' /proc/self/mountinfo); do umount -l "$m"; done; ! grep -q " - cgroup2 " /proc/self/mountinfo',
  );
}

describe('fault injection: holes of the review of daemons and process trees', () => {
  it('a PID file the app user owns naming a root process: never taken (no user set)', () =>
    faultCase(
      'w.1',
      "no `user`; pid_file in a folder owned by nobody; while the start waits, nobody's PID file names a root process started after the start command (not its descendant); two ticks",
      'the PID is not taken (it runs as root, the file is owned by nobody), nothing recorded, the next kill signals nothing; the root process and the bystander untouched',
      async (seen) => {
        const world = await startFaultWorld('review-pid-owner');
        const run = join(world.dir, 'run');
        mkdirSync(run);
        chownSync(run, NOBODY, NOBODY);
        writeFaultConfig(
          world.dir,
          {
            app: {
              heartbeat_path: 'hb/app.json',
              commands: { start: STUB_START },
              pid_file: 'run/app.pid',
              start_grace_seconds: 0,
            },
          },
          { consecutive_failures_threshold: 1, recovery_backoff_seconds: 0, verify_delay: 3 },
        );
        const first = world.watchdog(['check']);
        await waitFor('the start command to run', () => existsSync(join(world.dir, 'started.log')));
        const victimRecord = join(world.dir, 'victim.signals');
        const victim = await startSentinel(world.ns, victimRecord, { detached: true });
        writeFileSync(join(run, 'app.pid'), `${victim}\n`);
        chownSync(join(run, 'app.pid'), NOBODY, NOBODY);
        const firstRun = await first;
        const second = await world.watchdog(['check']);
        const recoveries = recoveriesOf(world.dbPath);
        const row = processRowOf(world.dbPath, 'app');
        const startDetail = recoveries[0]?.actions.find((action) => action.action === 'start')?.detail ?? '';
        const victimSignals = readSentinelRecord(victimRecord).filter((line) => line !== 'ready');
        const victimState = await world.ns.state(victim);
        const bystanders = await bystanderReport(world);
        seen.note('ticks', `${describeRun(firstRun)}, ${describeRun(second)}`);
        seen.note('first start', startDetail.replaceAll(world.dir, '<dir>'));
        seen.note('recorded instance', String(row?.started_pid));
        seen.note('second recovery', actionOutcomes(recoveries[1]));
        seen.note('root process', `${victimState} (signals: ${victimSignals.join(',') || 'none'})`);
        seen.note(describeBystanders(bystanders));

        assert.match(
          startDetail,
          new RegExp(`names PID ${victim} runs as uid 0, not as uid ${NOBODY} that owns the PID file`),
        );
        assert.equal(row?.started_pid, null, 'nothing recorded');
        assert.deepEqual(actionOutcomes(recoveries[1]), ['kill: nothing_to_kill', 'start: ok']);
        assert.deepEqual([victimState, victimSignals], ['alive', []], 'the root process was never signalled');
        assertBystandersUntouched(bystanders);
      },
    ));

  it("a stranger that takes the reaped start command's PID and calls setsid: never taken", () =>
    faultCase(
      'w.2',
      'the start command exits 0 leaving nothing (pid_file never written, verify_delay 3 s); once it is reaped a stranger gets its PID (ns_last_pid) and calls setsid; two ticks',
      "the stranger, alone in a session whose ID is the start command's PID, is not taken for the daemon: nothing recorded, the next kill signals nothing; the stranger and the bystander untouched",
      async (seen) => {
        const world = await startFaultWorld('review-starter-pid');
        writeFaultConfig(
          world.dir,
          {
            app: {
              heartbeat_path: 'hb/app.json',
              commands: { start: `echo $$ > starter.pid; ${STUB_START}` },
              pid_file: 'run/app.pid',
              start_grace_seconds: 0,
            },
          },
          { consecutive_failures_threshold: 1, recovery_backoff_seconds: 0, verify_delay: 3 },
        );
        mkdirSync(join(world.dir, 'run'));
        const first = world.watchdog(['check']);
        const starter = await pidFrom(world, 'starter.pid');
        await reaped(world, starter);
        const strangerRecord = join(world.dir, 'stranger.signals');
        const stranger = await strangerTaking(world, starter, strangerRecord, false);
        const firstRun = await first;
        const second = await world.watchdog(['check']);
        const recoveries = recoveriesOf(world.dbPath);
        const row = processRowOf(world.dbPath, 'app');
        const startDetail = recoveries[0]?.actions.find((action) => action.action === 'start')?.detail ?? '';
        const strangerSignals = readSentinelRecord(strangerRecord).filter((line) => line !== 'ready');
        const strangerState = await world.ns.state(stranger);
        const bystanders = await bystanderReport(world);
        seen.note('start command PID', starter);
        seen.note('stranger PID', stranger);
        seen.note('ticks', `${describeRun(firstRun)}, ${describeRun(second)}`);
        seen.note('first start', startDetail.replaceAll(world.dir, '<dir>'));
        seen.note('recorded instance', String(row?.started_pid));
        seen.note('second recovery', actionOutcomes(recoveries[1]));
        seen.note('stranger', `${strangerState} (signals: ${strangerSignals.join(',') || 'none'})`);
        seen.note(describeBystanders(bystanders));

        assert.equal(stranger, starter, "precondition: the stranger got the start command's PID");
        assert.doesNotMatch(startDetail, /recorded/);
        assert.equal(row?.started_pid, null, 'nothing recorded');
        assert.deepEqual(actionOutcomes(recoveries[1]), ['kill: nothing_to_kill', 'start: ok']);
        assert.deepEqual([strangerState, strangerSignals], ['alive', []], 'the stranger was never signalled');
        assertBystandersUntouched(bystanders);
      },
    ));

  it("a stranger's child in a session that reuses a timed-out command's reaped root PID: left alone", () =>
    faultCase(
      'w.3',
      "no cgroup; a cleanup (cleanup_timeout 1 s, kill_timeout 6 s) whose setsid grandchild ignores SIGTERM; once the cleanup's shell is reaped, a stranger gets its PID (ns_last_pid), calls setsid, forks a child and exits",
      "the stranger's child (session = the dead root's PID, parent init) is never signalled; the grandchild is killed after kill_timeout; the bystander untouched",
      async (seen) => {
        const world = await startFaultWorld('review-root-pid');
        await withoutCgroups(world);
        const cleanup = `echo $$ > root.pid; setsid sh -c 'trap "" TERM; echo $$ > grandchild.pid; exec sleep 300' & wait`;
        writeFaultConfig(
          world.dir,
          {
            app: {
              heartbeat_path: 'app.json',
              commands: { start: STUB_START, cleanup },
              recovery_actions: ['kill', 'cleanup', 'start'],
              cleanup_timeout: 1,
            },
          },
          { consecutive_failures_threshold: 1, kill_timeout: 6 },
        );
        const began = Date.now();
        const running = world.watchdog(['check']);
        const root = await pidFrom(world, 'root.pid');
        const grandchild = await pidFrom(world, 'grandchild.pid');
        await reaped(world, root);
        const strangerRecord = join(world.dir, 'stranger.signals');
        const stranger = await strangerTaking(world, root, strangerRecord, true);
        const strangerReadyMs = Date.now() - began;
        const strangerStat = (await inside(world, `cat /proc/${stranger}/stat`)).split(') ')[1]?.split(' ') ?? [];
        const tick = await running;
        const tickMs = Date.now() - began;
        const strangerSignals = readSentinelRecord(strangerRecord).filter((line) => line !== 'ready');
        const strangerState = await world.ns.state(stranger);
        const grandchildState = await world.ns.state(grandchild);
        const cleanupAction = recoveriesOf(world.dbPath)[0]?.actions.find((action) => action.action === 'cleanup');
        const bystanders = await bystanderReport(world);
        seen.note('root PID', root);
        seen.note(
          'tick',
          `${describeRun(tick)} after ${(tickMs / 1000).toFixed(1)} s, the stranger ready at ${(strangerReadyMs / 1000).toFixed(1)} s`,
        );
        seen.note('cleanup', `${cleanupAction?.outcome ?? 'none'}: ${cleanupAction?.detail ?? ''}`);
        seen.note('grandchild', grandchildState);
        seen.note(
          "stranger's child",
          `PID ${stranger}, parent ${strangerStat[1] ?? '?'}, session ${strangerStat[3] ?? '?'}, ${strangerState} (signals: ${strangerSignals.join(',') || 'none'})`,
        );
        seen.note(describeBystanders(bystanders));

        assert.equal(tick.code, 0, describeRun(tick));
        assert.equal(cleanupAction?.timed_out, 1);
        assert.ok(grandchildState === 'dead' || grandchildState === 'zombie', `the grandchild is ${grandchildState}`);
        assert.deepEqual([strangerState, strangerSignals], ['alive', []], "the stranger's child was never signalled");
        assertBystandersUntouched(bystanders);
      },
    ));
  for (const cgroup of [true, false]) {
    const id = cgroup ? 'w.4' : 'w.5';
    const where = cgroup ? 'in its cgroup (cgroup2 mounted)' : 'with no cgroup (cgroup2 unmounted in the namespace)';
    it(`a watchdog SIGKILLed while it stops a tree ${where}: the next run lets nothing stay stopped`, () =>
      faultCase(
        id,
        `a cleanup (cleanup_timeout 1 s, kill_timeout 30 s) whose setsid grandchild ignores SIGTERM, ${where}; the watchdog, held by ptrace at the entry of its SIGTERM to the tree (every member stopped, or frozen, none sent SIGTERM), is SIGKILLed there; then another tick`,
        cgroup
          ? 'the SIGKILLed tick leaves the cgroup frozen with the tree in it; the next tick thaws it, kills what is in it (cgroup.kill) and removes it; the bystander untouched'
          : 'the SIGKILLed tick leaves the tree stopped (T) and its record; the next tick sends SIGCONT to exactly those processes (start times match): none is left stopped; the bystander untouched',
        async (seen) => {
          const world = await startFaultWorld(`review-frozen-${cgroup ? 'cg' : 'proc'}`);
          if (!cgroup) await withoutCgroups(world);
          const cleanup = `[ -e once ] && exit 0; touch once; echo $$ > root.pid; setsid sh -c 'trap "" TERM; echo $$ > grandchild.pid; exec sleep 300' & wait`;
          writeFaultConfig(
            world.dir,
            {
              app: {
                heartbeat_path: 'app.json',
                commands: { start: STUB_START, cleanup },
                recovery_actions: ['cleanup', 'start'],
                cleanup_timeout: 1,
              },
            },
            { consecutive_failures_threshold: 1, recovery_backoff_seconds: 0, kill_timeout: 30 },
          );
          const first = world.watchdog(['check']);
          const grandchild = await pidFrom(world, 'grandchild.pid');
          const root = await pidFrom(world, 'root.pid');
          const watchdogPid = (await world.ns.processes()).find(
            (entry) => entry.cmdline.includes('check') && entry.cmdline.some((arg) => arg.endsWith('bin.js')),
          )?.pid;
          assert.ok(watchdogPid !== undefined, 'precondition: the watchdog runs');
          const home = findOwnCgroupFolder();
          const inode = /^pid:\[(\d+)\]$/.exec(world.ns.namespaceId)?.[1] ?? '?';
          const leftCgroups = (): string[] =>
            home === undefined
              ? []
              : readdirSync(home).filter((name) => name.startsWith(`watchdog-cmd-${inode}-${watchdogPid}-`));
          const abandoned = cgroup ? leftCgroups()[0] : undefined;
          assert.equal(
            cgroup,
            abandoned !== undefined,
            'precondition: the cleanup runs in a cgroup exactly when one can be made',
          );
          // Held by ptrace at the entry of its SIGTERM to the root, so no window can be missed
          // (issue 21): without a cgroup the tracer first waits until both show T.
          await inside(
            world,
            'exec python3 "$@"',
            KILL_AT_SIGTERM,
            String(watchdogPid),
            String(root),
            ...(cgroup ? [] : [String(grandchild)]),
          );
          const firstRun = await first;
          const frozenThen =
            abandoned === undefined || home === undefined
              ? 'none'
              : readFileSync(join(home, abandoned, 'cgroup.freeze'), 'utf8').trim();
          const statesThen = [await world.ns.state(root), await world.ns.state(grandchild)];
          const recordThen = existsSync(join(world.dir, 'stopped-processes.json'));
          const second = await world.watchdog(['check']);
          await new Promise((resolve) => setTimeout(resolve, 300));
          const statesAfter = [await world.ns.state(root), await world.ns.state(grandchild)];
          const cgroupAfter =
            abandoned === undefined || home === undefined
              ? 'none'
              : existsSync(join(home, abandoned))
                ? `left, members: ${readFileSync(join(home, abandoned, 'cgroup.procs'), 'utf8').trim() || 'none'}`
                : 'removed';
          const bystanders = await bystanderReport(world);
          seen.note('killed tick', describeRun(firstRun));
          seen.note(
            'then',
            `root ${statesThen[0]}, grandchild ${statesThen[1]}; cgroup ${abandoned === undefined ? 'none' : `frozen=${frozenThen}`}; record ${recordThen ? 'written' : 'none'}`,
          );
          seen.note('next tick', describeRun(second));
          seen.note(
            'after',
            `root ${statesAfter[0]}, grandchild ${statesAfter[1]}; cgroup ${cgroupAfter}; record ${existsSync(join(world.dir, 'stopped-processes.json')) ? 'left' : 'removed'}`,
          );
          seen.note(describeBystanders(bystanders));

          assert.equal(firstRun.signal, 'SIGKILL', describeRun(firstRun));
          assert.equal(second.code, 0, describeRun(second));
          if (cgroup) {
            assert.equal(frozenThen, '1', 'precondition: the cgroup was left frozen');
            assert.ok(
              statesAfter.every((state) => state === 'dead' || state === 'zombie'),
              `the tree is gone: ${statesAfter.join(', ')}`,
            );
            assert.notEqual(
              cgroupAfter.startsWith('left, members: ') && cgroupAfter !== 'left, members: none',
              true,
              cgroupAfter,
            );
          } else {
            assert.deepEqual(statesThen, ['stopped', 'stopped'], 'precondition: the tree was left stopped');
            assert.deepEqual(statesAfter, ['alive', 'alive'], 'resumed');
            assert.equal(recordThen, true, 'the stopped processes were written down');
          }
          assertBystandersUntouched(bystanders);
        },
      ));
  }
});
