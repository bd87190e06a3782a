// End-to-end tests of apps checked by `match` alone (docs/apps-without-heartbeat.md): the
// built watchdog, inside a PID namespace, finds the app by its command line, counts
// `not_running` toward the threshold, starts exactly one copy, and never signals what is
// not the app: itself, init, its ancestors, another user's process, a process whose
// command line changed. The apps are sentinels (tests/fixtures/sentinel.mjs), which record
// every signal they get and leave only on SIGKILL.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { readSentinelRecord, SENTINEL, startPidNamespace, type PidNamespace } from '../helpers/pid-namespace.js';
import { WATCHDOG_BIN } from '../helpers/run-watchdog.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { asUser, createThrowawayUser } from '../helpers/throwaway-users.js';
import { checksIn, recoveriesIn, watchdogIn } from '../helpers/watchdog-in-namespace.js';

const RETITLE = fileURLToPath(new URL('../fixtures/retitle.mjs', import.meta.url));

/** A folder every user may write (the sentinels of other users record there), in a fresh temp dir. */
function scenarioDir(): { dir: string; shared: string } {
  const dir = makeTempDir('watchdog-match-');
  chmodSync(dir, 0o755);
  const shared = join(dir, 'shared');
  mkdirSync(shared);
  chmodSync(shared, 0o777);
  return { dir, shared };
}

/** The config of one app `app` checked by `match` alone; `fields` override any key. */
function writeMatchConfig(
  dir: string,
  fields: Record<string, unknown>,
  topLevel: Record<string, unknown> = {},
): string {
  const config = {
    ...topLevel,
    consecutive_failures_threshold: 2,
    kill_timeout: 1,
    verify_delay: 0.3,
    processes: {
      app: {
        display_name: 'Broker',
        enabled: true,
        recovery_actions: ['kill', 'start'],
        start_grace_seconds: 30,
        ...fields,
      },
    },
  };
  const path = join(dir, 'config.json');
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

/** A sentinel in `ns` recording to `record` (its command line holds that path), once it is ready. */
async function sentinel(ns: PidNamespace, record: string, user: string[] = []): Promise<number> {
  const pid = await ns.spawn([...user, process.execPath, SENTINEL, record], { detached: true });
  await waitFor(() => readSentinelRecord(record).includes('ready'), `sentinel ${record} ready`);
  return pid;
}

async function waitFor(done: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** PIDs of live processes in `ns` whose command line holds `text`. */
async function liveWith(ns: PidNamespace, text: string): Promise<number[]> {
  return (await ns.processes())
    .filter((entry) => entry.state !== 'Z' && entry.cmdline.join(' ').includes(text))
    .map((entry) => entry.pid);
}

const lastCheck = (dbPath: string) => {
  const row = checksIn(dbPath).at(-1);
  return { health: row?.health, failures: row?.consecutive_failures, pid: row?.pid, reason: row?.reason };
};

describe('watchdog: an app checked by match alone', () => {
  it('is healthy while it runs; killed, it is not_running to the threshold, then started once', async () => {
    const { dir } = scenarioDir();
    const record = join(dir, 'app.record');
    const pattern = 'sentinel\\.mjs \\S*/app\\.record';
    // As the reasons quote it: RegExp#source, whose slashes are escaped.
    const shown = new RegExp(pattern, 'u').source;
    const textfile = join(dir, 'metrics', 'watchdog.prom');
    mkdirSync(join(dir, 'metrics'));
    const configPath = writeMatchConfig(
      dir,
      { match: pattern, user: 'root', commands: { start: `exec ${process.execPath} ${SENTINEL} ${record}` } },
      { metrics: { textfile_path: textfile } },
    );
    const dbPath = join(dir, 'watchdog.db');
    const ns = await startPidNamespace();
    const watchdog = watchdogIn(ns, configPath);
    const first = await sentinel(ns, record);

    const healthy = await watchdog(['check']);
    assert.deepEqual(
      { code: healthy.code, stdout: healthy.stdout, stderr: healthy.stderr },
      { code: 0, stdout: '', stderr: '' },
    );
    assert.deepEqual(lastCheck(dbPath), {
      health: 'healthy',
      failures: 0,
      pid: first,
      reason: `PID ${first} matches /${shown}/ as root`,
    });
    assert.match(readFileSync(textfile, 'utf8'), /^watchdog_process_matches\{process="app"\} 1$/m);

    await ns.signal(first, 'SIGKILL');
    await waitFor(async () => (await ns.state(first)) !== 'alive', 'the app to die');
    const once = await watchdog(['check', '--verbose']);
    assert.equal(once.code, 0, once.stderr);
    assert.match(once.stdout, /app: not_running \(no process matches .*\), failure 1\/2/);
    assert.deepEqual(lastCheck(dbPath), {
      health: 'not_running',
      failures: 1,
      pid: null,
      reason: `no process matches /${shown}/ as root`,
    });
    const metrics = readFileSync(textfile, 'utf8');
    assert.match(metrics, /^watchdog_process_matches\{process="app"\} 0$/m);
    assert.match(metrics, /^watchdog_process_state\{process="app",state="not_running"\} 1$/m);

    const preview = await watchdog(['check', '--dry-run']);
    assert.equal(preview.code, 0, preview.stderr);
    assert.match(preview.stdout, /not_running/);
    assert.match(preview.stdout, /kill: nothing to kill: no process matches/);

    const twice = await watchdog(['check']);
    assert.equal(twice.code, 0, `${twice.stdout}${twice.stderr}`);
    const [recovery] = recoveriesIn(dbPath);
    assert.equal(recovery?.trigger_health, 'not_running');
    assert.equal(recovery?.outcome, 'succeeded');
    assert.deepEqual(
      recovery?.actions.map((action) => [action.action, action.outcome]),
      [
        ['kill', 'nothing_to_kill'],
        ['start', 'ok'],
      ],
    );
    const started = recovery?.started_pid;
    assert.ok(typeof started === 'number' && started > 1);
    await waitFor(() => readSentinelRecord(record).filter((line) => line === 'ready').length === 2, 'the started app');

    const after = await watchdog(['check']);
    assert.equal(after.code, 0, after.stderr);
    assert.deepEqual(lastCheck(dbPath), {
      health: 'healthy',
      failures: 0,
      pid: started,
      reason: `PID ${started} matches /${shown}/ as root`,
    });
    assert.deepEqual(await liveWith(ns, record), [started], 'exactly one copy runs: the one started');
    const status = await watchdog(['status', '--json']);
    const entry = (
      JSON.parse(status.stdout) as { processes: { key: string; state: string; pid: number; matches: number }[] }
    ).processes[0];
    assert.deepEqual(
      { state: entry?.state, pid: entry?.pid, matches: entry?.matches },
      { state: 'healthy', pid: started, matches: 1 },
    );
  });

  it('never signals init or the watchdog when the pattern fits them: the kill fails, nothing starts', async () => {
    const { dir } = scenarioDir();
    const marker = join(dir, 'started');
    // Fits the namespace's init (a node script) and the watchdog (node dist/cli/bin.js), nothing else.
    const configPath = writeMatchConfig(dir, {
      match: 'pid-namespace-host|cli/bin\\.js',
      user: 'root',
      commands: { start: `touch ${marker}` },
    });
    const dbPath = join(dir, 'watchdog.db');
    const ns = await startPidNamespace();
    const watchdog = watchdogIn(ns, configPath);

    const first = await watchdog(['check']);
    assert.equal(first.code, 0, first.stderr);
    const row = lastCheck(dbPath);
    assert.equal(row.health, 'not_running');
    assert.match(row.reason ?? '', /not counted: PID 1 \(init\), PID \d+ \(the watchdog itself\)/);

    const second = await watchdog(['check']);
    assert.equal(second.code, 1, 'a failed recovery is exit 1');
    const [recovery] = recoveriesIn(dbPath);
    assert.equal(recovery?.outcome, 'failed');
    assert.deepEqual(
      recovery?.actions.map((action) => [action.action, action.outcome]),
      [
        ['kill', 'failed'],
        ['start', 'skipped'],
      ],
    );
    assert.match(recovery?.actions[0]?.detail ?? '', /PID 1 \(init\) matches/);
    assert.equal(existsSync(marker), false, 'no start after a failed kill');
    assert.deepEqual(await ns.hostSignals(), [], 'init got no signal');

    const restart = await watchdog(['restart', 'app']);
    assert.equal(restart.code, 1);
    assert.deepEqual(await ns.hostSignals(), []);
    assert.equal(existsSync(marker), false);
  });

  it('never signals anything for a pattern that fits every process (.): init matches, the kill fails', async () => {
    const { dir } = scenarioDir();
    const marker = join(dir, 'started');
    const record = join(dir, 'bystander.record');
    const configPath = writeMatchConfig(dir, { match: '.', user: 'root', commands: { start: `touch ${marker}` } });
    const dbPath = join(dir, 'watchdog.db');
    const ns = await startPidNamespace();
    const watchdog = watchdogIn(ns, configPath);
    const bystander = await sentinel(ns, record);

    await watchdog(['check']);
    assert.deepEqual([lastCheck(dbPath).health, lastCheck(dbPath).pid], ['healthy', bystander]);
    const restart = await watchdog(['restart', 'app']);
    assert.equal(restart.code, 1, `${restart.stdout}${restart.stderr}`);
    const [recovery] = recoveriesIn(dbPath);
    assert.deepEqual(
      recovery?.actions.map((action) => [action.action, action.outcome]),
      [
        ['kill', 'failed'],
        ['start', 'skipped'],
      ],
    );
    assert.match(recovery?.actions[0]?.detail ?? '', /PID 1 \(init\) matches/);
    assert.deepEqual(await ns.hostSignals(), [], 'init got no signal');
    assert.deepEqual(readSentinelRecord(record), ['ready'], 'nothing else was signalled either');
    assert.equal(existsSync(marker), false);
  });

  it("never signals the watchdog's ancestor whose command line matches (the app running watchdog on itself)", async () => {
    const { dir } = scenarioDir();
    const marker = join(dir, 'started');
    const configPath = writeMatchConfig(dir, {
      match: 'broker-self-restart',
      user: 'root',
      commands: { start: `touch ${marker}` },
    });
    const dbPath = join(dir, 'watchdog.db');
    const ns = await startPidNamespace();
    // The "app" is this shell: it runs `watchdog restart app` on itself, its command line holding the pattern.
    const script = `${process.execPath} ${WATCHDOG_BIN} restart app -c ${configPath}; echo "exit=$?"; : broker-self-restart`;
    const result = await ns.run(['sh', '-c', script], { cwd: '/' });
    assert.match(result.stdout, /exit=1/, 'the restart fails');
    const [recovery] = recoveriesIn(dbPath);
    assert.deepEqual(
      recovery?.actions.map((action) => [action.action, action.outcome]),
      [
        ['kill', 'failed'],
        ['start', 'skipped'],
      ],
    );
    assert.match(
      recovery?.actions[0]?.detail ?? '',
      /PID \d+, an ancestor of the watchdog, matches \/broker-self-restart\//,
    );
    assert.equal(existsSync(marker), false, 'no copy started beside it');
    assert.equal(result.signal, null, 'the shell was not signalled');
  });

  it('restarts by hand under a launcher whose command line holds the key (sh -c "watchdog restart app")', async () => {
    const { dir } = scenarioDir();
    const record = join(dir, 'app.record');
    const started = join(dir, 'started.record');
    // Unanchored: fits the app (its record path) and the launcher's `restart app`, as `nginx` fits `sudo watchdog restart nginx`.
    const configPath = writeMatchConfig(dir, {
      match: '\\bapp\\b',
      user: 'root',
      commands: { start: `exec ${process.execPath} ${SENTINEL} ${started}` },
    });
    const dbPath = join(dir, 'watchdog.db');
    const ns = await startPidNamespace();
    const app = await sentinel(ns, record);
    const script = `${process.execPath} ${WATCHDOG_BIN} restart app -c ${configPath}; echo "exit=$?"`;
    const result = await ns.run(['sh', '-c', script], { cwd: '/' });
    assert.match(result.stdout, /exit=0/, `${result.stdout}${result.stderr}`);
    const [recovery] = recoveriesIn(dbPath);
    assert.deepEqual(
      recovery?.actions.map((action) => [action.action, action.outcome, action.pid]),
      [
        ['kill', 'ok', app],
        ['start', 'ok', recovery?.started_pid],
      ],
    );
    assert.deepEqual(readSentinelRecord(record), ['ready', 'SIGTERM'], 'the app was stopped');
    assert.equal(result.signal, null, 'the launcher was not signalled');
    await waitFor(() => readSentinelRecord(started).includes('ready'), 'the started app');
  });

  it("with pid_file, a dead daemon's leftover worker is not_running, and the recovery stops it", async () => {
    const { dir } = scenarioDir();
    const record = join(dir, 'app.record');
    const started = join(dir, 'started.record');
    const pidFile = join(dir, 'app.pid');
    const configPath = writeMatchConfig(dir, {
      match: 'sentinel\\.mjs \\S*/(?:app|started)\\.record',
      user: 'root',
      pid_file: pidFile,
      commands: { start: `exec ${process.execPath} ${SENTINEL} ${started}` },
    });
    const dbPath = join(dir, 'watchdog.db');
    const ns = await startPidNamespace();
    const watchdog = watchdogIn(ns, configPath);
    // The worker outlived its daemon, whose PID the file still names (a PID that no longer runs).
    const worker = await sentinel(ns, record);
    const dead = await ns.spawn(['true']);
    await waitFor(async () => (await ns.state(dead)) !== 'alive', 'the daemon gone');
    writeFileSync(pidFile, `${dead}\n`);

    await watchdog(['check']);
    const row = lastCheck(dbPath);
    assert.equal(row.health, 'not_running');
    assert.equal(
      row.reason,
      `${pidFile} names PID ${dead}, which is not among the matches (gone?); PID ${worker} matches /${new RegExp('sentinel\\.mjs \\S*/(?:app|started)\\.record', 'u').source}/ as root: leftovers of the dead app?`,
    );
    const recover = await watchdog(['check']);
    assert.equal(recover.code, 0, `${recover.stdout}${recover.stderr}`);
    const [recovery] = recoveriesIn(dbPath);
    assert.deepEqual(
      recovery?.actions.map((action) => [action.action, action.outcome, action.pid]),
      [
        ['kill', 'ok', worker],
        ['start', 'ok', recovery?.started_pid],
      ],
    );
    assert.deepEqual(readSentinelRecord(record), ['ready', 'SIGTERM'], 'the leftover was stopped');
  });

  it('with pid_file naming a live process that does not match, not_running says the named process must match', async () => {
    const { dir } = scenarioDir();
    const record = join(dir, 'app.record');
    const pidFile = join(dir, 'app.pid');
    const pattern = 'sentinel\\.mjs \\S*/app\\.record';
    const configPath = writeMatchConfig(dir, {
      match: pattern,
      user: 'root',
      pid_file: pidFile,
      commands: { start: `exec ${process.execPath} ${SENTINEL} ${join(dir, 'started.record')}` },
    });
    const dbPath = join(dir, 'watchdog.db');
    const ns = await startPidNamespace();
    const watchdog = watchdogIn(ns, configPath);
    // A wrapper writes its own PID and runs the app as its child: the pattern fits only the child.
    const worker = await sentinel(ns, record);
    const wrapper = await ns.spawn(['sleep', '300']);
    writeFileSync(pidFile, `${wrapper}\n`);

    await watchdog(['check']);
    const row = lastCheck(dbPath);
    assert.equal(row.health, 'not_running');
    assert.equal(
      row.reason,
      `${pidFile} names PID ${wrapper}, which runs but does not match: the process the pid_file names must itself match the pattern (one that fits only its workers, or a wrapper's child, restarts the app at every threshold), unless its PID was reused since the daemon died; PID ${worker} matches /${new RegExp(pattern, 'u').source}/ as root`,
    );
    assert.deepEqual(readSentinelRecord(record), ['ready'], 'a check signals nothing');
  });

  it('cannot tell whether a Java-style app runs when its main class is past byte 4096, and starts no second copy', async () => {
    const { dir } = scenarioDir();
    const started = join(dir, 'started.record');
    const pattern = 'com\\.example\\.Gateway';
    const configPath = writeMatchConfig(dir, {
      match: pattern,
      user: 'root',
      commands: { start: `exec ${process.execPath} ${SENTINEL} ${started}` },
    });
    const dbPath = join(dir, 'watchdog.db');
    const ns = await startPidNamespace();
    const watchdog = watchdogIn(ns, configPath);
    // An ordinary classpath (120 jars, about 5 KB): the main class comes after byte 4096.
    const classpath = Array.from({ length: 120 }, (_, i) => `/opt/gateway/lib/dependency-${i}-1.2.3.jar`).join(':');
    const app = await ns.spawn(
      [process.execPath, '-e', 'setInterval(() => {}, 1e9)', '--', '-cp', classpath, 'com.example.Gateway'],
      { detached: true },
    );
    await waitFor(async () => (await liveWith(ns, 'com.example.Gateway')).includes(app), 'the app running');

    for (let tick = 0; tick < 3; tick += 1) await watchdog(['check']);
    const row = lastCheck(dbPath);
    assert.equal(row.health, 'check_error', 'not not_running: the app may be running');
    assert.equal(
      row.reason,
      `cannot tell whether it runs: no process matches /${new RegExp(pattern, 'u').source}/ as root, but PID ${app}'s command line goes on past the 4096 bytes searched and may match /${new RegExp(pattern, 'u').source}/ as root (anchor the pattern on the executable's path, or give the app a heartbeat)`,
    );
    assert.deepEqual(recoveriesIn(dbPath), [], 'no recovery: a check that cannot tell is not a failure');

    // Even a person's forced restart starts no second copy beside it.
    const restart = await watchdog(['restart', 'app', '--force']);
    assert.notEqual(restart.code, 0, `${restart.stdout}${restart.stderr}`);
    assert.match(
      `${restart.stdout}${restart.stderr}`,
      new RegExp(
        `PID ${app}'s command line goes on past the 4096 bytes searched .*not starting what may be a second copy`,
      ),
    );
    assert.deepEqual(readSentinelRecord(started), [], 'no second copy was started');
    assert.equal(await ns.state(app), 'alive', 'the app was not signalled');
  });

  it("neither counts nor signals another user's matching process when user is set", async () => {
    const hostile = await createThrowawayUser('hostile');
    const appUser = await createThrowawayUser('mqtt');
    const { dir, shared } = scenarioDir();
    const strangerRecord = join(shared, 'app.record');
    const started = join(shared, 'started.record');
    const configPath = writeMatchConfig(dir, {
      match: 'sentinel\\.mjs \\S*/shared/\\S+\\.record',
      user: appUser.name,
      commands: { start: `exec ${process.execPath} ${SENTINEL} ${started}` },
    });
    const dbPath = join(dir, 'watchdog.db');
    const ns = await startPidNamespace();
    const watchdog = watchdogIn(ns, configPath);
    const stranger = await sentinel(ns, strangerRecord, asUser(hostile));

    await watchdog(['check']);
    const row = lastCheck(dbPath);
    assert.equal(row.health, 'not_running', 'the hostile copy does not mask a dead app');
    // Another user's process is passed over before the pattern runs: not counted, not even listed.
    assert.match(row.reason ?? '', new RegExp(`^no process matches /.*/ as ${appUser.name}$`));
    assert.doesNotMatch(row.reason ?? '', new RegExp(`PID ${stranger}\\b`));

    const recover = await watchdog(['check']);
    assert.equal(recover.code, 0, `${recover.stdout}${recover.stderr}`);
    const [recovery] = recoveriesIn(dbPath);
    assert.deepEqual(
      recovery?.actions.map((action) => [action.action, action.outcome]),
      [
        ['kill', 'nothing_to_kill'],
        ['start', 'ok'],
      ],
    );
    await waitFor(() => readSentinelRecord(started).includes('ready'), 'the started app');
    await watchdog(['check']);
    assert.deepEqual(
      { health: lastCheck(dbPath).health, pid: lastCheck(dbPath).pid },
      { health: 'healthy', pid: recovery?.started_pid },
    );
    assert.deepEqual(readSentinelRecord(strangerRecord), ['ready'], "the other user's process got no signal");
    assert.equal(await ns.state(stranger), 'alive');
  });

  it('stops both matching processes, and nothing else, on restart', async () => {
    const { dir } = scenarioDir();
    const records = [join(dir, 'one.app.record'), join(dir, 'two.app.record')];
    const bystanderRecord = join(dir, 'bystander.record');
    const configPath = writeMatchConfig(dir, {
      match: 'sentinel\\.mjs \\S*\\.app\\.record',
      user: 'root',
      commands: { start: 'true' },
    });
    const dbPath = join(dir, 'watchdog.db');
    const ns = await startPidNamespace();
    const watchdog = watchdogIn(ns, configPath);
    const apps = [await sentinel(ns, records[0] ?? ''), await sentinel(ns, records[1] ?? '')];
    const bystander = await sentinel(ns, bystanderRecord);

    const preview = await watchdog(['restart', 'app', '--dry-run']);
    assert.match(
      preview.stdout,
      new RegExp(`kill: SIGTERM to each matching process, 2 processes \\(PIDs ${apps.join(', ')}\\)`),
    );

    const restart = await watchdog(['restart', 'app']);
    assert.equal(restart.code, 0, `${restart.stdout}${restart.stderr}`);
    const [recovery] = recoveriesIn(dbPath);
    const kill = recovery?.actions[0];
    assert.deepEqual([kill?.action, kill?.outcome, kill?.signal, kill?.pid], ['kill', 'ok', 'SIGKILL', apps[0]]);
    assert.match(kill?.detail ?? '', new RegExp(`^SIGTERM to 2 processes \\(PIDs ${apps.join(', ')}\\) matching`));
    assert.match(kill?.detail ?? '', /still running 1s after SIGTERM \(kill_timeout\): SIGKILL/);
    for (const [index, pid] of apps.entries()) {
      assert.notEqual(await ns.state(pid), 'alive');
      assert.deepEqual(readSentinelRecord(records[index] ?? ''), ['ready', 'SIGTERM']);
    }
    assert.deepEqual(readSentinelRecord(bystanderRecord), ['ready']);
    assert.equal(await ns.state(bystander), 'alive');
    assert.deepEqual(await ns.hostSignals(), []);
  });

  it('never signals a process whose command line changed since the check', async () => {
    const { dir } = scenarioDir();
    const record = join(dir, 'retitle.record');
    const trigger = join(dir, 'rename-now');
    const marker = join(dir, 'started');
    const configPath = writeMatchConfig(dir, {
      match: 'retitle\\.mjs',
      user: 'root',
      commands: { start: `touch ${marker}` },
    });
    const dbPath = join(dir, 'watchdog.db');
    const ns = await startPidNamespace();
    const watchdog = watchdogIn(ns, configPath);
    const app = await ns.spawn([process.execPath, RETITLE, record, trigger], { detached: true });
    await waitFor(() => readSentinelRecord(record).includes('ready'), 'the app ready');

    await watchdog(['check']);
    assert.deepEqual([lastCheck(dbPath).health, lastCheck(dbPath).pid], ['healthy', app]);
    writeFileSync(trigger, '');
    await waitFor(() => readSentinelRecord(record).includes('renamed'), 'the app renamed');

    const restart = await watchdog(['restart', 'app']);
    assert.equal(restart.code, 0, `${restart.stdout}${restart.stderr}`);
    const [recovery] = recoveriesIn(dbPath);
    assert.deepEqual(
      recovery?.actions.map((action) => [action.action, action.outcome]),
      [
        ['kill', 'nothing_to_kill'],
        ['start', 'ok'],
      ],
    );
    assert.deepEqual(readSentinelRecord(record), ['ready', 'renamed'], 'never signalled');
    assert.equal(await ns.state(app), 'alive');
  });
});
