// End-to-end tests of health probes (docs/health-probes.md): the built watchdog runs `check`,
// `check --dry-run`, `status` and the metrics inside a PID namespace, with a process checked
// by a command probe alone, and one checked by its heartbeat and an HTTP probe to a server of
// this test on 127.0.0.1 (nothing leaves loopback). What is asserted is what a user sees: the
// output, the exit codes, the audit rows, `status` and the metrics textfile.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { onCleanup } from '../helpers/cleanup.js';
import { listenOnFreePort } from '../helpers/free-port.js';
import {
  checksIn,
  outputLogText,
  processStateIn,
  recoveriesIn,
  startScenario,
  waitForBeatOf,
  waitUntilStale,
} from '../helpers/watchdog-in-namespace.js';

/** An HTTP server on 127.0.0.1 answering `status.current` (or never, for `hang`), counting what it is asked. */
async function healthServer(): Promise<{ port: number; status: { current: number | 'hang' }; asked: () => number }> {
  const status: { current: number | 'hang' } = { current: 200 };
  let asked = 0;
  const server = createServer((_request, response) => {
    asked += 1;
    if (status.current !== 'hang') response.writeHead(status.current).end();
  });
  const port = await listenOnFreePort(server);
  onCleanup(() => {
    server.closeAllConnections();
    server.close();
  });
  return { port, status, asked: () => asked };
}

describe('health probes, inside a PID namespace', () => {
  it('health alone: probe_failed counted toward the threshold, then a recovery; status and metrics show it', async () => {
    const scenario = await startScenario(
      {
        heartbeat_path: undefined,
        timeout_seconds: undefined,
        health: {
          type: 'command',
          command: 'test -f up.flag || { echo "agent: no up.flag"; exit 3; }',
          timeout_seconds: 5,
        },
        // The "vendor agent": it marks itself up, then runs.
        commands: { start: 'touch up.flag; exec sleep 600', clear_db: 'sh clear-db.sh' },
        start_grace_seconds: 0,
      },
      {
        metrics: { textfile_path: 'metrics/watchdog.prom' },
        notify: {
          channels: {
            ops: {
              type: 'command',
              command: 'cat >> notified.jsonl',
              events: ['recovery_started', 'recovery_refused'],
            },
          },
        },
      },
    );
    const { dir, dbPath, watchdog, ns } = scenario;
    mkdirSync(join(dir, 'metrics'));
    // The app as someone else started it (a boot script): a probe names no PID, so kill must never find it.
    const stranger = await ns.spawn(['sleep', '600'], {
      cwd: dir,
      detached: true,
      outputPath: join(dir, 'stranger.log'),
    });

    const validate = await watchdog(['validate']);
    assert.equal(validate.code, 0, validate.stderr);
    assert.match(
      `${validate.stdout}${validate.stderr}`,
      /processes\.app\.health: is the only check: kill finds only an instance the watchdog started itself/,
    );

    const first = await watchdog(['check', '--verbose']);
    assert.equal(first.code, 0, `${first.stdout}${first.stderr}`);
    const reason =
      /^health probe failed: command "test -f up\.flag \|\| \{ echo "agent: no up\.flag"; exit 3; \}": exited 3: "agent: no up\.flag" \(after \d+ ms\)$/;
    const row = checksIn(dbPath).at(-1);
    assert.equal(row?.health, 'probe_failed');
    assert.equal(row?.consecutive_failures, 1);
    assert.match(row?.reason ?? '', reason);
    assert.match(
      first.stdout + first.stderr,
      /app: probe_failed \(health probe failed: command .*exited 3.*\), failure 1\/2/,
    );
    assert.equal(recoveriesIn(dbPath).length, 0);
    const metrics = readFileSync(join(dir, 'metrics/watchdog.prom'), 'utf8');
    assert.match(metrics, /^watchdog_process_state\{process="app",state="probe_failed"\} 1$/m);

    const status = await watchdog(['status', '--json']);
    assert.equal(status.code, 0, status.stderr);
    const shown = (JSON.parse(status.stdout) as { processes: { key: string; state: string; reason?: string }[] })
      .processes[0];
    assert.equal(shown?.state, 'probe_failed');
    const statusText = await watchdog(['status']);
    assert.match(statusText.stdout, /probe_failed/);
    const history = await watchdog(['history']);
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stdout, /app +probe_failed +1 .*health probe failed: command /);

    const dryRun = await watchdog(['check', '--dry-run']);
    assert.equal(dryRun.code, 0, dryRun.stderr);
    assert.match(dryRun.stdout, /probe_failed/);
    assert.match(dryRun.stdout, /exited 3/);
    assert.equal(checksIn(dbPath).length, 1, 'the dry run records nothing');

    // Nothing the watchdog started is on record, so kill has nothing proven to stop, and the app
    // may run started another way (the stranger): cron refuses the start, a second copy.
    const second = await watchdog(['check']);
    const refusal = recoveriesIn(dbPath).at(-1);
    assert.equal(refusal?.outcome, 'skipped', JSON.stringify(refusal));
    assert.equal(refusal?.trigger_health, 'probe_failed');
    assert.match(
      refusal?.detail ?? '',
      /^checked by its health probe alone, and kill has nothing proven to stop \(no instance the watchdog started is on record\): the app may run started another way/,
    );
    assert.equal(second.code, 0, second.stderr);
    assert.match(
      readFileSync(join(dir, 'logs', 'watchdog.log'), 'utf8'),
      /app: recovery refused: checked by its health probe alone/,
    );
    assert.ok(!existsSync(join(dir, 'up.flag')), 'nothing was started');
    assert.equal(await ns.state(stranger), 'alive', 'the app someone else started was not signalled');

    // A person says it is theirs to start: `on` starts it, and the watchdog records its instance.
    const started = await watchdog(['on', 'app']);
    assert.equal(started.code, 0, `${started.stdout}${started.stderr}\n${outputLogText(scenario)}`);
    assert.ok(existsSync(join(dir, 'up.flag')), 'the start ran');

    // When it fails again, kill has the recorded instance to stop: cron recovers it.
    rmSync(join(dir, 'up.flag'));
    await watchdog(['check']);
    const recovered = await watchdog(['check']);
    assert.equal(recovered.code, 0, `${recovered.stdout}${recovered.stderr}\n${outputLogText(scenario)}`);
    const recovery = recoveriesIn(dbPath).at(-1);
    assert.equal(recovery?.trigger_health, 'probe_failed');
    assert.match(recovery?.trigger_reason ?? '', reason);
    assert.equal(recovery?.outcome, 'succeeded', JSON.stringify(recovery));
    assert.deepEqual(
      recovery?.actions.map((action) => action.action),
      ['kill', 'clear_db', 'start'],
    );
    assert.equal(
      recovery?.actions[0]?.outcome,
      'ok',
      `kill stopped the instance on record: ${recovery?.actions[0]?.detail ?? ''}`,
    );
    assert.equal(recovery?.actions.at(-1)?.outcome, 'ok');
    assert.ok(existsSync(join(dir, 'up.flag')), 'the start ran');
    assert.equal(await ns.state(stranger), 'alive', 'the app someone else started was not signalled');
    const told = readFileSync(join(dir, 'notified.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; details: { trigger?: string; reason?: string } });
    assert.deepEqual(
      told.map(({ event, details }) => [event, details.trigger]),
      [
        ['recovery_refused', undefined],
        ['recovery_started', 'probe_failed'],
      ],
    );
    assert.match(told[1]?.details.reason ?? '', reason);

    const third = await watchdog(['check']);
    assert.equal(third.code, 0, third.stderr);
    const healthy = checksIn(dbPath).at(-1);
    assert.equal(healthy?.health, 'healthy');
    assert.match(healthy?.reason ?? '', /health probe answered: command "test -f up\.flag.*exited 0/);
    assert.equal(processStateIn(dbPath)?.last_health, 'healthy');

    // `on` probes again: the app answers, so nothing is started beside it.
    const starts = recoveriesIn(dbPath).filter((row) => row.outcome !== 'skipped').length;
    assert.equal(starts, 2, '`on` and the recovery');
    const on = await watchdog(['on', 'app']);
    assert.equal(on.code, 0, on.stderr);
    assert.match(
      on.stdout,
      /already running and healthy \(no heartbeat file or match: its health probe decides; health probe answered: command /,
    );
    assert.equal(recoveriesIn(dbPath).filter((row) => row.outcome !== 'skipped').length, starts, 'no second start');
  });

  it('a refusal after the app was healthy again is a new outage: told again, with a new incident', async () => {
    const scenario = await startScenario(
      {
        heartbeat_path: undefined,
        timeout_seconds: undefined,
        // Run by someone else (no instance the watchdog started is on record): every due
        // recovery is refused, a second copy. Healthy while up.flag exists.
        health: { type: 'command', command: 'test -f up.flag', timeout_seconds: 5 },
        commands: { start: 'touch up.flag; exec sleep 600' },
        recovery_actions: ['kill', 'start'],
        start_grace_seconds: 0,
      },
      {
        notify: {
          channels: {
            ops: {
              type: 'command',
              command: 'cat >> notified.jsonl',
              events: ['recovery_refused', 'process_recovered'],
            },
          },
        },
      },
    );
    const { dir, watchdog } = scenario;
    const told = (): [string, unknown][] =>
      existsSync(join(dir, 'notified.jsonl'))
        ? readFileSync(join(dir, 'notified.jsonl'), 'utf8')
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as { event: string; details: { incident_id?: unknown } })
            .map(({ event, details }) => [event, details.incident_id])
        : [];

    const ticks: string[] = [];
    const tick = async (): Promise<void> => {
      const result = await watchdog(['check', '--verbose']);
      ticks.push(`${result.code} ${result.stdout}${result.stderr}`);
    };
    await tick();
    await tick();
    await tick();
    // Its owner brings it back; it is healthy again.
    writeFileSync(join(dir, 'up.flag'), '');
    await tick();
    // Down again: the same reason for refusing, but a new outage.
    rmSync(join(dir, 'up.flag'));
    await tick();
    await tick();
    await tick();

    const events = told();
    assert.deepEqual(
      events.map(([event]) => event),
      ['recovery_refused', 'process_recovered', 'recovery_refused'],
      `one refusal told per outage: ${JSON.stringify(events)}\n${ticks.join('\n')}`,
    );
    const [first, recovered, second] = events.map(([, id]) => id);
    assert.equal(typeof first, 'string');
    assert.equal(recovered, first, 'process_recovered closes the first incident');
    assert.equal(typeof second, 'string');
    assert.notEqual(second, first, 'the second outage is a new incident');
  });

  it('an app that listens late is starting inside its start grace, not killed and started again', async () => {
    const { watchdog, dir, dbPath } = await startScenario({
      heartbeat_path: undefined,
      timeout_seconds: undefined,
      health: { type: 'command', command: 'test -f up' },
      // Up (the probe answers) only after a while; it never is during this test.
      commands: { start: 'echo started >> starts.log; sleep 300; touch up; exec sleep 600' },
      recovery_actions: ['kill', 'start'],
      start_grace_seconds: 600,
      consecutive_failures_threshold: 1,
    });
    const first = await watchdog(['on', 'app']);
    assert.equal(first.code, 0, first.stderr);
    const second = await watchdog(['on', 'app']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /already starting \(started .* ago, waiting for its health probe to answer/);
    const tick = await watchdog(['check']);
    assert.equal(tick.code, 0, tick.stderr);
    assert.equal(checksIn(dbPath).at(-1)?.health, 'starting');
    assert.equal(readFileSync(join(dir, 'starts.log'), 'utf8'), 'started\n', 'started once');
  });

  it('a dry run asks a command probe without the notification secrets, as the tick does', async () => {
    const { watchdog } = await startScenario(
      {
        heartbeat_path: undefined,
        timeout_seconds: undefined,
        // Fails, saying so, when the notification's secret reached it.
        health: { type: 'command', command: 'test -z "$OPS_TOKEN" || { echo "saw the token"; exit 1; }' },
        commands: { start: 'exec sleep 600' },
        recovery_actions: ['kill', 'start'],
      },
      {
        notify: {
          channels: {
            ops: { type: 'webhook', url: 'http://127.0.0.1:9/hooks/${OPS_TOKEN}', events: ['gave_up'] },
          },
        },
      },
    );
    const env = { OPS_TOKEN: 's3cret-token' };
    const tick = await watchdog(['check', '--verbose'], env);
    assert.match(tick.stdout + tick.stderr, /app: healthy/, 'the tick keeps the secret from the probe');
    const dryRun = await watchdog(['check', '--dry-run'], env);
    assert.equal(dryRun.code, 0, dryRun.stderr);
    assert.doesNotMatch(dryRun.stdout, /probe_failed|s3cret/);
    assert.match(dryRun.stdout, /health probe answered: command .*exited 0/);
    const restart = await watchdog(['restart', 'app', '--dry-run'], env);
    assert.equal(restart.code, 0, restart.stderr);
    assert.doesNotMatch(restart.stdout, /probe_failed|s3cret/);
    assert.match(
      restart.stdout,
      /^dry run: the checks and probes are asked; nothing is started, stopped, recorded or logged$/m,
    );
    assert.match(restart.stdout, /app: healthy \(.*health probe answered: command /);
  });

  it('an off process is not probed: not by `off`, not by the tick, not by the dry run; `on` probes again', async () => {
    const { watchdog, dir, dbPath } = await startScenario({
      heartbeat_path: undefined,
      timeout_seconds: undefined,
      // Each time it is asked, it says so.
      health: { type: 'command', command: 'echo asked >> probed.log' },
      commands: { start: 'exec sleep 613' },
      recovery_actions: ['kill', 'start'],
    });
    const asked = (): number =>
      existsSync(join(dir, 'probed.log')) ? readFileSync(join(dir, 'probed.log'), 'utf8').split('\n').length - 1 : 0;
    const off = await watchdog(['off', 'app']);
    assert.equal(off.code, 0, off.stderr);
    assert.equal(asked(), 0, '`off` assesses without probing: its kill target never depends on the probe');
    const tick = await watchdog(['check']);
    assert.equal(tick.code, 0, tick.stderr);
    assert.equal(checksIn(dbPath).at(-1)?.health, 'off');
    const dryRun = await watchdog(['check', '--dry-run']);
    assert.match(dryRun.stdout, /app: off \(turned off by /);
    assert.equal(asked(), 0, 'neither the tick nor the dry run probed an off process');
    const on = await watchdog(['on', 'app']);
    assert.equal(on.code, 0, on.stderr);
    assert.ok(asked() > 0, '`on` probes again');
  });

  it('heartbeat and health: both must pass, and a heartbeat failure wins (the probe is not asked)', async () => {
    const server = await healthServer();
    const scenario = await startScenario({
      // A password in the URL: masked in every row, line and status that shows the probe.
      health: {
        type: 'http',
        url: `http://probe:s3cret@127.0.0.1:${server.port}/health`,
        expect_status: 200,
        timeout_seconds: 2,
      },
      consecutive_failures_threshold: 5,
      // A failed probe is what this test looks at, not a start grace that excuses it.
      start_grace_seconds: 0,
    });
    const { dbPath, watchdog, heartbeatPath } = scenario;
    const restart = await watchdog(['restart', 'app']);
    assert.equal(restart.code, 0, `${restart.stdout}${restart.stderr}\n${outputLogText(scenario)}`);
    const app = recoveriesIn(dbPath).at(-1)?.started_pid;
    assert.ok(typeof app === 'number');
    await waitForBeatOf(heartbeatPath, app);

    server.status.current = 503;
    const failing = await watchdog(['check']);
    assert.equal(failing.code, 0, failing.stderr);
    let row = checksIn(dbPath).at(-1);
    assert.equal(row?.health, 'probe_failed', row?.reason ?? undefined);
    assert.equal(row?.pid, app, 'the heartbeat’s PID is kept');
    assert.match(
      row?.reason ?? '',
      new RegExp(
        `^health probe failed: http http://\\*\\*\\*:\\*\\*\\*@127\\.0\\.0\\.1:${server.port}/health: HTTP 503, expected 200 \\(after \\d+ ms\\)$`,
      ),
    );

    server.status.current = 200;
    await waitForBeatOf(heartbeatPath, app);
    const passing = await watchdog(['check']);
    assert.equal(passing.code, 0, passing.stderr);
    row = checksIn(dbPath).at(-1);
    assert.equal(row?.health, 'healthy', row?.reason ?? undefined);
    assert.match(row?.reason ?? '', /health probe answered: http .*: HTTP 200/);

    // The app hangs: its heartbeat goes stale. The probe would hang too, but is never asked.
    server.status.current = 'hang';
    const askedBefore = server.asked();
    await scenario.ns.run(['kill', '-STOP', String(app)]);
    onCleanup(() => scenario.ns.run(['kill', '-CONT', String(app)]).then(() => undefined));
    await waitUntilStale(heartbeatPath, 1);
    const stale = await watchdog(['check']);
    assert.equal(stale.code, 0, stale.stderr);
    row = checksIn(dbPath).at(-1);
    assert.equal(row?.health, 'timed_out', row?.reason ?? undefined);
    assert.equal(server.asked(), askedBefore, 'no probe behind a failing heartbeat');

    const status = await watchdog(['status', '--json']);
    const logs = ['watchdog.db', 'watchdog.db-wal', 'logs/watchdog.log']
      .map((name) => join(scenario.dir, name))
      .filter((path) => existsSync(path))
      .map((path) => readFileSync(path, 'latin1'));
    for (const text of [status.stdout, ...logs]) assert.ok(!text.includes('s3cret'), 'the password is never written');
  });
});
