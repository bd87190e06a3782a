// Fault injection: "may we start now?" (docs/starting-apps.md). Cron, `on`, `restart` and
// `start-all` facing an untrusted heartbeat that names a live process; a start command that
// daemonizes (double fork + setsid, a PID file) through several recoveries; PID files that
// name a stranger or are a link the app's user planted; `on` right after `off`; the start
// grace across wall-clock steps (libfaketime). Each runs the built watchdog inside a PID
// namespace with a bystander that no one may signal.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, lchownSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { PidNamespace } from '../helpers/pid-namespace.js';
import { WATCHDOG_BIN } from '../helpers/run-watchdog.js';
import { waitFor } from '../helpers/watchdog-in-namespace.js';
import { faultCase } from './report.js';
import {
  actionOutcomes,
  assertBystandersUntouched,
  bystanderReport,
  checksOf,
  describeBystanders,
  describeRun,
  heartbeatJson,
  processRowOf,
  recoveriesOf,
  startFaultWorld,
  stubStarts,
  writeFaultConfig,
  writeHeartbeat,
  type FaultWorld,
} from './fault-scenario.js';

/**
 * A heartbeat naming the bystander, untrusted: its iteration is not an integer (the PID is
 * sound, so it is reported). Not its status: any status is judged by the health rule
 * (error_status), whose PID is trusted.
 */
function untrustedHeartbeatNamingBystander(world: FaultWorld): void {
  mkdirSync(join(world.dir, 'hb'), { recursive: true });
  writeHeartbeat(
    join(world.dir, 'hb/app.json'),
    heartbeatJson({ process_key: 'app', pid: world.bystander.pid, iteration: 'many' }),
  );
}

/** A start command that daemonizes as nginx does: the child leaves with setsid, the daemon writes its PID, the command exits 0. */
const DAEMONIZING_START = `( setsid sh -c 'echo $$ > run/app.pid; exec sleep 1001' < /dev/null > /dev/null 2>&1 & ); echo started >> started.log`;

/** The first line a command printed, its temp folder left out. */
function firstLine(text: string, dir: string): string {
  return (text.trim().split('\n')[0] ?? '').replaceAll(dir, '<dir>');
}

/** Live (non-zombie) processes whose command line is `sleep <seconds>`. */
async function liveSleeps(ns: PidNamespace, seconds: string): Promise<number[]> {
  return (await ns.processes())
    .filter((entry) => entry.state !== 'Z' && entry.cmdline.join(' ') === `sleep ${seconds}`)
    .map((entry) => entry.pid);
}

/** The libfaketime preload library, found the way Debian installs it; missing is a failure, never a skip. */
function libfaketime(): string {
  const found = readdirSync('/usr/lib')
    .map((arch) => join('/usr/lib', arch, 'faketime/libfaketime.so.1'))
    .filter((path) => existsSync(path));
  if (found[0] === undefined)
    throw new Error('libfaketime.so.1 not found under /usr/lib/*/faketime/ (install the Debian package faketime)');
  return found[0];
}

describe('fault injection: may we start now?', () => {
  it('cron and `on` both refuse, with the same reason, when an untrusted heartbeat names a live process', () =>
    faultCase(
      'v.1',
      'an untrusted heartbeat (iteration not an integer) names a live process (the bystander); threshold 1; then `watchdog on`',
      'cron records its due recovery as skipped and `on` refuses, both with the same reason (it may be the app, never signalled); nothing started, the bystander untouched',
      async (seen) => {
        const world = await startFaultWorld('start-untrusted');
        writeFaultConfig(world.dir, { app: { heartbeat_path: 'hb/app.json' } }, { consecutive_failures_threshold: 1 });
        untrustedHeartbeatNamingBystander(world);
        const tick = await world.watchdog(['check']);
        const on = await world.watchdog(['on', 'app']);
        const recoveries = recoveriesOf(world.dbPath);
        const bystanders = await bystanderReport(world);
        seen.note('tick', describeRun(tick));
        seen.note('on', `${describeRun(on)}: ${firstLine(on.stdout, world.dir)}`);
        seen.note(
          'recoveries',
          recoveries.map((row) => `${row.kind}/${row.command} ${row.outcome}`),
        );
        seen.note('same reason in both rows', recoveries[0]?.detail === recoveries[1]?.detail);
        seen.note('starts', stubStarts(world.dir).length);
        seen.note(describeBystanders(bystanders));

        assert.equal(tick.code, 0);
        assert.equal(on.code, 0);
        assert.deepEqual(
          recoveries.map((row) => [row.kind, row.command, row.outcome]),
          [
            ['recovery', 'check', 'skipped'],
            ['start', 'on', 'skipped'],
          ],
        );
        const [cron, manual] = recoveries;
        assert.match(
          cron?.detail ?? '',
          new RegExp(`^its heartbeat cannot be trusted and names PID ${world.bystander.pid}, which is alive`),
        );
        assert.equal(cron?.detail, manual?.detail, 'the same reason');
        assert.deepEqual(stubStarts(world.dir), []);
        assertBystandersUntouched(bystanders);
      },
    ));

  it('the dry runs show the same refusal and change nothing', () =>
    faultCase(
      'v.10',
      'an untrusted heartbeat names a live process (the bystander); threshold 1; `check --dry-run`, then `restart app --dry-run`',
      'both print that the start would be refused, with the reason cron gives; no database is created, nothing started',
      async (seen) => {
        const world = await startFaultWorld('start-dry-run');
        writeFaultConfig(world.dir, { app: { heartbeat_path: 'hb/app.json' } }, { consecutive_failures_threshold: 1 });
        untrustedHeartbeatNamingBystander(world);
        const check = await world.watchdog(['check', '--dry-run']);
        const restart = await world.watchdog(['restart', 'app', '--dry-run']);
        const refusal = (text: string): string =>
          text.split('\n').find((line) => line.includes('refused')) ?? '(no refusal line)';
        const bystanders = await bystanderReport(world);
        seen.note('check --dry-run', `${describeRun(check)}: ${refusal(check.stdout)}`);
        seen.note('restart --dry-run', `${describeRun(restart)}: ${refusal(restart.stdout)}`);
        seen.note('database', existsSync(world.dbPath) ? 'created' : 'none');
        seen.note('starts', stubStarts(world.dir).length);
        seen.note(describeBystanders(bystanders));

        const reason = `its heartbeat cannot be trusted and names PID ${world.bystander.pid}, which is alive: it may be the app`;
        assert.equal(check.code, 0);
        assert.equal(restart.code, 0);
        assert.match(refusal(check.stdout), /→ its recovery is due but would be refused: /);
        assert.ok(refusal(check.stdout).includes(reason), check.stdout);
        assert.match(refusal(restart.stdout), /→ a restart would be refused: /);
        assert.ok(refusal(restart.stdout).includes(reason), restart.stdout);
        assert.equal(existsSync(world.dbPath), false);
        assert.deepEqual(stubStarts(world.dir), []);
        assertBystandersUntouched(bystanders);
      },
    ));

  it('a start command that daemonizes: exactly one daemon through three recoveries', () =>
    faultCase(
      'v.2',
      'the start command double-forks a daemon (setsid) that writes run/app.pid and never beats; threshold 1, no grace, no backoff; four ticks',
      'each recovery stops the daemon recorded from the PID file (by PID, start ticks, boot id) before the next start: exactly one daemon after every tick, each a new one',
      async (seen) => {
        const world = await startFaultWorld('start-daemon');
        mkdirSync(join(world.dir, 'run'));
        writeFaultConfig(
          world.dir,
          {
            app: {
              heartbeat_path: 'hb/app.json',
              commands: { start: DAEMONIZING_START },
              pid_file: 'run/app.pid',
              start_grace_seconds: 0,
            },
          },
          { consecutive_failures_threshold: 1, recovery_backoff_seconds: 0, max_recoveries: 100 },
        );
        const daemonsAfter: number[][] = [];
        for (let tick = 0; tick < 4; tick += 1) {
          const run = await world.watchdog(['check']);
          assert.equal(run.code, 0, describeRun(run));
          daemonsAfter.push(await liveSleeps(world.ns, '1001'));
        }
        const recoveries = recoveriesOf(world.dbPath);
        const row = processRowOf(world.dbPath, 'app');
        const bystanders = await bystanderReport(world);
        seen.note('daemons after each tick', daemonsAfter.map((pids) => `[${pids.join(',')}]`).join(' '));
        seen.note(
          'recoveries',
          recoveries.map((recovery) => `${recovery.outcome} (${actionOutcomes(recovery).join(', ')})`),
        );
        seen.note(
          'recorded instance',
          `PID ${String(row?.started_pid)}, ticks ${String(row?.started_pid_start_ticks)}, boot ${row?.started_boot_id === null ? 'none' : 'recorded'}`,
        );
        seen.note(describeBystanders(bystanders));

        assert.deepEqual(
          daemonsAfter.map((pids) => pids.length),
          [1, 1, 1, 1],
          'exactly one daemon after every tick',
        );
        assert.equal(new Set(daemonsAfter.flat()).size, 4, 'each recovery replaced the daemon');
        assert.deepEqual(
          recoveries.map((recovery) => recovery.outcome),
          ['succeeded', 'succeeded', 'succeeded', 'succeeded'],
        );
        assert.deepEqual(
          recoveries.slice(1).map((recovery) => recovery.actions[0]?.outcome),
          ['ok', 'ok', 'ok'],
          'kill stopped the recorded daemon each time',
        );
        assert.equal(row?.started_pid, daemonsAfter[3]?.[0], 'the live daemon is the recorded instance');
        assert.notEqual(row?.started_boot_id, null);
        assertBystandersUntouched(bystanders);
      },
    ));

  it('a start command that forks a daemon without pid_file: found in its session, exactly one through three recoveries', () =>
    faultCase(
      'v.9',
      'the start command backgrounds a daemon (no setsid, no PID file) and exits 0; no pid_file; threshold 1, no grace, no backoff; four ticks',
      "the daemon left in the start command's session is recorded and stopped before each new start: exactly one daemon after every tick",
      async (seen) => {
        const world = await startFaultWorld('start-session');
        writeFaultConfig(
          world.dir,
          {
            app: {
              heartbeat_path: 'hb/app.json',
              commands: { start: 'sleep 1004 < /dev/null & echo started >> started.log' },
              start_grace_seconds: 0,
            },
          },
          { consecutive_failures_threshold: 1, recovery_backoff_seconds: 0, max_recoveries: 100, verify_delay: 0.2 },
        );
        const daemonsAfter: number[][] = [];
        for (let tick = 0; tick < 4; tick += 1) {
          const run = await world.watchdog(['check']);
          assert.equal(run.code, 0, describeRun(run));
          // The backgrounded shell may not have exec'd sleep yet on a loaded machine (its command
          // line is still the start command's): wait for one, then count them all.
          await waitFor('the daemon to exec sleep', async () => (await liveSleeps(world.ns, '1004')).length > 0);
          daemonsAfter.push(await liveSleeps(world.ns, '1004'));
        }
        const recoveries = recoveriesOf(world.dbPath);
        const bystanders = await bystanderReport(world);
        const startDetail = recoveries[0]?.actions.find((action) => action.action === 'start')?.detail ?? '';
        seen.note('daemons after each tick', daemonsAfter.map((pids) => `[${pids.join(',')}]`).join(' '));
        seen.note('first start', startDetail.replaceAll(world.dir, '<dir>'));
        seen.note(
          'recoveries',
          recoveries.map((recovery) => `${recovery.outcome} (${actionOutcomes(recovery).join(', ')})`),
        );
        seen.note(describeBystanders(bystanders));

        assert.match(startDetail, /daemon PID \d+ \(left in the start command's session\) recorded/);
        assert.deepEqual(
          daemonsAfter.map((pids) => pids.length),
          [1, 1, 1, 1],
          'exactly one daemon after every tick',
        );
        assert.deepEqual(
          recoveries.slice(1).map((recovery) => recovery.actions[0]?.outcome),
          ['ok', 'ok', 'ok'],
          'kill stopped the recorded daemon each time',
        );
        assertBystandersUntouched(bystanders);
      },
    ));

  it('a PID file naming a stranger: never taken, never signalled', () =>
    faultCase(
      'v.3',
      "the start command writes the bystander's PID (a process older than the start) into pid_file and exits 0; threshold 1, no grace; two ticks",
      'the PID is not taken (started before the start command), nothing is recorded, the next recovery kills nothing; the bystander is never signalled',
      async (seen) => {
        const world = await startFaultWorld('start-stranger');
        mkdirSync(join(world.dir, 'run'));
        const start = `echo ${world.bystander.pid} > run/app.pid; echo started >> started.log`;
        writeFaultConfig(
          world.dir,
          {
            app: {
              heartbeat_path: 'hb/app.json',
              commands: { start },
              pid_file: 'run/app.pid',
              start_grace_seconds: 0,
            },
          },
          { consecutive_failures_threshold: 1, recovery_backoff_seconds: 0, verify_delay: 0.2 },
        );
        const first = await world.watchdog(['check']);
        const second = await world.watchdog(['check']);
        const recoveries = recoveriesOf(world.dbPath);
        const row = processRowOf(world.dbPath, 'app');
        const bystanders = await bystanderReport(world);
        const startDetail = recoveries[0]?.actions.find((action) => action.action === 'start')?.detail ?? '';
        seen.note('ticks', `${describeRun(first)}, ${describeRun(second)}`);
        seen.note('first start', startDetail.replaceAll(world.dir, '<dir>'));
        seen.note('recorded instance', String(row?.started_pid));
        seen.note('second recovery', actionOutcomes(recoveries[1]));
        seen.note(describeBystanders(bystanders));

        assert.match(
          startDetail,
          new RegExp(
            `names PID ${world.bystander.pid} started before the start command: another program, not its daemon: not taken`,
          ),
        );
        assert.equal(row?.started_pid, null, 'nothing recorded');
        assert.deepEqual(actionOutcomes(recoveries[1]), ['kill: nothing_to_kill', 'start: ok']);
        assertBystandersUntouched(bystanders);
      },
    ));

  it("a PID file that is a symbolic link planted by the app's user: not followed", () =>
    faultCase(
      'v.4',
      "pid_file in the app's folder (owned by nobody) is a link, owned by nobody, to a file naming the bystander; threshold 1, no grace; two ticks",
      'the link is never followed (the start notes it), nothing is recorded, the next recovery kills nothing; the bystander is never signalled',
      async (seen) => {
        const world = await startFaultWorld('start-pid-link');
        const run = join(world.dir, 'run');
        mkdirSync(run);
        chmodSync(world.dir, 0o755);
        lchownSync(run, 65534, 65534);
        writeFileSync(join(world.dir, 'bystander.pid'), `${world.bystander.pid}\n`);
        symlinkSync(join(world.dir, 'bystander.pid'), join(run, 'app.pid'));
        lchownSync(join(run, 'app.pid'), 65534, 65534);
        writeFaultConfig(
          world.dir,
          { app: { heartbeat_path: 'hb/app.json', pid_file: 'run/app.pid', start_grace_seconds: 0 } },
          { consecutive_failures_threshold: 1, recovery_backoff_seconds: 0, verify_delay: 0.2 },
        );
        const first = await world.watchdog(['check']);
        const second = await world.watchdog(['check']);
        const recoveries = recoveriesOf(world.dbPath);
        const row = processRowOf(world.dbPath, 'app');
        const bystanders = await bystanderReport(world);
        const startDetail = recoveries[0]?.actions.find((action) => action.action === 'start')?.detail ?? '';
        seen.note('ticks', `${describeRun(first)}, ${describeRun(second)}`);
        seen.note('first start', startDetail.replaceAll(world.dir, '<dir>'));
        seen.note('recorded instance', String(row?.started_pid));
        seen.note('second recovery', actionOutcomes(recoveries[1]));
        seen.note(describeBystanders(bystanders));

        assert.match(startDetail, /run\/app\.pid is a symbolic link: not followed/);
        assert.equal(row?.started_pid, null, 'nothing recorded');
        assert.deepEqual(actionOutcomes(recoveries[1]), ['kill: nothing_to_kill', 'start: ok']);
        assertBystandersUntouched(bystanders);
      },
    ));

  it('`on` right after `off` starts at once', () =>
    faultCase(
      'v.5',
      '`on` starts an app that never beats (start grace 300 s), `off` stops it, `on` again at once',
      'the second `on` starts the app at once (off ended the grace and the instance is gone): two starts, exactly one instance running at the end',
      async (seen) => {
        const world = await startFaultWorld('start-on-off-on');
        writeFaultConfig(world.dir, {
          app: {
            heartbeat_path: 'hb/app.json',
            commands: { start: 'echo started >> started.log; exec sleep 1002' },
            start_grace_seconds: 300,
          },
        });
        const on1 = await world.watchdog(['on', 'app']);
        const afterOn = await liveSleeps(world.ns, '1002');
        const off = await world.watchdog(['off', 'app']);
        const afterOff = await liveSleeps(world.ns, '1002');
        const on2 = await world.watchdog(['on', 'app']);
        const afterOn2 = await liveSleeps(world.ns, '1002');
        const bystanders = await bystanderReport(world);
        seen.note('on', `${describeRun(on1)}: ${firstLine(on1.stdout, world.dir)}; running ${afterOn.length}`);
        seen.note('off', `${describeRun(off)}: ${firstLine(off.stdout, world.dir)}; running ${afterOff.length}`);
        seen.note('on again', `${describeRun(on2)}: ${firstLine(on2.stdout, world.dir)}; running ${afterOn2.length}`);
        seen.note('starts', stubStarts(world.dir).length);
        seen.note(describeBystanders(bystanders));

        assert.deepEqual([afterOn.length, afterOff.length, afterOn2.length], [1, 0, 1]);
        assert.match(on2.stdout, /start #\d+ succeeded/);
        assert.equal(stubStarts(world.dir).length, 2);
        assertBystandersUntouched(bystanders);
      },
    ));

  it('`restart` and `start-all` follow the same rule', () =>
    faultCase(
      'v.6',
      'an untrusted heartbeat names a live process (the bystander); `watchdog restart app`, then `watchdog start-all`',
      'both refuse with the reason cron and `on` give (exit 0, outcome skipped); nothing started; the bystander untouched',
      async (seen) => {
        const world = await startFaultWorld('start-restart');
        writeFaultConfig(world.dir, { app: { heartbeat_path: 'hb/app.json' } });
        untrustedHeartbeatNamingBystander(world);
        const restart = await world.watchdog(['restart', 'app']);
        const startAll = await world.watchdog(['start-all']);
        const recoveries = recoveriesOf(world.dbPath);
        const bystanders = await bystanderReport(world);
        seen.note('restart', `${describeRun(restart)}: ${firstLine(restart.stdout, world.dir)}`);
        seen.note('start-all', `${describeRun(startAll)}: ${firstLine(startAll.stdout, world.dir)}`);
        seen.note(
          'recoveries',
          recoveries.map((row) => `${row.command} ${row.outcome}`),
        );
        seen.note('starts', stubStarts(world.dir).length);
        seen.note(describeBystanders(bystanders));

        const reason = new RegExp(
          `its heartbeat cannot be trusted and names PID ${world.bystander.pid}, which is alive: it may be the app`,
        );
        assert.match(restart.stdout, reason);
        assert.match(startAll.stdout, reason);
        assert.deepEqual(
          recoveries.map((row) => [row.command, row.outcome]),
          [
            ['restart', 'skipped'],
            ['start-all', 'skipped'],
          ],
        );
        assert.equal(recoveries[0]?.detail, recoveries[1]?.detail);
        assert.deepEqual(stubStarts(world.dir), []);
        assertBystandersUntouched(bystanders);
      },
    ));

  for (const [id, step, offset] of [
    ['v.7', 'forward', '+3h'],
    ['v.8', 'back', '-3h'],
  ] as const) {
    it(`the start grace holds across a wall-clock step ${step} of 3 hours`, () =>
      faultCase(
        id,
        `cron starts an app that has not beaten yet (start grace 120 s, threshold 1); the next tick runs with the wall clock stepped ${step} 3 h (libfaketime ${offset})`,
        'the grace is judged on the boot clock: the stepped tick records `starting`, runs no recovery; one start, one instance',
        async (seen) => {
          const preload = libfaketime();
          const world = await startFaultWorld(`start-step-${step}`);
          writeFaultConfig(
            world.dir,
            {
              app: {
                heartbeat_path: 'hb/app.json',
                commands: { start: 'echo started >> started.log; exec sleep 1003' },
                start_grace_seconds: 120,
              },
            },
            { consecutive_failures_threshold: 1 },
          );
          const first = await world.watchdog(['check']);
          assert.equal(existsSync(join(world.dir, 'started.log')), true, 'the first tick started the app');
          const stepped = await world.ns.run([process.execPath, WATCHDOG_BIN, 'check', '-c', world.configPath], {
            cwd: '/',
            env: { LD_PRELOAD: preload, FAKETIME: offset, FAKETIME_DONT_FAKE_MONOTONIC: '1', FAKETIME_NO_CACHE: '1' },
          });
          const checks = checksOf(world.dbPath);
          const running = await liveSleeps(world.ns, '1003');
          const bystanders = await bystanderReport(world);
          seen.note('ticks', `${describeRun(first)}, stepped ${describeRun(stepped)}`);
          seen.note(
            'checks',
            checks.map((row) => `${row.checked_at.slice(0, 16)} ${row.health}/${row.action_taken ?? '-'}`),
          );
          seen.note('starts', stubStarts(world.dir).length);
          seen.note('instances running', running.length);
          seen.note(describeBystanders(bystanders));

          assert.equal(stepped.code, 0, describeRun(stepped));
          const shift = Date.parse(checks[1]?.checked_at ?? '') - Date.parse(checks[0]?.checked_at ?? '');
          assert.ok(
            Math.abs(Math.abs(shift) - 3 * 3_600_000) < 600_000,
            `the stepped tick saw the clock moved ${offset} (${shift} ms)`,
          );
          assert.deepEqual(
            checks.map((row) => row.health),
            ['no_heartbeat', 'starting'],
          );
          assert.equal(stubStarts(world.dir).length, 1);
          assert.equal(running.length, 1);
          assertBystandersUntouched(bystanders);
        },
      ));
  }
});
