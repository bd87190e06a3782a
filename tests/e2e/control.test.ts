// End-to-end tests of the manual commands (`off`, `on`, `restart`) as a person runs them
// over SSH: the built watchdog inside a PID namespace, against the demo app that embeds
// HeartbeatWriter, with cron's `check` ticking in between. See recovery.test.ts for the
// pipeline that cron runs by itself.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { holdLockInChild } from '../helpers/hold-lock.js';
import {
  assertGone,
  assertHealthyAfterStart,
  checksIn,
  liveDemoApps,
  outputLogText,
  processStateIn,
  quietTick,
  recoveriesIn,
  spawnDemoApp,
  startScenario,
  waitForBeatOf,
  waitForState,
} from '../helpers/watchdog-in-namespace.js';
import type { RecoveryWithActions } from '../../src/store/read-state.js';

/** The person at the keyboard, as the audit log names them. */
const USER = { USER: 'alice', LOGNAME: 'alice', SUDO_USER: undefined };

/** The fields of a recovery a person cares about, with each action as `name: outcome`. */
function summaryOf(recovery: RecoveryWithActions | undefined): Record<string, unknown> {
  return {
    kind: recovery?.kind,
    command: recovery?.command,
    requested_by: recovery?.requested_by,
    outcome: recovery?.outcome,
    actions: recovery?.actions.map((action) => `${action.action}: ${action.outcome}`),
  };
}

describe('manual commands (inside a PID namespace)', () => {
  it('off stops the app and keeps it stopped through five ticks; on starts it again', async () => {
    const scenario = await startScenario();
    const { ns, dir, dbPath, heartbeatPath, watchdog } = scenario;
    const app = await spawnDemoApp(ns, dir);
    await quietTick(watchdog, 'while the app beats');

    const off = await watchdog(['off', 'app'], USER);
    assert.equal(off.code, 0, off.stderr);
    assert.equal(off.stderr, '');
    assert.match(off.stdout, /^app: off: stopped; it stays stopped until `watchdog on`$/m);
    assert.match(off.stdout, new RegExp(`^  kill: ok: process group ${app}: exited .* after SIGTERM$`, 'm'));
    await waitForState(ns, app, ['dead', 'zombie']);
    assert.equal(existsSync(heartbeatPath), false, 'the app removed its heartbeat on SIGTERM');
    const [stop] = recoveriesIn(dbPath);
    assert.deepEqual(summaryOf(stop), {
      kind: 'stop',
      command: 'off',
      requested_by: 'alice',
      outcome: 'succeeded',
      actions: ['kill: ok'],
    });
    assert.deepEqual(
      { pid: stop?.actions[0]?.pid, signal: stop?.actions[0]?.signal, off_by: processStateIn(dbPath)?.off_by },
      { pid: app, signal: 'SIGTERM', off_by: 'alice' },
    );

    const checksBefore = checksIn(dbPath).length;
    for (let tick = 1; tick <= 5; tick += 1) await quietTick(watchdog, `tick ${tick} while off`);
    const offChecks = checksIn(dbPath).slice(checksBefore);
    assert.equal(offChecks.length, 5);
    for (const check of offChecks) {
      assert.deepEqual(
        {
          health: check.health,
          failures: check.consecutive_failures,
          action: check.action_taken,
          recovery: check.recovery_id,
        },
        { health: 'off', failures: 0, action: null, recovery: null },
      );
      assert.match(check.reason ?? '', /^turned off by alice at \S+; heartbeat: no_heartbeat \(no heartbeat file\)$/);
    }
    assert.equal(recoveriesIn(dbPath).length, 1, 'no recovery while off');
    assert.deepEqual(await liveDemoApps(ns), [], 'not started again while off');
    assert.equal(existsSync(scenario.outputLog), false, 'nothing was started');

    const on = await watchdog(['on', 'app'], USER);
    assert.equal(on.code, 0, `${on.stderr}\napp output log:\n${outputLogText(scenario)}`);
    const started = /^app: start #2 succeeded \(started PID (\d+)\)$/m.exec(on.stdout);
    assert.ok(started, on.stdout);
    const [, startRow] = recoveriesIn(dbPath);
    // kill looks for a running instance first (the one it stopped is gone): no second copy.
    assert.deepEqual(summaryOf(startRow), {
      kind: 'start',
      command: 'on',
      requested_by: 'alice',
      outcome: 'succeeded',
      actions: ['kill: nothing_to_kill', 'start: ok'],
    });
    assert.equal(startRow?.started_pid, Number(started[1]));
    assert.equal(processStateIn(dbPath)?.off_since, null, 'no longer off');

    await assertHealthyAfterStart(scenario, startRow?.started_pid ?? null);
  });

  it('on leaves a healthy app alone: no second copy, a skipped start in the audit log', async () => {
    const { ns, dir, dbPath, watchdog } = await startScenario();
    const app = await spawnDemoApp(ns, dir);
    assert.deepEqual(await liveDemoApps(ns), [app]);

    const on = await watchdog(['on', 'app'], USER);
    assert.deepEqual({ code: on.code, stderr: on.stderr }, { code: 0, stderr: '' });
    assert.match(
      on.stdout,
      /^app: already running and healthy \(heartbeat \S+ ago, iteration \d+\); not starting a second copy \(--force starts one anyway\)$/m,
    );

    assert.deepEqual(await liveDemoApps(ns), [app], 'still exactly one copy, the same one');
    assert.equal(await ns.state(app), 'alive');
    const recoveries = recoveriesIn(dbPath);
    assert.equal(recoveries.length, 1);
    assert.deepEqual(
      {
        ...summaryOf(recoveries[0]),
        trigger_health: recoveries[0]?.trigger_health,
        started_pid: recoveries[0]?.started_pid,
      },
      {
        kind: 'start',
        command: 'on',
        requested_by: 'alice',
        outcome: 'skipped',
        actions: [],
        trigger_health: 'healthy',
        started_pid: null,
      },
    );
    assert.match(recoveries[0]?.detail ?? '', /not starting a second copy/);
  });

  it('restart runs the whole pipeline now on a healthy app, recorded as the user’s', async () => {
    const scenario = await startScenario();
    const { ns, dir, dbPath, watchdog } = scenario;
    const old = await spawnDemoApp(ns, dir);
    await quietTick(watchdog, 'while the app beats');

    const restart = await watchdog(['restart', 'app'], USER);
    assert.equal(restart.code, 0, `${restart.stderr}\napp output log:\n${outputLogText(scenario)}`);
    assert.equal(restart.stderr, '');
    const started = /^app: restart #1 succeeded \(started PID (\d+)\)$/m.exec(restart.stdout);
    assert.ok(started, restart.stdout);
    assert.match(restart.stdout, new RegExp(`^  kill: ok: process group ${old}: exited .* after SIGTERM$`, 'm'));
    assert.match(restart.stdout, /^ {2}clear_db: ok: exited 0 /m);
    assert.match(restart.stdout, /^ {2}start: ok: PID \d+ running after 0\.5s/m);

    const [recovery] = recoveriesIn(dbPath);
    assert.deepEqual(summaryOf(recovery), {
      kind: 'restart',
      command: 'restart',
      requested_by: 'alice',
      outcome: 'succeeded',
      actions: ['kill: ok', 'clear_db: ok', 'start: ok'],
    });
    assert.equal(recovery?.trigger_health, 'healthy');
    assert.equal(recovery?.started_pid, Number(started[1]));
    assert.deepEqual(
      { pid: recovery?.actions[0]?.pid, signal: recovery?.actions[0]?.signal },
      { pid: old, signal: 'SIGTERM' },
    );
    await assertGone(ns, old, 'the old instance');
    assert.equal(readFileSync(join(dir, 'cleared.log'), 'utf8'), 'clear_db --force\n');
    assert.equal(checksIn(dbPath).length, 1, 'a restart records a recovery, not a check');

    const newPid = await assertHealthyAfterStart(scenario, recovery?.started_pid ?? null);
    assert.notEqual(newPid, old);
    const history = await watchdog(['history', '--recoveries', '--json']);
    assert.equal(history.code, 0, history.stderr);
    const [listed] = (JSON.parse(history.stdout) as { recoveries: RecoveryWithActions[] }).recoveries;
    assert.deepEqual(summaryOf(listed), summaryOf(recovery));
  });

  it('on exits 75 when another process holds the lock past --wait, and starts nothing', async () => {
    const scenario = await startScenario();
    const { ns, dir, dbPath, watchdog } = scenario;
    const lockPath = join(dir, 'watchdog.lock');
    const holder = await holdLockInChild(lockPath);
    try {
      const on = await watchdog(['on', 'app', '--wait', '0.5'], USER);
      assert.equal(on.code, 75, on.stderr);
      assert.equal(on.stdout, '');
      assert.match(on.stderr, /another watchdog instance still holds the lock \S*watchdog\.lock after waiting 0\.5s/);
      assert.deepEqual(await liveDemoApps(ns), [], 'nothing started');
      assert.equal(existsSync(dbPath) ? recoveriesIn(dbPath).length : 0, 0, 'nothing recorded');
    } finally {
      await holder.release();
    }

    // The holder was SIGKILLed, so its lock directory stays until it goes stale (30 s);
    // remove it as the holder's own release would have. Then the same command works:
    // the 75 was the lock, nothing else.
    rmdirSync(lockPath);
    const on = await watchdog(['on', 'app', '--wait', '0.5'], USER);
    assert.equal(on.code, 0, `${on.stderr}\napp output log:\n${outputLogText(scenario)}`);
    const [recovery] = recoveriesIn(dbPath);
    assert.deepEqual(summaryOf(recovery), {
      kind: 'start',
      command: 'on',
      requested_by: 'alice',
      outcome: 'succeeded',
      actions: ['kill: nothing_to_kill', 'start: ok'],
    });
    await assertHealthyAfterStart(scenario, recovery?.started_pid ?? null);
  });

  it('on, off and restart with an unknown key exit 2 and name the known keys, doing nothing', async () => {
    const { ns, dir, dbPath, watchdog } = await startScenario();
    const app = await spawnDemoApp(ns, dir);
    for (const command of ['on', 'off', 'restart']) {
      const result = await watchdog([command, 'nope'], USER);
      assert.equal(result.code, 2, `${command}: ${result.stderr}`);
      assert.match(result.stderr, /unknown process key "nope"/, command);
      assert.match(result.stderr, /known keys: app/, command);
    }
    assert.equal(await ns.state(app), 'alive');
    assert.equal(existsSync(dbPath), false, 'nothing recorded');
  });

  it('stop-all turns every enabled process off and stops it; start-all turns them on and starts them, once', async () => {
    const scenario = await startScenario();
    const { ns, dbPath, watchdog } = scenario;
    await watchdog(['on', 'app'], USER);
    const [first] = await liveDemoApps(ns);
    assert.ok(first !== undefined, 'on started the app');

    const stop = await watchdog(['stop-all'], USER);
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stdout, /^app: off: stopped; it stays stopped until `watchdog on`$/m);
    await assertGone(ns, first, 'the app stop-all stopped');
    await quietTick(watchdog, 'a tick after stop-all');
    assert.equal(checksIn(dbPath).at(-1)?.health, 'off');

    const start = await watchdog(['start-all'], USER);
    assert.equal(start.code, 0, `${start.stderr}\n${outputLogText(scenario)}`);
    assert.match(start.stdout, /^app: start #\d+ succeeded \(started PID \d+\)$/m);
    const running = await liveDemoApps(ns);
    assert.equal(running.length, 1);
    const [second] = running;
    assert.notEqual(second, first);
    await waitForBeatOf(scenario.heartbeatPath, second ?? 0);

    // Once healthy, start-all starts no second copy.
    const again = await watchdog(['start-all'], USER);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^app: already running and healthy .*not starting a second copy/m);
    assert.deepEqual(await liveDemoApps(ns), running);
    assert.deepEqual(
      recoveriesIn(dbPath).map((recovery) => [recovery.command, recovery.kind, recovery.outcome]),
      [
        ['on', 'start', 'succeeded'],
        ['stop-all', 'stop', 'succeeded'],
        ['start-all', 'start', 'succeeded'],
        ['start-all', 'start', 'skipped'],
      ],
    );
  });
});
