// End-to-end tests of resource limits (docs/resource-limits.md): the built watchdog runs
// `check` inside a PID namespace against the demo app with a greedy child (a hog that holds
// memory it touched, or spins a core), as its start command leaves them: the hog forked by the
// shell that then execs the app, so it is the app's child. What is asserted is what a user sees:
// the audit rows, the recovery, `status`, the metrics textfile and the dry run.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import { heartbeatText, writeFileAt } from '../helpers/heartbeats.js';
import {
  assertGone,
  checksIn,
  demoAppCommand,
  outputLogText,
  processStateIn,
  quietTick,
  recoveriesIn,
  startScenario,
  waitFor,
  waitForBeatOf,
  type Scenario,
} from '../helpers/watchdog-in-namespace.js';

const HOG = fileURLToPath(new URL('../fixtures/hog.mjs', import.meta.url));
const MIB = 1024 * 1024;

/** The start command: the hog (`args`) forked by the shell, which then execs the demo app. */
function appWithHog(args: readonly string[]): string {
  return [process.execPath, HOG, ...args, '--ready', 'hog.ready', '&', demoAppCommand()].join(' ');
}

/** Starts the app as a person would (`watchdog restart app`); waits for its hog and its first beat. Returns both PIDs. */
async function startApp(scenario: Scenario): Promise<{ app: number; hog: number }> {
  const restart = await scenario.watchdog(['restart', 'app']);
  assert.equal(restart.code, 0, `${restart.stdout}${restart.stderr}\n${outputLogText(scenario)}`);
  const app = recoveriesIn(scenario.dbPath).at(-1)?.started_pid;
  assert.ok(typeof app === 'number', 'the started PID is recorded');
  const ready = join(scenario.dir, 'hog.ready');
  await waitFor('the hog to be ready', () => existsSync(ready) && readFileSync(ready, 'utf8').endsWith('\n'));
  await waitForBeatOf(scenario.heartbeatPath, app);
  return { app, hog: Number(readFileSync(ready, 'utf8')) };
}

interface StatusJson {
  processes: {
    key: string;
    state: string;
    memory_bytes: number | null;
    cpu_percent: number | null;
    usage_descendants: number | null;
  }[];
}

describe('resource limits, inside a PID namespace', () => {
  it('memory over max_memory_mb for threshold checks: over_limit rows, then a recovery that kills and restarts the app', async () => {
    const scenario = await startScenario({
      max_memory_mb: 200,
      commands: { start: appWithHog(['--memory-mb', '300']), clear_db: 'sh clear-db.sh' },
      timeout_seconds: 5,
    });
    const { ns, dbPath, watchdog } = scenario;
    const { app, hog } = await startApp(scenario);

    await quietTick(watchdog, 'the first check over the limit');
    const first = checksIn(dbPath).at(-1);
    assert.equal(first?.health, 'over_limit');
    assert.equal(first?.consecutive_failures, 1);
    assert.equal(first?.pid, app);
    const figure = /^memory (\d+) MB over max_memory_mb 200 \(app and 1 descendant\)$/.exec(first?.reason ?? '');
    assert.ok(figure, `the reason gives the figure and the limit: ${first?.reason ?? ''}`);
    assert.ok(Number(figure[1]) > 300, `the hog's 300 MiB are counted with the app: ${figure[1]} MB`);
    assert.equal(recoveriesIn(dbPath).length, 1, 'no recovery below the threshold (only the restart that started it)');
    assert.equal(await ns.state(app), 'alive');

    const tick = await watchdog(['check', '--verbose']);
    assert.equal(tick.code, 0, `${tick.stderr}\n${outputLogText(scenario)}`);
    assert.match(
      tick.stdout,
      /^app: over_limit \(memory \d+ MB over max_memory_mb 200 \(app and 1 descendant\)\), failure 2\/2, recovery due$/m,
    );
    const recovery = recoveriesIn(dbPath).at(-1);
    assert.equal(recovery?.kind, 'recovery');
    assert.equal(recovery?.trigger_health, 'over_limit');
    assert.equal(recovery?.outcome, 'succeeded', tick.stdout);
    assert.deepEqual(
      recovery?.actions.map((action) => `${action.action}: ${action.outcome}`),
      ['kill: ok', 'clear_db: ok', 'start: ok'],
    );
    assert.deepEqual(
      { pid: recovery?.actions[0]?.pid, signal: recovery?.actions[0]?.signal },
      { pid: app, signal: 'SIGTERM' },
      'the kill targets the app the heartbeat proved, as for any failure',
    );
    await assertGone(ns, app, 'the app over its limit');
    await waitFor('the hog of the killed app to go', async () => (await ns.state(hog)) !== 'alive');
    assert.deepEqual(
      checksIn(dbPath).map((check) => [check.health, check.consecutive_failures, check.action_taken]),
      [
        ['over_limit', 1, null],
        ['over_limit', 2, 'recovery'],
      ],
    );
    assert.ok(typeof recovery?.started_pid === 'number' && recovery.started_pid !== app, 'a new instance started');
    await waitForBeatOf(scenario.heartbeatPath, recovery.started_pid);
  });

  it('a busy app: no rate at the first check, then over_limit with the percentage; shown by status, metrics and the dry run', async () => {
    const scenario = await startScenario(
      {
        max_cpu_percent: 20,
        max_memory_mb: 4096,
        consecutive_failures_threshold: 5,
        commands: { start: appWithHog(['--cpu']) },
        recovery_actions: ['kill', 'start'],
        timeout_seconds: 10,
      },
      { metrics: { textfile_path: 'metrics/watchdog.prom' } },
    );
    const { dir, dbPath, watchdog } = scenario;
    mkdirSync(join(dir, 'metrics'));
    const { app } = await startApp(scenario);

    await quietTick(watchdog, 'the first sample');
    assert.equal(checksIn(dbPath).at(-1)?.health, 'healthy', 'no rate yet is never a failure');
    const sampled = processStateIn(dbPath);
    assert.equal(sampled?.last_cpu_percent, null);
    assert.equal(sampled?.cpu_sample_pid, app);
    assert.ok((sampled?.last_memory_bytes ?? 0) > 10 * MIB, 'memory is measured from the first check');

    const detail = await watchdog(['status', 'app']);
    assert.match(
      detail.stdout,
      /^ {2}usage +memory \d+ MB, cpu: no rate yet \(app and 1 descendant\), at the last check$/m,
    );

    await new Promise((resolve) => setTimeout(resolve, 1500));
    await quietTick(watchdog, 'the second sample');
    const second = checksIn(dbPath).at(-1);
    assert.equal(second?.health, 'over_limit');
    const figure = /^cpu (\d+)% over max_cpu_percent 20 in the last \d+ s \(app and 1 descendant\)$/.exec(
      second?.reason ?? '',
    );
    assert.ok(figure, `the reason gives the rate and the limit: ${second?.reason ?? ''}`);
    assert.ok(Number(figure[1]) > 20 && Number(figure[1]) <= 220, `a busy core on a 2-core machine: ${figure[1]}%`);

    const status = await watchdog(['status', '--json']);
    assert.equal(status.code, 0, status.stderr);
    const [shown] = (JSON.parse(status.stdout) as StatusJson).processes;
    assert.equal(shown?.state, 'over_limit');
    assert.ok((shown?.cpu_percent ?? 0) > 20, JSON.stringify(shown));
    assert.ok((shown?.memory_bytes ?? 0) > 10 * MIB, JSON.stringify(shown));
    assert.equal(shown?.usage_descendants, 1);

    const metrics = readFileSync(join(dir, 'metrics/watchdog.prom'), 'utf8');
    const cpu = /^watchdog_process_cpu_percent\{process="app"\} (\S+)$/m.exec(metrics)?.[1];
    assert.ok(cpu !== undefined && Number(cpu) > 20, metrics);
    assert.match(metrics, /^watchdog_process_memory_bytes\{process="app"\} \d+$/m);
    assert.match(metrics, /^watchdog_process_state\{process="app",state="over_limit"\} 1$/m);

    // The dry run's rate is since the last tick's sample: a second on, it has one.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const dryRun = await watchdog(['check', '--dry-run']);
    assert.equal(dryRun.code, 0, dryRun.stderr);
    assert.match(dryRun.stdout, /^app: over_limit \(cpu \d+% over max_cpu_percent 20 in the last \d+ s /m);
    assert.match(
      dryRun.stdout,
      new RegExp(
        `^ {2}usage: memory \\d+ MB, cpu \\d+% \\(app and 1 descendant, PID ${app}\\): over a limit \\(max_memory_mb 4096, max_cpu_percent 20\\)$`,
        'm',
      ),
    );
  });

  it('a healthy app under its limits stays healthy, with its figures measured', async () => {
    const scenario = await startScenario({
      max_memory_mb: 2048,
      max_cpu_percent: 90,
      consecutive_failures_threshold: 1,
      timeout_seconds: 5,
    });
    const { dbPath, watchdog, heartbeatPath } = scenario;
    const restart = await watchdog(['restart', 'app']);
    assert.equal(restart.code, 0, restart.stderr);
    const app = recoveriesIn(dbPath).at(-1)?.started_pid;
    assert.ok(typeof app === 'number');
    await waitForBeatOf(heartbeatPath, app);

    await quietTick(watchdog, 'the first check');
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await quietTick(watchdog, 'the second check');
    assert.deepEqual(
      checksIn(dbPath).map((check) => check.health),
      ['healthy', 'healthy'],
    );
    const state = processStateIn(dbPath);
    assert.ok((state?.last_memory_bytes ?? 0) > 10 * MIB && (state?.last_memory_bytes ?? 0) < 2048 * MIB);
    assert.ok(state?.last_cpu_percent != null && state.last_cpu_percent < 90, `${String(state?.last_cpu_percent)}%`);
    assert.equal(state?.last_usage_descendants, 0);
    assert.equal(recoveriesIn(dbPath).length, 1, 'only the restart that started it');
  });

  it('never measures a big stranger a heartbeat names without proof of identity: no over_limit, never signalled', async () => {
    const scenario = await startScenario({
      max_memory_mb: 50,
      consecutive_failures_threshold: 1,
      timeout_seconds: 60,
      // An app that writes no heartbeat: the test's heartbeat stays the only one.
      commands: { start: 'exec sleep 600' },
      recovery_actions: ['kill', 'start'],
    });
    const { ns, dir, dbPath, heartbeatPath, watchdog } = scenario;
    const ready = join(dir, 'stranger.ready');
    const stranger = await ns.spawn([process.execPath, HOG, '--memory-mb', '200', '--ready', ready], {
      cwd: dir,
      detached: true,
      outputPath: join(dir, 'stranger.out.log'),
    });
    await waitFor('the stranger to hold its memory', () => existsSync(ready));
    // A fresh heartbeat naming the stranger, with no start time or boot: nothing proves it is the app.
    writeFileAt(
      heartbeatPath,
      heartbeatText({ process_key: 'app', pid: stranger, timestamp: formatUtcTimestamp(new Date()), iteration: 1 }),
    );

    for (const tick of [1, 2, 3]) await quietTick(watchdog, `check ${tick} of the stranger's heartbeat`);
    assert.deepEqual(
      checksIn(dbPath).map((check) => [check.health, check.pid]),
      [
        ['healthy', stranger],
        ['healthy', stranger],
        ['healthy', stranger],
      ],
    );
    const state = processStateIn(dbPath);
    assert.equal(state?.last_memory_bytes, null, 'not measured as the app');
    assert.equal(state?.cpu_sample_pid, null);
    assert.deepEqual(recoveriesIn(dbPath), [], 'no recovery');
    assert.equal(await ns.state(stranger), 'alive', 'the stranger was never signalled');

    const dryRun = await watchdog(['check', '--dry-run']);
    assert.match(
      dryRun.stdout,
      new RegExp(`^ {2}usage: not measured: PID ${stranger} is not proven to be the app .*: limits not judged`, 'm'),
    );
  });
});
