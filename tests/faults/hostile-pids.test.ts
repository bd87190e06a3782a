// Fault injection: heartbeats that name a PID the watchdog must never signal. The Python
// Watchdog signalled every process it could reach on `"pid": -1`, and killed whatever
// process had reused a dead app's PID. Each case lets the real kill path run (threshold 1,
// pipeline kill → start) inside a PID namespace, with a bystander that records every
// signal, so a bug could only reach processes the case started there.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEMO_APP } from '../helpers/demo-app.js';
import { readSentinelRecord, SENTINEL } from '../helpers/pid-namespace.js';
import { waitFor, waitForBeatOf } from '../helpers/watchdog-in-namespace.js';
import { faultCase } from './report.js';
import {
  actionOutcomes,
  assertBystandersUntouched,
  bystanderReport,
  checksOf,
  describeBystanders,
  describeRun,
  heartbeatJson,
  recoveriesOf,
  startFaultWorld,
  stubStarts,
  writeFaultConfig,
  writeHeartbeat,
} from './fault-scenario.js';

/** The hostile `pid` values, each a process of its own in one config. */
const HOSTILE_PIDS: { key: string; pid: unknown; fault: string }[] = [
  { key: 'pid_minus_1', pid: -1, fault: '"pid": -1 (kill(-1) signals every process)' },
  { key: 'pid_0', pid: 0, fault: '"pid": 0 (kill(0) signals the own process group)' },
  { key: 'pid_1', pid: 1, fault: '"pid": 1 (init)' },
  { key: 'pid_true', pid: true, fault: '"pid": true' },
  { key: 'pid_float', pid: 1.5, fault: '"pid": 1.5 (a float)' },
  { key: 'pid_string', pid: '123', fault: '"pid": "123" (a string)' },
];

describe('fault injection: hostile and reused PIDs', () => {
  it('never signals a hostile PID: only the stub start runs, the bystander and init live unsignalled', async (t) => {
    const world = await startFaultWorld('hostile');
    const hb = join(world.dir, 'hb');
    mkdirSync(hb);
    const processes = Object.fromEntries(
      HOSTILE_PIDS.map(({ key, pid }) => {
        writeHeartbeat(join(hb, `${key}.json`), heartbeatJson({ process_key: key, pid }));
        return [key, { heartbeat_path: `hb/${key}.json` }];
      }),
    );
    writeFaultConfig(world.dir, processes, { consecutive_failures_threshold: 1 });

    const tick = await world.watchdog(['check']);
    const checks = checksOf(world.dbPath);
    const recoveries = recoveriesOf(world.dbPath);
    const bystanders = await bystanderReport(world);
    const starts = stubStarts(world.dir);
    const leftRunning = (await world.ns.processes()).filter(
      (entry) => entry.state !== 'Z' && entry.pid !== 1 && entry.pid !== world.bystander.pid,
    );

    for (const [index, { key, pid, fault }] of HOSTILE_PIDS.entries()) {
      await t.test(key, () =>
        faultCase(
          `b.${index + 1}`,
          `heartbeat with ${fault}; threshold 1, pipeline kill → stub start`,
          'invalid_heartbeat; kill refused/nothing_to_kill with no PID signalled; only the stub start runs; bystander and init alive, unsignalled; exit 0',
          (seen) => {
            const check = checks.find((row) => row.process_key === key);
            const recovery = recoveries.find((row) => row.process_key === key);
            const kill = recovery?.actions.find((action) => action.action === 'kill');
            seen.note(describeRun(tick));
            seen.note(`${check?.health ?? 'no state'}: ${check?.reason ?? 'no reason'}`);
            seen.note('actions', actionOutcomes(recovery));
            seen.note(
              'kill signalled',
              kill?.signal === null || kill === undefined ? 'nothing' : `${kill.signal} to ${String(kill.pid)}`,
            );
            seen.note('stub starts of this key', starts.filter((line) => line === key).length);
            seen.note(describeBystanders(bystanders));

            assert.equal(tick.code, 0, `exit code; stderr: ${tick.stderr}`);
            assert.equal(check?.health, 'invalid_heartbeat', `${key}: ${check?.reason ?? 'no row'}`);
            assert.match(
              check?.reason ?? '',
              new RegExp(`pid must be an integer between 2 and \\d+ \\(got ${escapeRegExp(JSON.stringify(pid))}\\)`),
            );
            assert.deepEqual(
              actionOutcomes(recovery).map((line) => line.split(':')[0]),
              ['kill', 'start'],
              'the recovery ran kill, then start',
            );
            assert.ok(
              kill?.outcome === 'refused' || kill?.outcome === 'nothing_to_kill',
              `kill outcome ${String(kill?.outcome)}: ${kill?.detail ?? ''}`,
            );
            assert.deepEqual(
              { pid: kill?.pid, signal: kill?.signal },
              { pid: null, signal: null },
              'kill signalled no PID',
            );
            assert.equal(starts.filter((line) => line === key).length, 1, 'the stub start ran once for it');
            assertBystandersUntouched(bystanders);
          },
        ),
      );
    }
    await t.test('the tick as a whole', () => {
      assert.equal(checks.length, HOSTILE_PIDS.length, 'one check row per process');
      assert.deepEqual(
        [...starts].sort(),
        HOSTILE_PIDS.map(({ key }) => key).sort(),
        'the stub start ran once per process, nothing else',
      );
      assert.deepEqual(
        leftRunning.map((entry) => entry.cmdline.join(' ')),
        [],
        'nothing the watchdog ran is left running',
      );
    });
  });

  it("never signals a process that reused a dead app's PID (start time, match, boot)", async (t) => {
    const world = await startFaultWorld('reuse');
    const { ns, dir } = world;
    mkdirSync(join(dir, 'hb'));

    // The app: the demo app (HeartbeatWriter records its pid_start_ticks and boot_id).
    const appPid = await ns.spawn(
      [process.execPath, DEMO_APP, '--heartbeat-dir', join(dir, 'hb'), '--key', 'app', '--interval-ms', '100'],
      {
        cwd: dir,
        detached: true,
      },
    );
    const heartbeatPath = join(dir, 'hb/app.json');
    await waitForBeatOf(heartbeatPath, appPid);
    const beat = JSON.parse(readFileSync(heartbeatPath, 'utf8')) as {
      pid: number;
      pid_start_ticks?: number;
      boot_id?: string;
    };
    assert.ok(
      typeof beat.pid_start_ticks === 'number' && typeof beat.boot_id === 'string',
      `the app's heartbeat records its identity: ${JSON.stringify(beat)}`,
    );

    // It crashes (SIGKILL: its heartbeat stays), and the namespace's init reaps it: its PID is free.
    await ns.signal(appPid, 'SIGKILL');
    await waitFor(`the app (PID ${appPid}) to be reaped`, async () => (await ns.state(appPid)) === 'dead');

    // The next PID the kernel hands out in this namespace is ns_last_pid + 1: an unrelated
    // process (a sentinel that records signals) gets exactly the app's PID. The shell writes
    // ns_last_pid, then forks (a simple command with `&`: no subshell forks before the write).
    const strangerRecord = join(dir, 'stranger.signals');
    const forked = await ns.run([
      'sh',
      '-c',
      `echo ${appPid - 1} > /proc/sys/kernel/ns_last_pid; ${shellWord(process.execPath)} ${shellWord(SENTINEL)} ${shellWord(strangerRecord)} </dev/null >/dev/null 2>&1 & echo $!`,
    ]);
    const strangerPid = Number(forked.stdout.trim());
    await waitFor('the stranger to be ready', () => readSentinelRecord(strangerRecord).includes('ready'));
    assert.equal(strangerPid, appPid, `the stranger got the dead app's PID (${appPid}); stderr: ${forked.stderr}`);

    // The same PID, named by a heartbeat with the stranger's own start time but another
    // boot's id: as if written before a reboot by an app that had this PID then.
    const strangerStat = await ns.run(['cat', `/proc/${strangerPid}/stat`]);
    const strangerTicks = Number(strangerStat.stdout.slice(strangerStat.stdout.lastIndexOf(')') + 2).split(' ')[19]);
    assert.ok(
      Number.isSafeInteger(strangerTicks) && strangerTicks > 0,
      `the stranger's start time: ${strangerStat.stdout}`,
    );
    writeHeartbeat(
      join(dir, 'hb/rebooted.json'),
      heartbeatJson({
        process_key: 'rebooted',
        pid: strangerPid,
        pid_start_ticks: strangerTicks,
        boot_id: '00000000-0000-4000-8000-00000000b007',
      }),
    );
    // The same PID, named by a heartbeat with no identity keys (as the Python tool's writers
    // write it), written now; only `match` tells the stranger from the app.
    writeHeartbeat(join(dir, 'hb/legacy.json'), heartbeatJson({ process_key: 'legacy', pid: strangerPid }));
    writeFaultConfig(
      dir,
      {
        app: { heartbeat_path: 'hb/app.json' },
        legacy: { heartbeat_path: 'hb/legacy.json', match: 'demo-app\\.mjs' },
        rebooted: { heartbeat_path: 'hb/rebooted.json' },
      },
      { consecutive_failures_threshold: 2 },
    );

    const ticks = [await world.watchdog(['check']), await world.watchdog(['check'])];
    const checks = checksOf(world.dbPath);
    const recoveries = recoveriesOf(world.dbPath);
    const strangerState = await ns.state(strangerPid);
    const strangerSignals = readSentinelRecord(strangerRecord).filter((line) => line !== 'ready');
    const bystanders = await bystanderReport(world);

    const cases = [
      {
        id: 'c.1',
        key: 'app',
        fault:
          'PID reuse: the app died, an unrelated process got its exact PID (forced with ns_last_pid); heartbeat has pid_start_ticks and boot_id',
        reason: /is another process: .*\(PID reused\)/,
      },
      {
        id: 'c.2',
        key: 'legacy',
        fault:
          'PID reuse, heartbeat without identity keys (written after the stranger started) but with a `match` the stranger does not fit',
        reason: /is not the app: its command line .* does not match demo-app\\\.mjs/,
      },
      {
        id: 'c.3',
        key: 'rebooted',
        fault:
          "a live PID whose start time matches the heartbeat's pid_start_ticks but whose boot differs (boot_id of another boot)",
        reason: /is not the app: its heartbeat was written before the last reboot/,
      },
    ];
    for (const { id, key, fault, reason } of cases) {
      await t.test(key, () =>
        faultCase(
          id,
          `${fault}; threshold 2, two ticks, pipeline kill → stub start`,
          'stale_pid twice with a reason about PID reuse/identity; kill refused, nothing signalled; the stranger alive, its SIGTERM handler wrote nothing; exit 0',
          (seen) => {
            const own = checks.filter((row) => row.process_key === key);
            const recovery = recoveries.find((row) => row.process_key === key);
            const kill = recovery?.actions.find((action) => action.action === 'kill');
            seen.note('stranger PID', `${strangerPid} (app was ${appPid})`);
            seen.note('ticks', ticks.map(describeRun).join(', '));
            seen.note('states', own.map((row) => `${row.health}/${row.consecutive_failures ?? '?'}`).join(', '));
            seen.note('reason', own[0]?.reason ?? 'none');
            seen.note('actions', actionOutcomes(recovery));
            seen.note('kill detail', kill?.detail ?? 'none');
            seen.note(`stranger ${strangerState} (signals: ${strangerSignals.join(',') || 'none'})`);
            seen.note(describeBystanders(bystanders));

            assert.deepEqual(
              ticks.map((tick) => tick.code),
              [0, 0],
              `exit codes; stderr: ${ticks.map((tick) => tick.stderr).join(' | ')}`,
            );
            assert.deepEqual(
              own.map((row) => [row.health, row.consecutive_failures, row.pid]),
              [
                ['stale_pid', 1, strangerPid],
                ['stale_pid', 2, strangerPid],
              ],
            );
            for (const row of own) assert.match(row.reason ?? '', reason);
            assert.equal(kill?.outcome, 'refused', `kill outcome ${String(kill?.outcome)}: ${kill?.detail ?? ''}`);
            assert.deepEqual(
              { pid: kill?.pid, signal: kill?.signal },
              { pid: null, signal: null },
              'kill signalled no PID',
            );
            assert.equal(checks.length, 2 * cases.length, 'one check_history row per process per tick');
            assert.equal(strangerState, 'alive', 'the stranger is alive');
            assert.deepEqual(strangerSignals, [], 'the stranger received no signal');
            assertBystandersUntouched(bystanders);
          },
        ),
      );
    }
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Single-quotes a word for /bin/sh. */
function shellWord(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
