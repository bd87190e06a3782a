// End-to-end tests of the recovery pipeline: the built watchdog runs `check` as cron
// would, inside a PID namespace (so a bug in the kill path can only reach processes
// inside it), against the demo app that embeds HeartbeatWriter. What they assert is
// what a user sees: exit codes, stdout/stderr, the audit database, the app's output log
// and which processes are left running.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import { heartbeatText, writeFileAt } from '../helpers/heartbeats.js';
import { readSentinelRecord, startSentinel, type NsProcess } from '../helpers/pid-namespace.js';
import {
  assertGone,
  assertHealthyAfterStart,
  checksIn,
  demoAppCommand,
  hashFile,
  outputLogText,
  processStateIn,
  quietTick,
  recoveriesIn,
  rowCountsIn,
  spawnDemoApp,
  startScenario,
  waitForState,
  waitUntilStale,
  type Scenario,
} from '../helpers/watchdog-in-namespace.js';
import type { RecoveryActionRow, RecoveryWithActions } from '../../src/store/read-state.js';

/** Each action as `name: outcome`, in pipeline order. */
function outcomesOf(recovery: RecoveryWithActions | undefined): string[] {
  return (recovery?.actions ?? []).map((action) => `${action.action}: ${action.outcome}`);
}

function actionOf(recovery: RecoveryWithActions | undefined, name: string): RecoveryActionRow {
  const action = recovery?.actions.find((candidate) => candidate.action === name);
  assert.ok(action, `recovery #${recovery?.id ?? '?'} has a ${name} action: ${JSON.stringify(recovery?.actions)}`);
  return action;
}

/** The tick that reaches the threshold, run with --verbose: exit 0, its lines on stdout, nothing on stderr. */
async function recoveringTick(scenario: Scenario): Promise<string> {
  const result = await scenario.watchdog(['check', '--verbose']);
  assert.equal(result.code, 0, `exit code; stderr: ${result.stderr}\napp output log:\n${outputLogText(scenario)}`);
  assert.equal(result.stderr, '');
  return result.stdout;
}

/** The output log has the watchdog's header for this start, then the app's own start line. */
function assertOutputLogOfStart(scenario: Scenario, startedPid: number, triggerHealth: string): void {
  const log = readFileSync(scenario.outputLog, 'utf8');
  const header = new RegExp(`^--- \\d{4}-\\d\\d-\\d\\dT\\S+ watchdog started app: ${triggerHealth} \\(.+\\) ---$`, 'm');
  assert.match(log, header);
  assert.match(log, new RegExp(`^demo-app: pid ${startedPid}, heartbeat \\S*app\\.json, interval 100 ms$`, 'm'));
  assert.ok(log.search(header) < log.indexOf(`demo-app: pid ${startedPid},`), `the header comes first:\n${log}`);
}

describe('watchdog check recovers a failing app (inside a PID namespace)', () => {
  it('kills a hung app at the threshold, runs the cleanup, and starts a new instance that is healthy on the next tick', async () => {
    const scenario = await startScenario();
    const { ns, dir, dbPath, heartbeatPath, watchdog } = scenario;
    const hung = await spawnDemoApp(ns, dir);
    await quietTick(watchdog, 'while the app beats');
    assert.equal(checksIn(dbPath).at(-1)?.health, 'healthy');

    await ns.signal(hung, 'SIGSTOP');
    await waitForState(ns, hung, ['stopped']);
    await waitUntilStale(heartbeatPath, 1);
    await quietTick(watchdog, 'the first failed check');
    assert.deepEqual(recoveriesIn(dbPath), [], 'one failure is below the threshold of 2');
    assert.equal(await ns.state(hung), 'stopped', 'nothing done to the app yet');

    const stdout = await recoveringTick(scenario);
    assert.match(stdout, /^app: timed_out \(last heartbeat \S+ ago, timeout 1s\), failure 2\/2, recovery due$/m);
    assert.match(stdout, /^app: recovery #1 succeeded$/m);
    assert.match(stdout, new RegExp(`^  kill: ok: process group ${hung}: exited .* after SIGTERM$`, 'm'));
    assert.match(stdout, /^ {2}clear_db: ok: exited 0 after /m);
    assert.match(stdout, /^ {2}start: ok: PID \d+ running after 0\.5s; output appended to /m);

    const [recovery, ...more] = recoveriesIn(dbPath);
    assert.equal(more.length, 0, 'one recovery');
    assert.deepEqual(
      {
        kind: recovery?.kind,
        command: recovery?.command,
        requested_by: recovery?.requested_by,
        trigger_health: recovery?.trigger_health,
        outcome: recovery?.outcome,
        detail: recovery?.detail,
      },
      {
        kind: 'recovery',
        command: 'check',
        requested_by: 'cron',
        trigger_health: 'timed_out',
        outcome: 'succeeded',
        detail: null,
      },
    );
    assert.deepEqual(outcomesOf(recovery), ['kill: ok', 'clear_db: ok', 'start: ok']);
    const kill = actionOf(recovery, 'kill');
    assert.deepEqual({ pid: kill.pid, signal: kill.signal }, { pid: hung, signal: 'SIGTERM' });
    const start = actionOf(recovery, 'start');
    assert.equal(start.pid, recovery?.started_pid);
    assert.notEqual(start.pid, hung);
    await assertGone(ns, hung, 'the hung instance');
    assert.equal(
      readFileSync(join(dir, 'cleared.log'), 'utf8'),
      'clear_db --force\n',
      'clear_db ran once, with cleanup_args',
    );

    const checks = checksIn(dbPath);
    assert.deepEqual(
      checks
        .slice(-2)
        .map((check) => [check.health, check.consecutive_failures, check.action_taken, check.recovery_id]),
      [
        ['timed_out', 1, null, null],
        ['timed_out', 2, 'recovery', recovery?.id],
      ],
    );
    assert.equal(processStateIn(dbPath)?.last_recovery_id, recovery?.id);

    const startedPid = await assertHealthyAfterStart(scenario, recovery?.started_pid ?? null);
    assertOutputLogOfStart(scenario, startedPid, 'timed_out');

    const status = await watchdog(['status', '--json']);
    assert.equal(status.code, 0, status.stderr);
    const [app] = (
      JSON.parse(status.stdout) as {
        processes: { last_recovery: { id: number; outcome: string } | null; output_log: string }[];
      }
    ).processes;
    assert.deepEqual(
      { last: app?.last_recovery?.id, outcome: app?.last_recovery?.outcome, log: app?.output_log },
      {
        last: recovery?.id,
        outcome: 'succeeded',
        log: scenario.outputLog,
      },
    );
  });

  it('restarts a crashed app: stale_pid twice, nothing to kill, the old heartbeat moved aside, a new healthy instance', async () => {
    const scenario = await startScenario();
    const { ns, dir, dbPath, heartbeatPath, watchdog } = scenario;
    const crashed = await spawnDemoApp(ns, dir);
    await ns.signal(crashed, 'SIGKILL');
    await waitForState(ns, crashed, ['dead', 'zombie']);
    const leftBehind = readFileSync(heartbeatPath, 'utf8');

    await quietTick(watchdog, 'the first failed check');
    assert.deepEqual(
      checksIn(dbPath).map((check) => [check.health, check.reason, check.consecutive_failures]),
      [['stale_pid', `PID ${crashed} is not running`, 1]],
    );
    assert.deepEqual(recoveriesIn(dbPath), []);

    const stdout = await recoveringTick(scenario);
    assert.match(stdout, /^app: stale_pid \(PID \d+ is not running\), failure 2\/2, recovery due$/m);
    assert.match(stdout, /^app: recovery #1 succeeded$/m);

    const [recovery] = recoveriesIn(dbPath);
    assert.equal(recovery?.outcome, 'succeeded');
    assert.equal(recovery?.trigger_health, 'stale_pid');
    assert.deepEqual(outcomesOf(recovery), ['kill: nothing_to_kill', 'clear_db: ok', 'start: ok']);
    const kill = actionOf(recovery, 'kill');
    assert.deepEqual(
      { pid: kill.pid, signal: kill.signal, detail: kill.detail },
      { pid: null, signal: null, detail: `PID ${crashed} is not running` },
    );
    assert.match(actionOf(recovery, 'start').detail ?? '', /old heartbeat moved to \S+app\.json\.stale/);
    assert.equal(
      readFileSync(`${heartbeatPath}.stale`, 'utf8'),
      leftBehind,
      'the crashed instance’s heartbeat, kept for a post-mortem',
    );

    const startedPid = await assertHealthyAfterStart(scenario, recovery?.started_pid ?? null);
    assert.notEqual(startedPid, crashed);
    assertOutputLogOfStart(scenario, startedPid, 'stale_pid');
  });

  it('recovers an app that beats with a status other than "running" (the Python rule), counting it toward the threshold', async () => {
    const scenario = await startScenario();
    const { ns, dir, dbPath, watchdog } = scenario;
    const degraded = await spawnDemoApp(ns, dir, ['--status', 'degraded']);

    await quietTick(watchdog, 'the first failed check');
    assert.deepEqual(
      checksIn(dbPath).map((check) => [
        check.health,
        check.reason,
        check.consecutive_failures,
        check.pid,
        check.heartbeat_status,
      ]),
      [['error_status', 'app reports status "degraded"; healthy: "running"', 1, degraded, 'degraded']],
    );
    assert.deepEqual(recoveriesIn(dbPath), []);

    const stdout = await recoveringTick(scenario);
    assert.match(stdout, /^app: recovery #1 succeeded$/m);
    const [recovery] = recoveriesIn(dbPath);
    assert.deepEqual([recovery?.trigger_health, recovery?.outcome], ['error_status', 'succeeded']);
    assert.deepEqual(outcomesOf(recovery), ['kill: ok', 'clear_db: ok', 'start: ok']);
    const kill = actionOf(recovery, 'kill');
    assert.deepEqual({ pid: kill.pid, signal: kill.signal }, { pid: degraded, signal: 'SIGTERM' });
    await assertGone(ns, degraded, 'the instance reporting "degraded"');
    // The started instance beats "running": healthy, the only copy.
    await assertHealthyAfterStart(scenario, recovery?.started_pid ?? null);
  });

  it('leaves alone an app whose status its healthy_statuses lists', async () => {
    const scenario = await startScenario({ healthy_statuses: ['running', 'degraded'] });
    const { ns, dir, dbPath, watchdog } = scenario;
    const degraded = await spawnDemoApp(ns, dir, ['--status', 'degraded']);

    for (const tick of ['first', 'second', 'third']) await quietTick(watchdog, `the ${tick} check`);

    assert.deepEqual(
      checksIn(dbPath).map((check) => [check.health, check.consecutive_failures, check.pid, check.heartbeat_status]),
      Array.from({ length: 3 }, () => ['healthy', 0, degraded, 'degraded']),
    );
    assert.deepEqual(recoveriesIn(dbPath), []);
    assert.equal(await ns.state(degraded), 'alive');
  });

  it('SIGKILLs an app that ignores SIGTERM once kill_timeout has passed', async () => {
    const scenario = await startScenario();
    const { ns, dir, dbPath, heartbeatPath, watchdog } = scenario;
    const stubborn = await spawnDemoApp(ns, dir, ['--ignore-sigterm', '--hang-after', '2']);
    await waitUntilStale(heartbeatPath, 1);
    await quietTick(watchdog, 'the first failed check');
    assert.equal(await ns.state(stubborn), 'alive');

    const stdout = await recoveringTick(scenario);
    assert.match(stdout, /^app: recovery #1 succeeded$/m);
    const [recovery] = recoveriesIn(dbPath);
    assert.deepEqual(outcomesOf(recovery), ['kill: ok', 'clear_db: ok', 'start: ok']);
    const kill = actionOf(recovery, 'kill');
    assert.equal(kill.pid, stubborn);
    assert.equal(kill.signal, 'SIGKILL');
    assert.match(kill.detail ?? '', /still running 1s after SIGTERM \(kill_timeout\); killed with SIGKILL/);
    await assertGone(ns, stubborn, 'the instance that ignored SIGTERM');
    assert.match(
      readFileSync(join(dir, 'first-instance.out.log'), 'utf8'),
      /^demo-app: SIGTERM ignored$/m,
      'SIGTERM was tried first',
    );

    await assertHealthyAfterStart(scenario, recovery?.started_pid ?? null);
  });

  it('kills a hanging cleanup action with its whole process group at cleanup_timeout, then goes on to start (a warning)', async () => {
    const hangingCleanup = "sh -c 'echo $$ > shell.pid; sleep 1000 & echo $! > grandchild.pid; sleep 1000'";
    const scenario = await startScenario({
      commands: { start: demoAppCommand(), clear_db: hangingCleanup },
      cleanup_timeout: 1,
    });
    const { ns, dir, dbPath, watchdog } = scenario;
    // No instance is running at all: no heartbeat, twice.
    await quietTick(watchdog, 'the first failed check');
    assert.equal(checksIn(dbPath).at(-1)?.health, 'no_heartbeat');

    const stdout = await recoveringTick(scenario);
    assert.match(stdout, /^app: recovery #1 succeeded$/m);
    assert.match(
      stdout,
      /^ {2}clear_db: failed: timed out after 1s \(cleanup_timeout\); its process tree was killed \(\d+ process(es)?, by .*\)$/m,
    );

    const [recovery] = recoveriesIn(dbPath);
    assert.equal(recovery?.outcome, 'succeeded', 'a failed cleanup is a warning, not a failed recovery');
    assert.match(recovery?.detail ?? '', /^warning: clear_db failed: timed out after 1s \(cleanup_timeout\)/);
    assert.deepEqual(outcomesOf(recovery), ['kill: nothing_to_kill', 'clear_db: failed', 'start: ok']);
    const cleanup = actionOf(recovery, 'clear_db');
    assert.equal(cleanup.timed_out, 1);
    assert.equal(cleanup.exit_code, null);

    const shell = Number(readFileSync(join(dir, 'shell.pid'), 'utf8'));
    const grandchild = Number(readFileSync(join(dir, 'grandchild.pid'), 'utf8'));
    const table = await ns.processes();
    for (const [what, pid] of [
      ['the action’s /bin/sh', cleanup.pid],
      ['the inner shell', shell],
      ['its background grandchild', grandchild],
    ] as const) {
      assert.ok(typeof pid === 'number' && pid > 1, `${what} has a PID: ${String(pid)}`);
      const entry = table.find((candidate) => candidate.pid === pid);
      assert.ok(
        entry === undefined || entry.state === 'Z',
        `${what} (PID ${pid}) is gone, got ${JSON.stringify(entry)}`,
      );
    }
    const leftRunning = table.filter((entry) => entry.state !== 'Z' && entry.cmdline.join(' ') === 'sleep 1000');
    assert.deepEqual(leftRunning, [], 'no sleep of the cleanup is left behind');

    await assertHealthyAfterStart(scenario, recovery?.started_pid ?? null);
  });

  it('records a start command that fails, stops the pipeline there, and exits 1 with the reason on stderr', async () => {
    const scenario = await startScenario({
      commands: { start: 'echo broken >&2; exit 3', notify: 'echo notified >> notified.log' },
      recovery_actions: ['kill', 'start', 'notify'],
    });
    const { dir, dbPath, watchdog } = scenario;
    await quietTick(watchdog, 'the first failed check');

    const result = await watchdog(['check']);
    assert.equal(result.code, 1, `a failed recovery is exit 1; stderr: ${result.stderr}`);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /^watchdog: app: recovery #1 failed: start failed: the start command exited 3 within 0\.5s \(verify_delay\)/m,
    );
    assert.match(result.stderr, /^watchdog: details: watchdog history --recoveries -c /m);

    const [recovery] = recoveriesIn(dbPath);
    assert.equal(recovery?.outcome, 'failed');
    assert.equal(recovery?.started_pid, null);
    assert.deepEqual(outcomesOf(recovery), ['kill: nothing_to_kill', 'start: failed', 'notify: skipped']);
    const start = actionOf(recovery, 'start');
    assert.equal(start.exit_code, 3);
    assert.match(start.output_tail ?? '', /broken/);
    assert.equal(actionOf(recovery, 'notify').detail, 'not run: start failed');
    assert.equal(existsSync(join(dir, 'notified.log')), false, 'the action after the failed start did not run');

    const log = readFileSync(scenario.outputLog, 'utf8');
    assert.match(log, /^--- \S+ watchdog started app: no_heartbeat \(no heartbeat file\) ---\nbroken\n$/);
    const state = processStateIn(dbPath);
    assert.deepEqual(
      { failures: state?.consecutive_failures, started: state?.started_at },
      { failures: 2, started: null },
      'no start, no grace',
    );

    const history = await watchdog(['history', '--recoveries']);
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stdout, /^#1 .* app {2}recovery by cron \(check\): failed/m);
    assert.match(history.stdout, /^ {4}2\. start: failed \(.*exit 3.*\): the start command exited 3/m);
    assert.match(history.stdout, /^ {7}\| broken$/m);
  });
});

describe('a heartbeat naming PID -1, 0 or 1 (inside a PID namespace)', () => {
  for (const hostilePid of [-1, 0, 1]) {
    it(`signals nothing for "pid": ${hostilePid}, in cron's recovery, restart or off`, async () => {
      // The start command is an app that writes no heartbeat, so the hostile one stays the only one.
      const scenario = await startScenario({ commands: { start: 'exec sleep 1000', clear_db: 'sh clear-db.sh' } });
      const { ns, dir, dbPath, heartbeatPath, watchdog } = scenario;
      const inHostGroup = join(dir, 'sentinel-in-host-group.log');
      const ownGroup = join(dir, 'sentinel-own-group.log');
      const sentinels = [await startSentinel(ns, inHostGroup), await startSentinel(ns, ownGroup, { detached: true })];
      const writeHostileHeartbeat = (): void => {
        writeFileAt(heartbeatPath, heartbeatText({ process_key: 'app', pid: hostilePid }));
      };

      writeHostileHeartbeat();
      await quietTick(watchdog, 'the first check of the hostile heartbeat');
      const [check] = checksIn(dbPath);
      assert.deepEqual({ health: check?.health, pid: check?.pid }, { health: 'invalid_heartbeat', pid: null });
      assert.match(
        check?.reason ?? '',
        new RegExp(`heartbeat pid must be an integer between 2 and \\d+ \\(got ${hostilePid}\\)`),
      );

      writeHostileHeartbeat();
      const tick = await watchdog(['check', '--verbose']);
      assert.deepEqual(
        { code: tick.code, signal: tick.signal, stderr: tick.stderr },
        { code: 0, signal: null, stderr: '' },
        'the tick itself is not killed',
      );
      assert.match(tick.stdout, /^app: recovery #1 succeeded$/m);

      writeHostileHeartbeat();
      const restart = await watchdog(['restart', 'app'], { USER: 'alice' });
      assert.deepEqual({ code: restart.code, signal: restart.signal }, { code: 0, signal: null }, restart.stderr);

      writeHostileHeartbeat();
      const off = await watchdog(['off', 'app'], { USER: 'alice' });
      assert.deepEqual({ code: off.code, signal: off.signal }, { code: 0, signal: null }, off.stderr);

      const recoveries = recoveriesIn(dbPath);
      assert.deepEqual(
        recoveries.map((recovery) => [recovery.kind, recovery.outcome]),
        [
          ['recovery', 'succeeded'],
          ['restart', 'succeeded'],
          ['stop', 'succeeded'],
        ],
      );
      // The hostile PID is never signalled. The first kill has nothing to go on; later ones stop
      // the instance the watchdog itself started (known by PID and start time), so no copies pile up.
      const [cron, restarted, stopped] = recoveries;
      const firstKill = actionOf(cron, 'kill');
      // The parser rejected the PID itself, so the verdict carries none: nothing to kill.
      assert.deepEqual(
        { outcome: firstKill.outcome, pid: firstKill.pid, signal: firstKill.signal },
        { outcome: 'nothing_to_kill', pid: null, signal: null },
      );
      assert.match(firstKill.detail ?? '', /not trusted/);
      const instances = [cron?.started_pid, restarted?.started_pid].map((pid) => {
        assert.ok(typeof pid === 'number' && pid > 1, `a started PID: ${String(pid)}`);
        return pid;
      });
      for (const [recovery, instance] of [
        [restarted, instances[0]],
        [stopped, instances[1]],
      ] as const) {
        const kill = actionOf(recovery, 'kill');
        assert.deepEqual(
          { outcome: kill.outcome, pid: kill.pid, signal: kill.signal },
          { outcome: 'ok', pid: instance, signal: 'SIGTERM' },
          recovery?.kind,
        );
      }

      assert.deepEqual(readSentinelRecord(inHostGroup), ['ready'], 'the sentinel in the host’s group got no signal');
      assert.deepEqual(readSentinelRecord(ownGroup), ['ready'], 'the sentinel in its own group got no signal');
      assert.deepEqual(await ns.hostSignals(), [], 'PID 1 got no signal');
      for (const pid of sentinels) assert.equal(await ns.state(pid), 'alive');
      for (const pid of instances) await assertGone(ns, pid, 'an instance the watchdog started and then stopped');
      const sleepers = (await ns.processes()).filter(
        (entry) => entry.state !== 'Z' && entry.cmdline.join(' ') === 'sleep 1000',
      );
      assert.deepEqual(sleepers, [], 'no copy of the app is left running after off');
    });
  }
});

describe('a heartbeat whose PID was reused (inside a PID namespace)', () => {
  it('never signals the unrelated process that now has the dead app’s PID', async () => {
    const scenario = await startScenario();
    const { ns, dir, dbPath, heartbeatPath, watchdog } = scenario;
    // The app beat last 30 s ago and died; its PID went to another program started since
    // (a sentinel that records every signal it gets). Nothing of the app is left to kill.
    const lastBeat = formatUtcTimestamp(new Date(Date.now() - 30_000));
    const record = join(dir, 'sentinel.log');
    const stranger = await startSentinel(ns, record, { detached: true });
    writeFileAt(heartbeatPath, heartbeatText({ process_key: 'app', pid: stranger, timestamp: lastBeat, iteration: 7 }));

    await quietTick(watchdog, 'the first failed check');
    const tick = await watchdog(['check', '--verbose']);
    assert.equal(tick.code, 0, tick.stderr);
    assert.match(tick.stdout, /^app: recovery #1 succeeded$/m);

    assert.deepEqual(
      readSentinelRecord(record),
      ['ready'],
      `the process that took over PID ${stranger} got no signal:\n${tick.stdout}`,
    );
    assert.equal(await ns.state(stranger), 'alive');
    const [recovery] = recoveriesIn(dbPath);
    const kill = actionOf(recovery, 'kill');
    assert.equal(kill.outcome, 'refused', kill.detail ?? '');
    assert.match(kill.detail ?? '', /after its heartbeat was written: another program reusing the app's PID/);
    assert.deepEqual({ pid: kill.pid, signal: kill.signal }, { pid: null, signal: null });
  });
});

describe('--dry-run (inside a PID namespace)', () => {
  interface Snapshot {
    processes: Pick<NsProcess, 'pid' | 'state' | 'cmdline'>[];
    /** SHA-256 of each file by path, `absent` for a file that is not there. */
    files: Record<string, string>;
  }

  /** What a dry run must leave alone: every process (PID, state, command line) and every byte the watchdog writes. */
  async function snapshot({ ns, dir, dbPath, heartbeatPath, outputLog }: Scenario): Promise<Snapshot> {
    const files = [
      dbPath,
      `${dbPath}-wal`,
      heartbeatPath,
      `${heartbeatPath}.stale`,
      outputLog,
      join(dir, 'logs/watchdog.log'),
    ];
    files.push(join(dir, 'cleared.log'), join(dir, 'watchdog.lock'));
    return {
      processes: (await ns.processes()).map(({ pid, state, cmdline }) => ({ pid, state, cmdline })),
      files: Object.fromEntries(files.map((path) => [path, hashFile(path)])),
    };
  }

  it('check --dry-run and restart --dry-run name the actions for a due app and change nothing', async () => {
    const scenario = await startScenario();
    const { ns, dir, dbPath, heartbeatPath, watchdog } = scenario;
    const hung = await spawnDemoApp(ns, dir);
    await ns.signal(hung, 'SIGSTOP');
    await waitForState(ns, hung, ['stopped']);
    await waitUntilStale(heartbeatPath, 1);
    await quietTick(watchdog, 'the first failed check');
    const rowsBefore = rowCountsIn(dbPath);
    const before = await snapshot(scenario);
    assert.notEqual(before.files[dbPath], 'absent', 'the database exists');

    const check = await watchdog(['check', '--dry-run']);
    assert.equal(check.code, 0, check.stderr);
    assert.equal(check.stderr, '');
    const restart = await watchdog(['restart', 'app', '--dry-run']);
    assert.equal(restart.code, 0, restart.stderr);
    assert.equal(restart.stderr, '');

    assert.deepEqual(await snapshot(scenario), before, 'the same processes in the same states, the same bytes on disk');
    assert.deepEqual(rowCountsIn(dbPath), rowsBefore, 'no new rows');
    assert.equal(await ns.state(hung), 'stopped');

    const startCommand = JSON.stringify(demoAppCommand());
    assert.match(
      check.stdout,
      /^dry run of .*config\.json: the checks and probes are asked; nothing is started, stopped, recorded or logged$/m,
    );
    assert.match(check.stdout, /^app: timed_out \(.*\), failure 2\/2, recovery due → would run its recovery:$/m);
    for (const output of [check.stdout, restart.stdout]) {
      const lines = output.split('\n');
      assert.ok(
        lines.includes(
          `  1. kill: SIGTERM to process group ${hung} (PID ${hung} leads it), SIGKILL after 1s (kill_timeout)`,
        ),
        output,
      );
      assert.ok(
        lines.some((line) => line.startsWith(`  2. clear_db: /bin/sh -c "sh clear-db.sh --force" in ${dir},`)),
        output,
      );
      assert.ok(
        lines.some(
          (line) => line.startsWith('  3. start: move ') && line.includes(`then /bin/sh -c ${startCommand} in ${dir}`),
        ),
        output,
      );
    }
    assert.match(restart.stdout, /^app: timed_out \(.*\) → a restart would run:$/m);
  });
});

describe('an app that never writes a heartbeat (inside a PID namespace)', () => {
  it('is restarted without copies piling up: each recovery stops the instance the one before started', async () => {
    // No heartbeat ever, and no grace: every second tick is a recovery.
    const scenario = await startScenario({
      commands: { start: 'exec sleep 1000' },
      recovery_actions: ['kill', 'start'],
      start_grace_seconds: 0,
    });
    const { ns, dbPath, watchdog } = scenario;
    for (let tick = 1; tick <= 6; tick += 1) await quietTick(watchdog, `tick ${tick}`);

    const recoveries = recoveriesIn(dbPath);
    assert.equal(recoveries.length, 3);
    const started = recoveries.map((recovery) => recovery.started_pid);
    assert.ok(
      started.every((pid) => typeof pid === 'number' && pid > 1),
      JSON.stringify(started),
    );
    assert.deepEqual(
      recoveries.map((recovery) => {
        const kill = actionOf(recovery, 'kill');
        return [kill.outcome, kill.pid];
      }),
      [
        ['nothing_to_kill', null],
        ['ok', started[0]],
        ['ok', started[1]],
      ],
    );
    const sleepers = (await ns.processes()).filter(
      (entry) => entry.state !== 'Z' && entry.cmdline.join(' ') === 'sleep 1000',
    );
    assert.deepEqual(
      sleepers.map((entry) => entry.pid),
      [started[2]],
      'exactly one copy runs: the last one started',
    );
  });
});
