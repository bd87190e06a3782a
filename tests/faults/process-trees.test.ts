// Fault injection: commands that time out with descendants trying to outlive them (issue 20,
// item 4), and output logs that cannot be used (item 7). A cleanup action runs under
// `cleanup_timeout`; when it times out the watchdog must stop every process it started,
// whether it called setsid, double-forked away from its parent, or ignores SIGTERM, and
// nothing else: a stranger that took a PID the command's tree once had is left alone. An
// app whose output log is on a read-only or full file system, or in a folder the watchdog
// cannot write, still starts, its output in the fallback, and the log says so.
//
// Each case runs the built watchdog inside a PID namespace (its own mount namespace too:
// the tmpfs mounts and a cgroup2 file system unmounted there are invisible to the machine).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { NsProcessState } from '../helpers/pid-namespace.js';
import { readSentinelRecord, startSentinel } from '../helpers/pid-namespace.js';
import { waitFor } from '../helpers/watchdog-in-namespace.js';
import { faultCase, type Observation } from './report.js';
import {
  actionOutcomes,
  assertBystandersUntouched,
  bystanderReport,
  describeBystanders,
  describeRun,
  recoveriesOf,
  startFaultWorld,
  STUB_START,
  stubStarts,
  writeFaultConfig,
  type FaultWorld,
} from './fault-scenario.js';

/** The watchdog without CAP_DAC_OVERRIDE: root, but a folder's mode applies to it. */
const WITHOUT_DAC_OVERRIDE = [
  'setpriv',
  '--inh-caps=-dac_override,-dac_read_search',
  '--bounding-set=-dac_override,-dac_read_search',
  '--',
] as const;

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

/** Gone for good: no such process, or a zombie only waiting for the namespace's init to reap it. */
function isGone(state: NsProcessState): boolean {
  return state === 'dead' || state === 'zombie';
}

/** A config whose one process is due (no heartbeat) and runs `cleanup` between kill and the stub start. */
function cleanupConfig(world: FaultWorld, cleanup: string, cleanupTimeout = 1): void {
  writeFaultConfig(
    world.dir,
    {
      app: {
        heartbeat_path: 'app.json',
        commands: { start: STUB_START, cleanup },
        recovery_actions: ['kill', 'cleanup', 'start'],
        cleanup_timeout: cleanupTimeout,
      },
    },
    { consecutive_failures_threshold: 1 },
  );
}

/** The cleanup action of the only recovery. */
function cleanupOf(world: FaultWorld) {
  return recoveriesOf(world.dbPath)[0]?.actions.find((action) => action.action === 'cleanup');
}

/** The facts every tree case notes. */
function noteCleanup(
  seen: Observation,
  world: FaultWorld,
  tick: { code: number | null; signal: string | null; stdout: string; stderr: string },
): void {
  const cleanup = cleanupOf(world);
  seen.note('tick', describeRun(tick));
  seen.note('actions', actionOutcomes(recoveriesOf(world.dbPath)[0]));
  seen.note('cleanup', `${cleanup?.outcome ?? 'none'}, signal ${cleanup?.signal ?? 'none'}: ${cleanup?.detail ?? ''}`);
}

/** Unmounts the cgroup2 file system inside the namespace: the watchdog there can make no cgroup. */
async function withoutCgroups(world: FaultWorld): Promise<void> {
  await inside(
    world,
    'for m in $(awk \'$9 == "cgroup2" { print $5 }\' /proc/self/mountinfo); do umount -l "$m"; done; ! grep -q " - cgroup2 " /proc/self/mountinfo',
  );
}

/** A descendant that leaves the session (setsid), writes its PID to `$1` and sleeps. */
const SETSID_CHILD = (pidFile: string, trap = ''): string =>
  `setsid sh -c '${trap}echo $$ > ${pidFile}; exec sleep 300'`;

describe('fault injection: whole process trees of commands that time out', () => {
  for (const cgroup of [true, false]) {
    const id = cgroup ? 'r.1' : 'r.2';
    const where = cgroup
      ? 'where the watchdog can make a cgroup (cgroup2 mounted, as here)'
      : 'with no cgroup2 file system (unmounted in the namespace)';
    it(`kills a cleanup's grandchild that called setsid, ${where}`, () =>
      faultCase(
        id,
        `a cleanup (cleanup_timeout 1 s) whose grandchild calls \`setsid\` and sleeps 300 s while the cleanup waits for it, ${where}`,
        `the cleanup fails as timed out; the grandchild, in a session of its own, is gone after the timeout, stopped by ${cgroup ? 'the cgroup and the process tree' : 'the process tree (/proc PPid)'}; the app is started; the bystanders untouched`,
        async (seen) => {
          const world = await startFaultWorld(`tree-setsid-${cgroup ? 'cg' : 'proc'}`);
          if (!cgroup) await withoutCgroups(world);
          cleanupConfig(world, `${SETSID_CHILD('escaped.pid')} & wait`);
          const running = world.watchdog(['check']);
          const escaped = await pidFrom(world, 'escaped.pid');
          const before = await world.ns.state(escaped);
          const tick = await running;
          const after = await world.ns.state(escaped);
          const bystanders = await bystanderReport(world);
          const cleanup = cleanupOf(world);
          noteCleanup(seen, world, tick);
          seen.note('grandchild before the timeout', before);
          seen.note('after the tick', after);
          seen.note('starts', stubStarts(world.dir).length);
          seen.note(describeBystanders(bystanders));

          assert.equal(before, 'alive', 'precondition: the grandchild ran');
          assert.equal(tick.code, 0, describeRun(tick));
          assert.equal(cleanup?.outcome, 'failed');
          assert.equal(cleanup?.timed_out, 1);
          assert.match(
            cleanup?.detail ?? '',
            cgroup ? /by cgroup and process tree\)$/ : /by process tree; no cgroup: .*\)$/,
          );
          assert.ok(isGone(after), `the grandchild is ${after}`);
          assert.deepEqual(stubStarts(world.dir), ['app']);
          assertBystandersUntouched(bystanders);
        },
      ));
  }

  for (const cgroup of [true, false]) {
    const id = cgroup ? 'r.3' : 'r.4';
    it(`a double-forked descendant reparented to init: ${cgroup ? 'the cgroup catches it' : 'the process tree cannot see it'}`, () =>
      faultCase(
        id,
        `a cleanup (cleanup_timeout 1 s) that double-forks: its child calls \`setsid\` and starts a sleeper, then exits at once, so the sleeper is reparented to the namespace's init; ${cgroup ? 'cgroup2 mounted' : 'no cgroup2 file system (unmounted in the namespace)'}`,
        cgroup
          ? 'the sleeper, whose parent is init and whose session is its own, is gone after the timeout: the cgroup holds it (cgroup.kill); the detail names both mechanisms'
          : 'a documented limit, not a promise: nothing in /proc leads from the cleanup to the sleeper, so it lives on; the detail says no cgroup was used and why; nothing outside the tree is signalled',
        async (seen) => {
          const world = await startFaultWorld(`tree-orphan-${cgroup ? 'cg' : 'proc'}`);
          if (!cgroup) await withoutCgroups(world);
          cleanupConfig(world, `( ${SETSID_CHILD('orphan.pid')} & ); exec sleep 300`);
          const running = world.watchdog(['check']);
          const orphan = await pidFrom(world, 'orphan.pid');
          await waitFor(
            'the orphan to be reparented',
            async () => (await world.ns.processes()).find((entry) => entry.pid === orphan)?.ppid === 1,
          );
          const parent = (await world.ns.processes()).find((entry) => entry.pid === orphan)?.ppid;
          const tick = await running;
          const after = await world.ns.state(orphan);
          const bystanders = await bystanderReport(world);
          const cleanup = cleanupOf(world);
          noteCleanup(seen, world, tick);
          seen.note("the orphan's parent before the timeout: PID", parent);
          seen.note('the orphan after the tick', after);
          seen.note(describeBystanders(bystanders));

          assert.equal(parent, 1, 'precondition: reparented to init');
          assert.equal(cleanup?.timed_out, 1);
          if (cgroup) {
            assert.match(cleanup?.detail ?? '', /by cgroup and process tree\)$/);
            assert.ok(isGone(after), `the orphan is ${after}`);
          } else {
            assert.match(
              cleanup?.detail ?? '',
              /by process tree; no cgroup: no cgroup2 file system holds the watchdog\)$/,
            );
            assert.equal(after, 'alive', 'the process tree alone cannot see it (docs/process-trees.md)');
          }
          assertBystandersUntouched(bystanders);
        },
      ));
  }

  it('SIGKILLs descendants that ignore SIGTERM once kill_timeout has passed', () =>
    faultCase(
      'r.5',
      'a cleanup (cleanup_timeout 1 s, kill_timeout 1 s) that ignores SIGTERM, with a grandchild that calls `setsid` and ignores SIGTERM too',
      'both get SIGTERM, live through the grace, and are SIGKILLed: the cleanup is recorded killed by SIGKILL, the grandchild is gone; the bystanders untouched',
      async (seen) => {
        const world = await startFaultWorld('tree-stubborn');
        cleanupConfig(
          world,
          `trap '' TERM; ${SETSID_CHILD('stubborn.pid', 'trap "" TERM; ')} & while :; do sleep 1; done`,
        );
        const running = world.watchdog(['check']);
        const stubborn = await pidFrom(world, 'stubborn.pid');
        const ignored = (await inside(world, 'grep ^SigIgn /proc/"$1"/status', String(stubborn))).trim();
        const tick = await running;
        const after = await world.ns.state(stubborn);
        const bystanders = await bystanderReport(world);
        const cleanup = cleanupOf(world);
        noteCleanup(seen, world, tick);
        seen.note("grandchild's ignored signals", ignored);
        seen.note('grandchild after the tick', after);
        seen.note(describeBystanders(bystanders));

        // SIGTERM is signal 15: bit 14 of the mask.
        assert.ok(
          (BigInt(`0x${ignored.split(/\s+/)[1] ?? '0'}`) & (1n << 14n)) !== 0n,
          'precondition: the grandchild ignores SIGTERM',
        );
        assert.equal(cleanup?.signal, 'SIGKILL');
        assert.equal(cleanup?.timed_out, 1);
        assert.ok(isGone(after), `the grandchild is ${after}`);
        assertBystandersUntouched(bystanders);
      },
    ));

  it("never signals a stranger that took a PID the command's tree once had", () =>
    faultCase(
      'r.6',
      'while a cleanup (cleanup_timeout 3 s) hangs, a child of it exits, and a stranger (a sentinel the test starts, not a descendant) is given that same PID through `ns_last_pid`, in its own session, born after the cleanup',
      "the cleanup's tree is killed; the stranger with the reused-looking PID gets no signal and lives; the bystanders untouched",
      async (seen) => {
        const world = await startFaultWorld('tree-stranger');
        cleanupConfig(world, 'sleep 0.1 & echo $! > child.pid; wait; : > child.done; exec sleep 300', 3);
        const running = world.watchdog(['check']);
        const child = await pidFrom(world, 'child.pid');
        await waitFor('the child to exit', () => existsSync(join(world.dir, 'child.done')));
        const recordFile = join(world.dir, 'stranger.signals');
        let stranger = 0;
        for (let attempt = 0; attempt < 5 && stranger !== child; attempt += 1) {
          // The next PID handed out in the namespace is ns_last_pid + 1.
          await world.ns.run(['/bin/sh', '-c', 'echo "$1" > /proc/sys/kernel/ns_last_pid', 'sh', String(child - 1)], {
            cwd: '/',
          });
          const pid = await startSentinel(world.ns, `${recordFile}.${attempt}`, { detached: true });
          if (pid === child) {
            stranger = pid;
            writeFileSync(recordFile, `${attempt}\n`);
          }
        }
        const tick = await running;
        const attempt = existsSync(recordFile) ? readFileSync(recordFile, 'utf8').trim() : '';
        const strangerSignals = readSentinelRecord(`${recordFile}.${attempt}`).filter((line) => line !== 'ready');
        const strangerState = stranger === 0 ? 'none' : await world.ns.state(stranger);
        const bystanders = await bystanderReport(world);
        noteCleanup(seen, world, tick);
        seen.note("the cleanup's child had PID", child);
        seen.note('the stranger has PID', stranger);
        seen.note('stranger', `${strangerState} (signals: ${strangerSignals.join(',') || 'none'})`);
        seen.note(describeBystanders(bystanders));

        assert.equal(stranger, child, "precondition: the stranger took the PID of the cleanup's child");
        assert.equal(cleanupOf(world)?.timed_out, 1);
        assert.deepEqual(
          { state: strangerState, signals: strangerSignals },
          { state: 'alive', signals: [] },
          'the stranger was not signalled',
        );
        assertBystandersUntouched(bystanders);
      },
    ));
});

describe('fault injection: output logs that cannot be used never block a start', () => {
  it('starts apps whose output log is on a read-only or a full tmpfs, its output in the fallback, and says so', async (t) => {
    const world = await startFaultWorld('output-fallback');
    const readOnly = join(world.dir, 'ro');
    const full = join(world.dir, 'full');
    mkdirSync(readOnly);
    mkdirSync(full);
    await inside(world, 'mount -t tmpfs -o size=64k,mode=0755 ro-logs "$1" && mount -o remount,ro "$1"', readOnly);
    await inside(
      world,
      'mount -t tmpfs -o size=64k,mode=0755 full-logs "$1" && : > "$1/full.out.log" && { dd if=/dev/zero of="$1/fill" bs=4k 2>/dev/null; true; }',
      full,
    );
    const room = (
      await inside(world, 'df -k "$1" | tail -1 | awk \'{ print $3 " of " $2 " KiB used" }\'', full)
    ).trim();
    const ownStart = 'echo "output of $WATCHDOG_PROCESS_KEY"; printf \'%s\\n\' "$WATCHDOG_PROCESS_KEY" >> started.log';
    writeFaultConfig(
      world.dir,
      {
        on_read_only: {
          heartbeat_path: 'ro.json',
          output_log: join(readOnly, 'app.out.log'),
          commands: { start: ownStart },
        },
        on_full: { heartbeat_path: 'full.json', output_log: join(full, 'full.out.log'), commands: { start: ownStart } },
      },
      { consecutive_failures_threshold: 1 },
    );
    const tick = await world.watchdog(['check']);
    const recoveries = recoveriesOf(world.dbPath);
    const log = readFileSync(join(world.dir, 'logs/watchdog.log'), 'utf8');
    const bystanders = await bystanderReport(world);
    const startOf = (key: string) =>
      recoveries.find((row) => row.process_key === key)?.actions.find((action) => action.action === 'start');
    const fallbackOf = (key: string) => join(world.dir, 'logs', `${key}.out.log`);
    const inCase = (text: string) => text.replaceAll(world.dir, '<case>');

    const cases: [id: string, key: string, fault: string, error: RegExp][] = [
      [
        'r.7',
        'on_read_only',
        "an app's `output_log` on a tmpfs remounted read-only (as an SD card after errors), due (no heartbeat; threshold 1)",
        /EROFS/,
      ],
      [
        'r.8',
        'on_full',
        `an app's \`output_log\` on a full tmpfs (size=64k, filled: ${room}), the file already there, due (no heartbeat; threshold 1)`,
        /ENOSPC/,
      ],
    ];
    for (const [id, key, fault, error] of cases) {
      await t.test(key, () =>
        faultCase(
          id,
          fault,
          "the app starts; its output goes to `<log_dir>/<key>.out.log`; the start's detail and a warning in the log name the output log, the error and the fallback; exit 0",
          (seen) => {
            const start = startOf(key);
            const fallback = fallbackOf(key);
            const warning =
              log
                .split('\n')
                .find(
                  (line) =>
                    line.includes(' warn ') && line.includes('cannot use the output file') && line.includes(key),
                ) ?? '';
            const output = existsSync(fallback) ? readFileSync(fallback, 'utf8') : '';
            seen.note('tick', describeRun(tick));
            seen.note('start', inCase(`${start?.outcome ?? 'none'}: ${start?.detail ?? ''}`));
            seen.note('log', inCase(warning.replace(/^\S+ /, '')));
            seen.note("fallback holds the app's output", output.includes(`output of ${key}`));
            seen.note('starts', stubStarts(world.dir));
            seen.note(describeBystanders(bystanders));

            assert.equal(tick.code, 0, describeRun(tick));
            assert.equal(start?.outcome, 'ok', start?.detail ?? 'no start');
            assert.match(start?.detail ?? '', error);
            assert.ok((start?.detail ?? '').includes(`output appended to ${fallback}`), start?.detail ?? 'no start');
            assert.match(warning, error);
            assert.ok(warning.includes(fallback), warning);
            assert.ok(
              output.includes(`output of ${key}`),
              `the fallback holds the app's output: ${JSON.stringify(output)}`,
            );
            assert.ok(stubStarts(world.dir).includes(key));
            assertBystandersUntouched(bystanders);
          },
        ),
      );
    }
  });

  it("starts an app whose output log's folder the watchdog may not write", () =>
    faultCase(
      'r.9',
      "an app's `output_log` in a folder of root's, mode 0555, the watchdog run without CAP_DAC_OVERRIDE (so the mode applies to it), due (no heartbeat; threshold 1)",
      'the app starts; its output goes to `<log_dir>/<key>.out.log`; the detail and a warning in the log name EACCES and the fallback; exit 0',
      async (seen) => {
        const world = await startFaultWorld('output-eacces');
        const locked = join(world.dir, 'locked');
        mkdirSync(locked, { mode: 0o555 });
        writeFaultConfig(
          world.dir,
          { locked: { heartbeat_path: 'locked.json', output_log: join(locked, 'app.out.log') } },
          { consecutive_failures_threshold: 1 },
        );
        const tick = await world.watchdog(['check'], { wrapper: WITHOUT_DAC_OVERRIDE });
        const start = recoveriesOf(world.dbPath)[0]?.actions.find((action) => action.action === 'start');
        const log = readFileSync(join(world.dir, 'logs/watchdog.log'), 'utf8');
        const warning =
          log
            .split('\n')
            .find(
              (line) =>
                line.includes(' warn ') && line.includes('cannot use the output file') && line.includes('locked'),
            ) ?? '';
        const fallback = join(world.dir, 'logs', 'locked.out.log');
        const bystanders = await bystanderReport(world);
        const inCase = (text: string) => text.replaceAll(world.dir, '<case>');
        seen.note('tick', describeRun(tick));
        seen.note('start', inCase(`${start?.outcome ?? 'none'}: ${start?.detail ?? ''}`));
        seen.note('log', inCase(warning.replace(/^\S+ /, '')));
        seen.note('fallback exists', existsSync(fallback));
        seen.note('starts', stubStarts(world.dir));
        seen.note(describeBystanders(bystanders));

        assert.equal(tick.code, 0, describeRun(tick));
        assert.equal(start?.outcome, 'ok', start?.detail ?? 'no start');
        assert.match(start?.detail ?? '', /EACCES/);
        assert.ok((start?.detail ?? '').includes(`output appended to ${fallback}`), start?.detail ?? 'no start');
        assert.match(warning, /EACCES/);
        assert.ok(existsSync(fallback));
        assert.deepEqual(stubStarts(world.dir), ['locked']);
        assertBystandersUntouched(bystanders);
      },
    ));
});
