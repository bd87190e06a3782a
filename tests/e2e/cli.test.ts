import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { writeConfig } from '../helpers/config-files.js';
import { holdLockInChild } from '../helpers/hold-lock.js';
import { heartbeatText, writeFileAt } from '../helpers/heartbeats.js';
import { runWatchdog } from '../helpers/run-watchdog.js';
import { makeTempDir } from '../helpers/temp-dir.js';

function rowCount(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM check_history').get()?.n ?? -1;
  } finally {
    db.close();
  }
}

const UNSAFE_LOCATIONS_HINT =
  'tighten the permissions (chmod go-w, chown root), or set db_path, journal_path, lock_path, log_dir and metrics.textfile_path to folders only the watchdog user can write';

describe('watchdog command line', () => {
  it('refuses a bad config with exit 78, printing every problem, and does nothing else', async () => {
    const dir = makeTempDir();
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        kill_timeout: 'ten',
        procceses: {},
        processes: {
          web: {
            display_name: 'Web',
            timeout_seconds: '60',
            heartbeat_path: 'web.json',
            enabled: true,
            commands: { start: 'x' },
          },
          api: {
            display_name: 'API',
            timeout_seconds: 60,
            heartbeat_path: 'api.json',
            enabled: 'yes',
            recovery_actions: ['kill', 'reset', 'start'],
          },
        },
        // Errors inside the optional sections, as the build compiled the schema.
        network: { interface: '' },
        notify: { channels: {}, max_queued: 0 },
      }),
    );
    for (const command of ['check', 'status', 'history', 'validate']) {
      const result = await runWatchdog([command], { cwd: dir });
      assert.equal(result.code, 78, command);
      assert.equal(result.stdout, '');
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines[0], `watchdog: config file ${join(dir, 'config.json')} is invalid`);
      for (const problem of [
        '  kill_timeout: must be number',
        '  processes.web.timeout_seconds: must be number',
        '  processes.api.enabled: must be boolean',
        '  processes.api.commands.start: is required (the command that starts the app; legacy configs call it startup_command)',
        '  processes.api.recovery_actions[1]: action "reset" has no command (add commands.reset, or remove or disable the action)',
        '  network.interface: must not be empty',
        '  notify.max_queued: must be at least 1 (got 0)',
        'warning: procceses: unknown setting, ignored',
      ]) {
        assert.ok(lines.includes(problem), `${command} prints ${problem}\n${result.stderr}`);
      }
    }
    assert.deepEqual(readdirSync(dir), ['config.json'], 'no database, lock or log was created');
  });

  it('exits 78 with a hint when the config file is missing or not JSON', async () => {
    const dir = makeTempDir();
    const missing = await runWatchdog(['check'], { cwd: dir });
    assert.equal(missing.code, 78);
    assert.match(missing.stderr, /config file not found: .*config\.json/);
    assert.match(missing.stderr, /hint: pass -c PATH, set WATCHDOG_CONFIG/);

    writeFileSync(join(dir, 'config.json'), '{"processes": {\n  "web": {\n');
    const broken = await runWatchdog(['check'], { cwd: dir });
    assert.equal(broken.code, 78);
    assert.match(broken.stderr, /is not valid JSON\n {2}line 3, column 1: /);
  });

  it("refuses a process written twice with exit 78, naming both lines and the first block's problems; check does nothing", async () => {
    const dir = makeTempDir();
    const block = (timeout: unknown) =>
      JSON.stringify({
        display_name: 'Demo',
        timeout_seconds: timeout,
        heartbeat_path: 'demo.json',
        enabled: true,
        commands: { start: 'x' },
      });
    writeFileSync(
      join(dir, 'config.json'),
      `{\n  "processes": {\n    "demo_app": ${block(1e300)},\n    "demo_app": ${block(30)}\n  }\n}\n`,
    );
    for (const command of ['validate', 'check']) {
      const result = await runWatchdog([command], { cwd: dir });
      assert.equal(result.code, 78, command);
      assert.equal(result.stdout, '');
      assert.deepEqual(result.stderr.trim().split('\n').slice(0, 3), [
        `watchdog: config file ${join(dir, 'config.json')} is invalid`,
        '  processes.demo_app: written twice (lines 3 and 4); JSON keeps only the last, so remove or rename one',
        '  processes.demo_app.timeout_seconds: must be at most 604800 (got 1e+300) (in the processes.demo_app of line 3, which a later one replaces)',
      ]);
    }
    assert.deepEqual(readdirSync(dir), ['config.json'], 'no database, lock or log was created');
  });

  it('validates: OK with the number of processes, warnings on stderr', async () => {
    const dir = makeTempDir();
    writeConfig(dir, { web: { heartbeat_path: 'web.json', colour: 'blue' } });
    const result = await runWatchdog(['validate'], { cwd: dir });
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `OK: ${join(dir, 'config.json')} (1 process)\n`);
    assert.equal(result.stderr, 'warning: processes.web.colour: unknown setting, ignored\n');
  });

  it("loads the Python Watchdog's old-format config unchanged", async () => {
    const dir = makeTempDir();
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        log_level: 'INFO',
        db_path: 'watchdog.db',
        consecutive_failures_threshold: 3,
        processes: {
          legacy: {
            display_name: 'Legacy server',
            timeout_seconds: 120,
            startup_command: 'cd /opt/legacy && ./start.sh',
            cleanup_script: '/opt/legacy/clear_db.sh',
            heartbeat_path: 'hb/legacy.json',
            enabled: true,
          },
          no_cleanup: {
            display_name: 'No cleanup',
            timeout_seconds: 60,
            startup_command: './run.sh',
            heartbeat_path: 'hb/no_cleanup.json',
            enabled: false,
          },
        },
      }),
    );
    writeFileAt(join(dir, 'hb', 'legacy.json'), heartbeatText({ process_key: 'legacy' }));
    assert.equal((await runWatchdog(['validate'], { cwd: dir })).code, 0);
    assert.deepEqual(await runWatchdog(['check'], { cwd: dir }), { code: 0, stdout: '', stderr: '' });
    const status = await runWatchdog(['status', '--json'], { cwd: dir });
    const processes = (JSON.parse(status.stdout) as { processes: { key: string; state: string; threshold: number }[] })
      .processes;
    assert.deepEqual(
      processes.map((process) => [process.key, process.state, process.threshold]),
      [
        ['legacy', 'healthy', 3],
        ['no_cleanup', 'disabled', 3],
      ],
    );
  });

  it('takes -c before or after the command, and $WATCHDOG_CONFIG when there is none', async () => {
    const dir = makeTempDir();
    const other = makeTempDir();
    const configPath = writeConfig(dir, { web: { heartbeat_path: 'web.json' } }, {}, 'site.json');
    for (const args of [
      ['-c', configPath, 'validate'],
      ['validate', '--config', configPath],
    ]) {
      const result = await runWatchdog(args, { cwd: other });
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stdout, /^OK: /);
    }
    const fromEnv = await runWatchdog(['validate'], { cwd: other, env: { WATCHDOG_CONFIG: configPath } });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    const overridden = await runWatchdog(['validate', '-c', join(other, 'nope.json')], {
      cwd: other,
      env: { WATCHDOG_CONFIG: configPath },
    });
    assert.equal(overridden.code, 78, '-c wins over WATCHDOG_CONFIG');
    const twice = await runWatchdog(['validate', '-c', configPath, '-c', configPath], { cwd: other });
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /--config is given more than once/);
    const empty = await runWatchdog(['validate', '-c'], { cwd: other });
    assert.equal(empty.code, 2);
  });

  it('exits 0 quietly when another instance holds the lock, recording nothing, and logs one line', async () => {
    const dir = makeTempDir();
    writeConfig(dir, { web: { heartbeat_path: 'web.json' } });
    assert.equal((await runWatchdog(['check'], { cwd: dir })).code, 0);
    const lockPath = join(dir, 'watchdog.lock');
    const holder = await holdLockInChild(lockPath);
    try {
      assert.deepEqual(await runWatchdog(['check'], { cwd: dir }), { code: 0, stdout: '', stderr: '' });
      assert.equal(rowCount(join(dir, 'watchdog.db')), 1, 'the locked-out tick recorded nothing');
      const log = readFileSync(join(dir, 'logs', 'watchdog.log'), 'utf8');
      assert.equal(log.match(/holds the lock/g)?.length, 1);
      const verbose = await runWatchdog(['check', '--verbose'], { cwd: dir });
      assert.equal(verbose.stdout, `another watchdog holds ${lockPath}; nothing done\n`);
    } finally {
      await holder.release();
    }
  });

  it('still checks and records every process when the log cannot be written, and says so on stderr', async () => {
    const dir = makeTempDir();
    mkdirSync(join(dir, 'logs', 'watchdog.log'), { recursive: true });
    writeConfig(dir, { web: { heartbeat_path: 'web.json', colour: 'blue' } });
    const result = await runWatchdog(['check'], { cwd: dir });
    assert.equal(result.code, 0);
    assert.equal(result.stdout, '');
    const lines = result.stderr.trim().split('\n');
    assert.match(lines[0] ?? '', /^watchdog: cannot write to the log in .*logs: EISDIR.*; log lines follow on stderr$/);
    assert.match(lines[1] ?? '', /warn {2}config: processes\.web\.colour: unknown setting, ignored$/);
    assert.match(lines[2] ?? '', /warn {2}web: no_heartbeat \(no heartbeat file\), failure 1\/2$/);
    assert.equal(rowCount(join(dir, 'watchdog.db')), 1);
  });

  it('says so and exits 78 when the lock path is in a folder other users may write', async () => {
    const dir = makeTempDir();
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o1777);
    const configPath = writeConfig(dir, { web: { heartbeat_path: 'web.json' } }, { lock_path: 'open/watchdog.lock' });
    const result = await runWatchdog(['check'], { cwd: dir });
    assert.equal(result.code, 78, result.stderr);
    assert.equal(result.stdout, '');
    assert.deepEqual(result.stderr.trim().split('\n'), [
      `watchdog: the state, log or metrics locations of ${configPath} are not safe from other users; refusing to use them`,
      `  lock_path: its folder ${open} is writable by group or others (mode 1777); use a folder only the watchdog's user can write, such as /var/lib/watchdog`,
      `hint: ${UNSAFE_LOCATIONS_HINT}`,
    ]);
    assert.equal(existsSync(join(dir, 'watchdog.db')), false, 'no check ran');
    assert.equal(existsSync(join(open, 'watchdog.lock')), false, 'no lock taken');
  });

  it('validate and check exit 78 naming a log folder other users may write; validate names a loose metrics folder too', async () => {
    const dir = makeTempDir();
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const configPath = writeConfig(
      dir,
      { web: { heartbeat_path: 'web.json' } },
      { log_dir: 'open/logs', metrics: { textfile_path: 'open/watchdog.prom' } },
    );
    const header = `watchdog: the state, log or metrics locations of ${configPath} are not safe from other users; refusing to use them`;
    const logLine = `  log_dir: its folder ${open} is writable by group or others (mode 0777); use a folder only the watchdog's user can write, such as /var/lib/watchdog`;
    const metricsLine = `  metrics.textfile_path: its folder ${open} is writable by group or others (mode 0777); use a folder only the watchdog's user can write, such as /var/lib/watchdog`;
    const expected: Record<string, string[]> = {
      validate: [header, logLine, metricsLine, `hint: ${UNSAFE_LOCATIONS_HINT}`],
      check: [header, logLine, `hint: ${UNSAFE_LOCATIONS_HINT}`],
    };
    for (const [command, lines] of Object.entries(expected)) {
      const result = await runWatchdog([command], { cwd: dir });
      assert.equal(result.code, 78, result.stderr);
      assert.equal(result.stdout, '');
      assert.deepEqual(result.stderr.trim().split('\n'), lines, command);
    }
    assert.equal(existsSync(join(dir, 'watchdog.db')), false, 'no check ran');
    assert.deepEqual(readdirSync(open), [], 'nothing was written in the open folder');
  });

  it('a tick goes on supervising when the metrics folder is not safe: it writes no metrics there and logs why', async () => {
    const dir = makeTempDir();
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    writeFileAt(join(dir, 'web.json'), heartbeatText({ process_key: 'web', iteration: 1 }));
    writeConfig(dir, { web: { heartbeat_path: 'web.json' } }, { metrics: { textfile_path: 'open/watchdog.prom' } });
    const result = await runWatchdog(['check'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(rowCount(join(dir, 'watchdog.db')), 1, 'the process was checked');
    assert.deepEqual(readdirSync(open), [], 'no metrics written in the open folder');
    assert.match(
      readFileSync(join(dir, 'logs', 'watchdog.log'), 'utf8'),
      new RegExp(
        `error metrics: cannot write ${open}/watchdog\\.prom: ${open} is a folder others can write \\(mode 0777\\)`,
      ),
    );
  });

  it('shows status as a table, for all or one process, and refuses an unknown key with exit 2', async () => {
    const dir = makeTempDir();
    writeFileAt(join(dir, 'web.json'), heartbeatText({ process_key: 'web', iteration: 42 }));
    // api's start command fails, so its recovery fails and it stays due.
    writeConfig(
      dir,
      { web: { heartbeat_path: 'web.json' }, api: { heartbeat_path: 'api.json', commands: { start: 'exit 3' } } },
      { verify_delay: 0.2 },
    );

    const before = await runWatchdog(['status'], { cwd: dir });
    assert.equal(before.code, 0);
    assert.match(before.stdout, /api +The api app +unknown +0\/2 .* never +- +not checked yet/);
    assert.equal(existsSync(join(dir, 'watchdog.db')), false, 'status does not create the database');

    assert.equal((await runWatchdog(['check'], { cwd: dir })).code, 0);
    assert.equal((await runWatchdog(['check'], { cwd: dir })).code, 1, 'the recovery of api failed');
    const result = await runWatchdog(['status'], { cwd: dir });
    assert.equal(result.code, 0);
    const lines = result.stdout.trim().split('\n');
    assert.match(lines[0] ?? '', /config\.json: 2 enabled, 1 healthy, 1 not healthy$/);
    assert.match(
      lines[1] ?? '',
      /^KEY +NAME +STATE +FAILURES +HEARTBEAT AGE +PID +IDENTITY +USAGE +LAST CHECK +LAST RECOVERY +REASON$/,
    );
    // web's heartbeat records no start time and web has no match nor user: only its PID says who
    // it is, so it is not measured as the app (no USAGE).
    assert.match(
      lines[2] ?? '',
      new RegExp(
        `^web +The web app +healthy +0/2 +[\\d.]+s +${process.pid} +PID only +- +[\\d.]+s ago +- +heartbeat .* ago, iteration 42$`,
      ),
    );
    assert.match(
      lines[3] ?? '',
      /^api +The api app +no_heartbeat +2\/2 recovery due +- +- +- +- +[\d.]+s ago +#1 recovery failed [\d.]+m?s ago +no heartbeat file$/,
    );
    assert.match(
      lines[4] ?? '',
      /^last recovery of api failed: start failed: the start command exited 3 within 0\.2s \(verify_delay\)/,
    );
    assert.match(
      result.stdout,
      /app output of api \(stdout and stderr of what the watchdog starts\): .*\/logs\/api\.out\.log\n/,
    );

    const one = await runWatchdog(['status', 'api', '--json'], { cwd: dir });
    const parsed = JSON.parse(one.stdout) as { processes: Record<string, unknown>[] };
    assert.equal(parsed.processes.length, 1);
    assert.equal(parsed.processes[0]?.key, 'api');
    assert.equal(parsed.processes[0]?.state, 'no_heartbeat');
    assert.equal(parsed.processes[0]?.consecutive_failures, 2);
    assert.equal(parsed.processes[0]?.recovery_due, true);

    const unknown = await runWatchdog(['status', 'nope'], { cwd: dir });
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr, 'watchdog: unknown process key "nope"\nhint: known keys: web, api\n');
  });

  it('lists history newest first, filtered and limited, as a table or JSON', async () => {
    const dir = makeTempDir();
    // Start commands that fail: the second tick runs a recovery that fails, the third waits for its backoff.
    writeConfig(
      dir,
      {
        web: { heartbeat_path: 'web.json', commands: { start: 'exit 3' } },
        api: { heartbeat_path: 'api.json', commands: { start: 'exit 3' } },
      },
      { verify_delay: 0.1 },
    );
    const empty = await runWatchdog(['history'], { cwd: dir });
    assert.equal(empty.stdout, 'no checks recorded yet\n');
    for (let tick = 0; tick < 3; tick += 1) await runWatchdog(['check'], { cwd: dir });

    const table = await runWatchdog(['history', 'web', '--limit', '2'], { cwd: dir });
    assert.equal(table.code, 0);
    const lines = table.stdout.trim().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0] ?? '', /^CHECKED AT \(UTC\) +KEY +STATE +FAILURES/);
    assert.match(
      lines[1] ?? '',
      /web +no_heartbeat +3 .* backoff +no heartbeat file; next recovery in [\d.]+s \(backoff 60s after a failed recovery\)$/,
    );
    assert.match(lines[2] ?? '', /web +no_heartbeat +2 .*recovery #1 +no heartbeat file$/);

    const json = await runWatchdog(['history', '--json', '-n', '4'], { cwd: dir });
    const checks = (JSON.parse(json.stdout) as { checks: { id: number; process_key: string }[] }).checks;
    assert.equal(checks.length, 4);
    assert.deepEqual(
      checks.map((check) => check.id),
      [...checks.map((check) => check.id)].sort((a, b) => b - a),
    );

    const bad = await runWatchdog(['history', '--limit', '0'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--limit must be a positive integer/);
  });

  it('exits 2 on an unknown command or option, and 0 with help', async () => {
    const dir = makeTempDir();
    const unknown = await runWatchdog(['chek'], { cwd: dir });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Did you mean check\?/);
    const option = await runWatchdog(['check', '--verbos'], { cwd: dir });
    assert.equal(option.code, 2);
    const help = await runWatchdog(['--help'], { cwd: dir });
    assert.equal(help.code, 0);
    const commands = [
      'check',
      'on [key]',
      'off [key]',
      'restart [key]',
      'reset [key]',
      'stop-all',
      'start-all',
      'validate',
      'status [key]',
      'history [key]',
    ];
    for (const command of commands) assert.ok(help.stdout.includes(`watchdog ${command}`), command);
    assert.match(help.stdout, /WATCHDOG_CONFIG/);
    assert.match(help.stdout, /75 the lock was still held after --wait/);
    const restartHelp = await runWatchdog(['restart', '--help'], { cwd: dir });
    assert.match(restartHelp.stdout, /--dry-run/);
    assert.match(restartHelp.stdout, /--wait/);
  });

  it('refuses manual commands without a key, with an unknown key or a bad --wait, touching nothing', async () => {
    const dir = makeTempDir();
    writeConfig(dir, { web: { heartbeat_path: 'web.json' }, api: { heartbeat_path: 'api.json' } });
    for (const command of ['on', 'off', 'restart', 'reset']) {
      // Without a key: how to use it and the keys to choose from, with their names and states.
      const missing = await runWatchdog([command], { cwd: dir });
      assert.equal(missing.code, 2, command);
      assert.equal(missing.stdout, '');
      assert.equal(
        missing.stderr,
        [
          `watchdog: ${command} needs a process key: watchdog ${command} KEY`,
          'known keys:',
          '  KEY  NAME         STATE',
          '  web  The web app  unknown',
          '  api  The api app  unknown',
          `hint: watchdog ${command} web`,
          '',
        ].join('\n'),
      );
    }
    for (const command of ['on', 'off', 'restart']) {
      const unknown = await runWatchdog([command, 'nope'], { cwd: dir });
      assert.equal(unknown.code, 2, command);
      assert.equal(unknown.stderr, 'watchdog: unknown process key "nope"\nhint: known keys: web, api\n');
    }
    const badWait = await runWatchdog(['on', 'web', '--wait', '-1'], { cwd: dir });
    assert.equal(badWait.code, 2);
    assert.match(badWait.stderr, /--wait must be a number of seconds, 0 or more/);
    assert.equal(existsSync(join(dir, 'watchdog.db')), false, 'nothing recorded');
    assert.equal(existsSync(join(dir, 'watchdog.lock')), false, 'no lock taken');
  });
});
