// End-to-end tests of issue 21, item 1: after each manual command (`on`, `off`, `restart`,
// `reset`, `stop-all`, `start-all`) and after a cron recovery, `watchdog status` shows the new
// truth at once, before any tick, in text and `--json`; the tick after agrees; `on` right after `off` starts the app;
// an instance that died during its start grace does not hold `on` back. The built watchdog
// runs inside a PID namespace (tests/helpers/pid-namespace.ts): `off` and `restart` kill.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readSentinelRecord, startSentinel } from '../helpers/pid-namespace.js';
import { WATCHDOG_BIN } from '../helpers/run-watchdog.js';
import {
  assertGone,
  checksIn,
  demoAppCommand,
  liveDemoApps,
  outputLogText,
  processStateIn,
  quietTick,
  recoveriesIn,
  startScenario,
  waitFor,
  waitForBeatOf,
  waitForState,
  type Scenario,
} from '../helpers/watchdog-in-namespace.js';

/** The person at the keyboard, as the audit log names them. */
const USER = { USER: 'alice', LOGNAME: 'alice', SUDO_USER: undefined };

/** The fields of `status --json` these tests read. */
interface StatusEntry {
  key: string;
  state: string;
  reason: string | null;
  consecutive_failures: number;
  recovery_due: boolean;
  pid: number | null;
  heartbeat_age_seconds: number | null;
  heartbeat_timestamp: string | null;
  off_since: string | null;
  started_at: string | null;
  grace_until: string | null;
  gave_up_at: string | null;
  state_source: string | null;
  state_at: string | null;
  heartbeat_state: string | null;
  heartbeat_pid: number | null;
  started_pid: number | null;
}

/** `status --json` and `status` (text) of `app`, both run before anything else happens. */
async function statusNow(
  scenario: Scenario,
): Promise<{ json: StatusEntry; text: string; row: string; pidCell: string }> {
  const json = await scenario.watchdog(['status', '--json']);
  assert.equal(json.code, 0, json.stderr);
  const entry = (JSON.parse(json.stdout) as { processes: StatusEntry[] }).processes.find(
    (process) => process.key === 'app',
  );
  assert.ok(entry !== undefined, json.stdout);
  const text = await scenario.watchdog(['status']);
  assert.equal(text.code, 0, text.stderr);
  const lines = text.stdout.split('\n');
  const header = lines.find((line) => line.startsWith('KEY '));
  const row = lines.find((line) => line.startsWith('app '));
  assert.ok(header !== undefined && row !== undefined, text.stdout);
  // The PID column: a single word ('-' or digits) where its header starts.
  const pidCell = row.slice(header.indexOf(' PID ') + 1).split(' ')[0] ?? '';
  return { json: entry, text: text.stdout, row, pidCell };
}

/** The command's started PID, from its line `app: start #N succeeded (started PID P)` (or `restart #N`). */
function startedPidOf(stdout: string, what = 'start'): number {
  const match = new RegExp(`^app: ${what} #\\d+ succeeded \\(started PID (\\d+)\\)$`, 'm').exec(stdout);
  assert.ok(match?.[1] !== undefined, stdout);
  return Number(match[1]);
}

/**
 * What status shows right after a start whose instance has not beaten yet (the start command
 * sleeps 2 s before it execs the app): `starting`, the started PID, its grace, recorded by `command`.
 */
function assertStarting(status: Awaited<ReturnType<typeof statusNow>>, pid: number, command: string): void {
  const { json } = status;
  assert.deepEqual(
    {
      state: json.state,
      pid: json.pid,
      started_pid: json.started_pid,
      source: json.state_source,
      off: json.off_since,
      gave_up: json.gave_up_at,
      failures: json.consecutive_failures,
      age: json.heartbeat_age_seconds,
    },
    { state: 'starting', pid, started_pid: pid, source: command, off: null, gave_up: null, failures: 0, age: null },
    JSON.stringify(json),
  );
  assert.match(
    json.reason ?? '',
    /^started \S+ ago, waiting for its first heartbeat \(\S+ of grace left\); no heartbeat file$/,
  );
  assert.ok(
    json.grace_until !== null && json.started_at !== null && Date.parse(json.grace_until) > Date.parse(json.started_at),
    JSON.stringify(json),
  );
  assert.match(status.row, /^app +App +starting /);
  assert.equal(status.pidCell, String(pid), status.row);
  assert.doesNotMatch(status.text, /`watchdog on app`/, 'no hint to run on');
}

/** A start command that waits 2 s, then execs the demo app: its first heartbeat comes well after `verify_delay`. */
const SLOW_START = `sleep 2; ${demoAppCommand()}`;

/**
 * The tick right after a start agrees with what status showed: `starting`, or (on a machine
 * slow enough that the app has beaten by then) `healthy` from the PID status showed.
 */
async function assertTickAgrees(scenario: Scenario, pid: number, what: string): Promise<void> {
  await quietTick(scenario.watchdog, what);
  const last = checksIn(scenario.dbPath).at(-1);
  const seen = {
    health: last?.health,
    failures: last?.consecutive_failures,
    pid: last?.health === 'healthy' ? last.pid : pid,
  };
  assert.ok(seen.health === 'starting' || seen.health === 'healthy', JSON.stringify(last));
  assert.deepEqual({ failures: seen.failures, pid: seen.pid }, { failures: 0, pid });
}

describe('status after manual commands (inside a PID namespace)', () => {
  it('on, off, on: each shows at once; on right after off starts a new instance; the next tick agrees', async () => {
    const scenario = await startScenario({
      commands: { start: SLOW_START, clear_db: 'sh clear-db.sh' },
      start_grace_seconds: 60,
    });
    const { ns, dbPath, watchdog, heartbeatPath } = scenario;

    const on = await watchdog(['on', 'app'], USER);
    assert.equal(on.code, 0, `${on.stderr}\n${outputLogText(scenario)}`);
    const first = startedPidOf(on.stdout);
    assertStarting(await statusNow(scenario), first, 'on');
    assert.equal(checksIn(dbPath).length, 0, 'no check was made, none is recorded');
    await waitForBeatOf(heartbeatPath, first);

    const off = await watchdog(['off', 'app'], USER);
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stdout, /^app: off: stopped; it stays stopped until `watchdog on`$/m);
    await waitForState(ns, first, ['dead', 'zombie']);
    const stopped = await statusNow(scenario);
    assert.deepEqual(
      {
        state: stopped.json.state,
        pid: stopped.json.pid,
        started: stopped.json.started_pid,
        age: stopped.json.heartbeat_age_seconds,
        source: stopped.json.state_source,
      },
      { state: 'off', pid: null, started: null, age: null, source: 'off' },
      JSON.stringify(stopped.json),
    );
    assert.match(
      stopped.json.reason ?? '',
      /^turned off by alice at \S+; heartbeat: no_heartbeat \(no heartbeat file\)$/,
    );
    assert.match(stopped.row, /^app +App +off /);
    assert.equal(stopped.pidCell, '-', stopped.row);
    assert.doesNotMatch(stopped.row, new RegExp(`PID ${first}\\b`), 'the stopped PID is not named on its row');

    // At once: the grace of the instance off stopped excuses nothing.
    const again = await watchdog(['on', 'app'], USER);
    assert.equal(again.code, 0, `${again.stderr}\n${outputLogText(scenario)}`);
    const second = startedPidOf(again.stdout);
    assert.notEqual(second, first);
    assert.equal(await ns.state(second), 'alive');
    assert.deepEqual(
      await liveDemoApps(ns).then((pids) => pids.filter((pid) => pid === first)),
      [],
      'the first is gone',
    );
    const startRow = recoveriesIn(dbPath).at(-1);
    assert.deepEqual(
      {
        command: startRow?.command,
        kind: startRow?.kind,
        outcome: startRow?.outcome,
        started_pid: startRow?.started_pid,
      },
      { command: 'on', kind: 'start', outcome: 'succeeded', started_pid: second },
    );
    assert.equal(processStateIn(dbPath)?.started_pid, second, 'the new instance is recorded');
    assertStarting(await statusNow(scenario), second, 'on');

    // The tick after agrees: still starting (no heartbeat yet), then healthy from that same PID.
    await assertTickAgrees(scenario, second, 'the tick right after on');
    await waitForBeatOf(heartbeatPath, second);
    await quietTick(watchdog, 'the tick once it beats');
    const healthy = await statusNow(scenario);
    assert.deepEqual(
      {
        state: healthy.json.state,
        pid: healthy.json.pid,
        source: healthy.json.state_source,
        heartbeat: healthy.json.heartbeat_state,
      },
      { state: 'healthy', pid: second, source: 'check', heartbeat: 'healthy' },
    );
    assert.deepEqual(await liveDemoApps(ns), [second], 'exactly one copy');
  });

  it('restart shows the new instance at once, never the one it killed', async () => {
    const scenario = await startScenario({
      commands: { start: SLOW_START, clear_db: 'sh clear-db.sh' },
      start_grace_seconds: 60,
    });
    const { ns, watchdog, heartbeatPath } = scenario;
    const on = await watchdog(['on', 'app'], USER);
    const old = startedPidOf(on.stdout);
    await waitForBeatOf(heartbeatPath, old);
    await quietTick(watchdog, 'while it beats');
    assert.equal((await statusNow(scenario)).json.pid, old);

    const restart = await watchdog(['restart', 'app'], USER);
    assert.equal(restart.code, 0, `${restart.stderr}\n${outputLogText(scenario)}`);
    const fresh = startedPidOf(restart.stdout, 'restart');
    await assertGone(ns, old, 'the instance restart stopped');
    const status = await statusNow(scenario);
    assertStarting(status, fresh, 'restart');
    assert.notEqual(status.pidCell, String(old));
    assert.doesNotMatch(status.row, new RegExp(`PID ${old}\\b`), 'the killed PID is not named on its row');
  });

  it('a cron recovery shows the instance it started at once, not the check that found the app down', async () => {
    const scenario = await startScenario({
      commands: { start: SLOW_START, clear_db: 'sh clear-db.sh' },
      start_grace_seconds: 60,
    });
    const { dbPath, watchdog } = scenario;
    await quietTick(watchdog, 'the first failure');
    const tick = await watchdog(['check']);
    assert.equal(tick.code, 0, `${tick.stderr}\n${outputLogText(scenario)}`);
    assert.equal(recoveriesIn(dbPath).at(-1)?.outcome, 'succeeded', JSON.stringify(recoveriesIn(dbPath).at(-1)));
    const started = processStateIn(dbPath)?.started_pid;
    assert.ok(typeof started === 'number', 'the recovery recorded the instance it started');
    assertStarting(await statusNow(scenario), started, 'recovery');
    assert.deepEqual(
      checksIn(dbPath).map((check) => check.health),
      ['no_heartbeat', 'no_heartbeat'],
      'history keeps the checks that found it down, and no more',
    );
    await assertTickAgrees(scenario, started, 'the tick after the recovery');
  });

  it('stop-all and start-all show off, then the started instance, at once', async () => {
    const scenario = await startScenario({
      commands: { start: SLOW_START, clear_db: 'sh clear-db.sh' },
      start_grace_seconds: 60,
    });
    const { ns, watchdog, heartbeatPath } = scenario;
    const on = await watchdog(['start-all'], USER);
    assert.equal(on.code, 0, on.stderr);
    const first = startedPidOf(on.stdout);
    assertStarting(await statusNow(scenario), first, 'start-all');
    await waitForBeatOf(heartbeatPath, first);
    await quietTick(watchdog, 'while it beats');
    const beating = await statusNow(scenario);
    assert.deepEqual({ state: beating.json.state, pid: beating.json.pid }, { state: 'healthy', pid: first });

    const stop = await watchdog(['stop-all'], USER);
    assert.equal(stop.code, 0, stop.stderr);
    await assertGone(ns, first, 'the app stop-all stopped');
    const stopped = await statusNow(scenario);
    assert.deepEqual(
      {
        state: stopped.json.state,
        pid: stopped.json.pid,
        age: stopped.json.heartbeat_age_seconds,
        ts: stopped.json.heartbeat_timestamp,
        source: stopped.json.state_source,
      },
      { state: 'off', pid: null, age: null, ts: null, source: 'stop-all' },
      JSON.stringify(stopped.json),
    );
    assert.equal(stopped.pidCell, '-', stopped.row);

    const start = await watchdog(['start-all'], USER);
    assert.equal(start.code, 0, `${start.stderr}\n${outputLogText(scenario)}`);
    const second = startedPidOf(start.stdout);
    assertStarting(await statusNow(scenario), second, 'start-all');
    await assertTickAgrees(scenario, second, 'the tick after start-all');
  });

  it('reset and on of a process given up on: no gave_up, no hint, a fresh count, at once', async () => {
    // The start fails (exit 3) until `ok` exists; then it sleeps 2 s and execs the app.
    const start = `if [ -e ok ]; then ${SLOW_START}; fi; exit 3`;
    const scenario = await startScenario(
      {
        commands: { start },
        recovery_actions: ['kill', 'start'],
        max_recoveries: 1,
        recovery_backoff_seconds: 0,
        start_grace_seconds: 60,
      },
      { consecutive_failures_threshold: 1 },
    );
    const { dir, watchdog } = scenario;
    const giveUp = async (): Promise<void> => {
      assert.equal((await watchdog(['check'])).code, 1, 'the recovery fails');
      assert.equal((await watchdog(['check'])).code, 1, 'gives up');
      const given = await statusNow(scenario);
      assert.equal(given.json.state, 'gave_up');
      assert.match(given.text, /`watchdog on app` or `watchdog reset app` resumes recoveries/);
    };
    await giveUp();

    const reset = await watchdog(['reset', 'app'], USER);
    assert.equal(reset.code, 0, reset.stderr);
    const afterReset = await statusNow(scenario);
    assert.deepEqual(
      {
        state: afterReset.json.state,
        gave_up: afterReset.json.gave_up_at,
        failures: afterReset.json.consecutive_failures,
        due: afterReset.json.recovery_due,
        source: afterReset.json.state_source,
      },
      { state: 'no_heartbeat', gave_up: null, failures: 0, due: false, source: 'reset' },
      JSON.stringify(afterReset.json),
    );
    assert.match(afterReset.row, /^app +App +no_heartbeat +0\/1 /);
    assert.doesNotMatch(afterReset.text, /gave up|resumes recoveries/);
    // The tick after agrees: the state reset showed, now counted (a fresh budget, so it recovers again).
    assert.equal((await watchdog(['check'])).code, 1);
    assert.deepEqual(
      {
        health: checksIn(scenario.dbPath).at(-1)?.health,
        failures: checksIn(scenario.dbPath).at(-1)?.consecutive_failures,
      },
      { health: 'no_heartbeat', failures: 1 },
    );

    assert.equal((await watchdog(['check'])).code, 1, 'gives up again');
    assert.equal((await statusNow(scenario)).json.state, 'gave_up');
    writeFileSync(join(dir, 'ok'), '');
    const on = await watchdog(['on', 'app'], USER);
    assert.equal(on.code, 0, `${on.stderr}\n${outputLogText(scenario)}`);
    assertStarting(await statusNow(scenario), startedPidOf(on.stdout), 'on');
  });

  it('an instance that died during its grace does not hold on back; status never shows its PID', async () => {
    // The first start's instance lives 1.5 s (past verify_delay) and dies before any heartbeat; later starts run the app.
    const start = `if [ -e died ]; then ${demoAppCommand()}; fi; touch died; sleep 1.5; exit 3`;
    const scenario = await startScenario({ commands: { start, clear_db: 'sh clear-db.sh' }, start_grace_seconds: 300 });
    const { ns, dbPath, watchdog } = scenario;
    const on = await watchdog(['on', 'app'], USER);
    assert.equal(on.code, 0, on.stderr);
    const dying = startedPidOf(on.stdout);
    await waitForState(ns, dying, ['dead', 'zombie']);

    const after = await statusNow(scenario);
    assert.deepEqual(
      { state: after.json.state, pid: after.json.pid, started: after.json.started_pid },
      { state: 'starting', pid: null, started: null },
      JSON.stringify(after.json),
    );
    assert.match(after.json.reason ?? '', new RegExp(`; PID ${dying}, the instance started, has exited since$`));
    assert.equal(after.pidCell, '-', after.row);

    const again = await watchdog(['on', 'app'], USER);
    assert.equal(again.code, 0, `${again.stdout}\n${again.stderr}\n${outputLogText(scenario)}`);
    assert.doesNotMatch(again.stdout, /already starting/);
    const second = startedPidOf(again.stdout);
    await waitForBeatOf(scenario.heartbeatPath, second);
    assert.deepEqual(await liveDemoApps(ns), [second]);
    assert.deepEqual(
      recoveriesIn(dbPath).map((recovery) => [recovery.command, recovery.outcome, recovery.started_pid]),
      [
        ['on', 'succeeded', dying],
        ['on', 'succeeded', second],
      ],
    );
  });

  it('a tick in the grace of a dead instance records its heartbeat state, not starting', async () => {
    const start = `touch started; sleep 1.5; exit 3`;
    const scenario = await startScenario({
      commands: { start },
      recovery_actions: ['kill', 'start'],
      start_grace_seconds: 300,
    });
    const { ns, dbPath, watchdog } = scenario;
    const on = await watchdog(['on', 'app'], USER);
    const dying = startedPidOf(on.stdout);
    await waitForState(ns, dying, ['dead', 'zombie']);
    await quietTick(watchdog, 'the tick after the instance died');
    const [check] = checksIn(dbPath);
    assert.deepEqual(
      { health: check?.health, failures: check?.consecutive_failures },
      { health: 'no_heartbeat', failures: 1 },
    );
    assert.equal(
      check?.reason,
      `no heartbeat file; PID ${dying}, started ${/started (\S+) ago/.exec(check?.reason ?? '')?.[1] ?? '?'} ago, has exited: no start grace`,
    );
    const status = await statusNow(scenario);
    assert.deepEqual(
      { state: status.json.state, pid: status.json.pid, source: status.json.state_source },
      { state: 'no_heartbeat', pid: null, source: 'check' },
    );
  });

  it('an off killed (SIGKILL) after it was persisted, before its kill ended: off, and the app that still runs', async () => {
    const scenario = await startScenario(
      { commands: { start: demoAppCommand('app', ['--ignore-sigterm']) }, recovery_actions: ['kill', 'start'] },
      { kill_timeout: 30 },
    );
    const { ns, dbPath, watchdog, heartbeatPath, configPath } = scenario;
    const on = await watchdog(['on', 'app'], USER);
    const app = startedPidOf(on.stdout);
    await waitForBeatOf(heartbeatPath, app);

    const off = await ns.spawn([process.execPath, WATCHDOG_BIN, 'off', 'app', '-c', configPath], {
      cwd: '/',
      env: USER,
    });
    // The app ignores SIGTERM: the kill waits up to 30 s before SIGKILL; the watchdog dies in that wait.
    await waitFor('the app to be sent SIGTERM', () => outputLogText(scenario).includes('demo-app: SIGTERM ignored'));
    await ns.signal(off, 'SIGKILL');
    await waitForState(ns, off, ['dead', 'zombie']);
    assert.equal(await ns.state(app), 'alive', 'the kill never ended');
    assert.notEqual(processStateIn(dbPath)?.off_since, null, 'off was persisted first');

    const now = await statusNow(scenario);
    assert.deepEqual(
      { state: now.json.state, pid: now.json.pid, source: now.json.state_source },
      { state: 'off', pid: app, source: 'off' },
      JSON.stringify(now.json),
    );
    await quietTick(watchdog, 'the tick after the killed off');
    const ticked = await statusNow(scenario);
    assert.deepEqual(
      { state: ticked.json.state, pid: ticked.json.pid, heartbeat: ticked.json.heartbeat_state },
      { state: 'off', pid: app, heartbeat: 'healthy' },
    );
    assert.equal(ticked.pidCell, String(app), ticked.row);

    // The off is still in force (no recovery), and `on` finds the app it could not stop.
    const again = await watchdog(['on', 'app'], USER);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^app: on; already running and healthy /m);
    const healthy = await statusNow(scenario);
    assert.deepEqual(
      { state: healthy.json.state, pid: healthy.json.pid, source: healthy.json.state_source },
      { state: 'healthy', pid: app, source: 'on' },
    );
    assert.deepEqual(await liveDemoApps(ns), [app]);
  });

  it('a heartbeat left after off, naming a PID another process took, is never shown as the app', async () => {
    const scenario = await startScenario({ start_grace_seconds: 60 });
    const { ns, dir, dbPath, watchdog, heartbeatPath } = scenario;
    const on = await watchdog(['on', 'app'], USER);
    const app = startedPidOf(on.stdout);
    await waitForBeatOf(heartbeatPath, app);
    const beat = JSON.parse(readFileSync(heartbeatPath, 'utf8')) as Record<string, unknown>;

    const off = await watchdog(['off', 'app'], USER);
    assert.equal(off.code, 0, off.stderr);
    await assertGone(ns, app, 'the app off stopped');
    // A stranger now runs, and a heartbeat like the app's last names it (as if it had reused the PID).
    const record = join(dir, 'stranger.log');
    const stranger = await startSentinel(ns, record, { detached: true });
    writeFileSync(
      heartbeatPath,
      JSON.stringify({ ...beat, pid: stranger, timestamp: new Date().toISOString(), iteration: 99 }),
    );

    const now = await statusNow(scenario);
    assert.deepEqual(
      { state: now.json.state, pid: now.json.pid },
      { state: 'off', pid: null },
      JSON.stringify(now.json),
    );
    assert.equal(now.pidCell, '-', now.row);

    await quietTick(watchdog, 'a tick while off, with the stranger named');
    const ticked = await statusNow(scenario);
    assert.deepEqual(
      {
        state: ticked.json.state,
        pid: ticked.json.pid,
        heartbeat: ticked.json.heartbeat_state,
        named: ticked.json.heartbeat_pid,
        age: ticked.json.heartbeat_age_seconds,
      },
      { state: 'off', pid: null, heartbeat: 'stale_pid', named: stranger, age: null },
      JSON.stringify(ticked.json),
    );
    assert.equal(ticked.pidCell, '-', ticked.row);

    // on: the stranger is neither shown as the app nor signalled; the app starts.
    const again = await watchdog(['on', 'app'], USER);
    assert.equal(again.code, 0, `${again.stderr}\n${outputLogText(scenario)}`);
    const fresh = startedPidOf(again.stdout);
    await waitFor('the new app to beat', async () => (await liveDemoApps(ns)).includes(fresh));
    const status = await statusNow(scenario);
    assert.notEqual(status.json.pid, stranger);
    assert.equal(await ns.state(stranger), 'alive');
    assert.deepEqual(readSentinelRecord(record), ['ready'], 'the stranger got no signal');
    assert.equal(processStateIn(dbPath)?.off_since, null);
  });
});
