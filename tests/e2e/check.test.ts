import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { CheckHistoryRow } from '../../src/store/read-state.js';
import type { ProcessStatus } from '../../src/status/build-status.js';
import { writeConfig } from '../helpers/config-files.js';
import { startDemoApp, waitForIteration } from '../helpers/demo-app.js';
import { heartbeatText, writeFileAt } from '../helpers/heartbeats.js';
import { runWatchdog } from '../helpers/run-watchdog.js';
import { makeTempDir } from '../helpers/temp-dir.js';

function historyOf(dbPath: string): CheckHistoryRow[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare<[], CheckHistoryRow>('SELECT * FROM check_history ORDER BY id').all();
  } finally {
    db.close();
  }
}

async function statusOf(dir: string): Promise<ProcessStatus[]> {
  const result = await runWatchdog(['status', '--json'], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  return (JSON.parse(result.stdout) as { processes: ProcessStatus[] }).processes;
}

async function checkQuietly(dir: string): Promise<void> {
  const result = await runWatchdog(['check'], { cwd: dir });
  assert.deepEqual(result, { code: 0, stdout: '', stderr: '' }, 'a tick that ran prints nothing and exits 0');
}

describe('watchdog check against a real app embedding HeartbeatWriter', () => {
  it('finds a beating app healthy and records it', async () => {
    const dir = makeTempDir();
    const app = await startDemoApp(join(dir, 'run'), 'demo');
    writeConfig(dir, { demo: { heartbeat_path: 'run/demo.json' } });

    await checkQuietly(dir);

    const [row] = historyOf(join(dir, 'watchdog.db'));
    assert.equal(row?.health, 'healthy');
    assert.equal(row?.pid, app.pid);
    assert.equal(row?.process_key, 'demo');
    assert.ok((row?.iteration ?? 0) >= 1);
    assert.match(row?.reason ?? '', /^heartbeat .* ago, iteration \d+$/);
    const [status] = await statusOf(dir);
    assert.equal(status?.state, 'healthy');
    assert.equal(status?.consecutive_failures, 0);
    assert.equal(status?.pid, app.pid);
  });

  it('finds an app that stopped beating timed out', async () => {
    const dir = makeTempDir();
    const app = await startDemoApp(join(dir, 'run'), 'hung', ['--hang-after', '2']);
    await waitForIteration(app.heartbeatPath, 2);
    // A timeout shorter than any tick can be: the last heartbeat is always older.
    writeConfig(dir, { hung: { heartbeat_path: 'run/hung.json', timeout_seconds: 0.001 } });

    await checkQuietly(dir);

    const [row] = historyOf(join(dir, 'watchdog.db'));
    assert.equal(row?.health, 'timed_out');
    assert.equal(row?.pid, app.pid, 'the app is still running: its PID is not stale');
    assert.match(row?.reason ?? '', /^last heartbeat .* ago, timeout 1ms$/);
  });

  it('finds an app whose process is gone stale_pid, with its PID in the reason', async () => {
    const dir = makeTempDir();
    const app = await startDemoApp(join(dir, 'run'), 'crashed', ['--exit-after', '2']);
    await app.exited;
    writeConfig(dir, { crashed: { heartbeat_path: 'run/crashed.json' } });

    await checkQuietly(dir);

    const [row] = historyOf(join(dir, 'watchdog.db'));
    assert.equal(row?.health, 'stale_pid');
    assert.equal(row?.reason, `PID ${app.pid} is not running`);
  });

  it('finds an app reporting status "error" error_status', async () => {
    const dir = makeTempDir();
    const app = await startDemoApp(join(dir, 'run'), 'sick', ['--error-after', '1']);
    await waitForIteration(app.heartbeatPath, 2);
    writeConfig(dir, { sick: { heartbeat_path: 'run/sick.json' } });

    await checkQuietly(dir);

    assert.equal(historyOf(join(dir, 'watchdog.db'))[0]?.health, 'error_status');
  });

  it('finds any status but "running" error_status, as the Python tool does, unless healthy_statuses lists it', async () => {
    const dir = makeTempDir();
    // One live app; the heartbeats below name its PID (written after it started, so it may be their writer).
    const app = await startDemoApp(join(dir, 'run'), 'live');
    const beats: Record<string, Record<string, unknown>> = {
      degraded: { status: 'degraded' },
      capitalised: { status: 'Running' },
      no_status: { status: undefined },
      numeric: { status: 1 },
      tolerant: { status: 'degraded' },
      running: {},
    };
    for (const [key, fields] of Object.entries(beats))
      writeFileAt(join(dir, 'hb', `${key}.json`), heartbeatText({ process_key: key, pid: app.pid, ...fields }));
    writeConfig(
      dir,
      Object.fromEntries(
        Object.keys(beats).map((key) => [
          key,
          {
            heartbeat_path: `hb/${key}.json`,
            ...(key === 'tolerant' ? { healthy_statuses: ['running', 'degraded'] } : {}),
          },
        ]),
      ),
      { consecutive_failures_threshold: 5 },
    );

    await checkQuietly(dir);
    await checkQuietly(dir);

    const status = Object.fromEntries(
      (await statusOf(dir)).map((each) => [
        each.key,
        [each.state, each.reason, each.consecutive_failures, each.heartbeat_status],
      ]),
    );
    assert.deepEqual(status, {
      degraded: ['error_status', 'app reports status "degraded"; healthy: "running"', 2, 'degraded'],
      capitalised: ['error_status', 'app reports status "Running"; healthy: "running"', 2, 'Running'],
      no_status: ['error_status', 'heartbeat has no status; healthy: "running"', 2, null],
      numeric: ['error_status', 'app reports status 1, not a string; healthy: "running"', 2, null],
      tolerant: ['healthy', status.tolerant?.[1], 0, 'degraded'],
      running: ['healthy', status.running?.[1], 0, 'running'],
    });
    const rows = historyOf(join(dir, 'watchdog.db'));
    assert.deepEqual(
      rows
        .filter((row) => row.health === 'error_status')
        .map((row) => [row.process_key, row.pid])
        .sort(),
      ['capitalised', 'capitalised', 'degraded', 'degraded', 'no_status', 'no_status', 'numeric', 'numeric'].map(
        (key) => [key, app.pid],
      ),
      'their PID is trusted (error_status, not invalid_heartbeat): a recovery may stop it',
    );
    assert.equal(app.child.exitCode, null, 'below the threshold nothing is done to the app');

    // The dry run judges by the same rule.
    const dryRun = await runWatchdog(['check', '--dry-run'], { cwd: dir });
    assert.equal(dryRun.code, 0, dryRun.stderr);
    const lineOf = (key: string) => dryRun.stdout.split('\n').find((line) => line.startsWith(`${key}:`)) ?? '';
    assert.match(lineOf('degraded'), /^degraded: error_status \(app reports status "degraded"; healthy: "running"\)/);
    assert.match(lineOf('tolerant'), /^tolerant: healthy /);
  });

  it('counts failures across ticks, recovers at the threshold, and resets on a healthy check', async () => {
    const dir = makeTempDir();
    writeConfig(
      dir,
      { demo: { heartbeat_path: 'run/demo.json', commands: { start: 'echo starting demo' } } },
      { verify_delay: 0.2 },
    );
    const states = async () =>
      (await statusOf(dir)).map((status) => [status.state, status.consecutive_failures, status.recovery_due]);

    await checkQuietly(dir);
    assert.deepEqual(await states(), [['no_heartbeat', 1, false]]);
    await checkQuietly(dir);
    // The threshold was reached and the recovery started the app: the count starts again, and
    // status shows what the recovery left (started, its first heartbeat awaited), not the check before it.
    assert.deepEqual(await states(), [['starting', 0, false]]);
    const [recovered] = await statusOf(dir);
    assert.equal(recovered?.last_recovery?.outcome, 'succeeded');
    assert.match(
      readFileSync(join(dir, 'logs', 'demo.out.log'), 'utf8'),
      /watchdog started demo: no_heartbeat.*\nstarting demo\n$/,
    );

    await startDemoApp(join(dir, 'run'), 'demo');
    await checkQuietly(dir);
    assert.deepEqual(await states(), [['healthy', 0, false]]);
    assert.deepEqual(
      historyOf(join(dir, 'watchdog.db')).map((row) => [row.health, row.consecutive_failures, row.action_taken]),
      [
        ['no_heartbeat', 1, null],
        ['no_heartbeat', 2, 'recovery'],
        ['healthy', 0, null],
      ],
    );
    const log = readFileSync(join(dir, 'logs', 'watchdog.log'), 'utf8');
    assert.match(log, /warn +demo: no_heartbeat \(no heartbeat file\), failure 2\/2, recovery due\n/);
    assert.match(log, /info +demo: recovery #1 succeeded in /);
  });

  it('checks every process of a config whose heartbeats are a folder of malformed files', async () => {
    const dir = makeTempDir();
    const app = await startDemoApp(join(dir, 'hb'), 'good');
    writeFileAt(join(dir, 'hb', 'empty.json'), '');
    writeFileAt(join(dir, 'hb', 'garbage.json'), 'not json at all');
    writeFileAt(join(dir, 'hb', 'negative.json'), heartbeatText({ process_key: 'negative', pid: -1 }));
    writeFileAt(join(dir, 'hb', 'boolean.json'), heartbeatText({ process_key: 'boolean', pid: true }));
    writeFileAt(
      join(dir, 'hb', 'naive.json'),
      heartbeatText({ process_key: 'naive', timestamp: '2026-02-05T06:17:29' }),
    );
    writeFileAt(join(dir, 'hb', 'binary.json'), Buffer.from([0xff, 0xfe, 0x00, 0x41]));
    const keys = ['good', 'empty', 'garbage', 'negative', 'boolean', 'naive', 'binary'];
    writeConfig(dir, Object.fromEntries(keys.map((key) => [key, { heartbeat_path: `hb/${key}.json` }])));

    const result = await runWatchdog(['check', '--verbose'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, keys.length, 'one line per process');
    assert.match(lines[0] ?? '', /^good: healthy \(heartbeat .* ago, iteration \d+\)$/);
    assert.match(
      lines[3] ?? '',
      /^negative: invalid_heartbeat \(heartbeat pid must be an integer between 2 and \d+ \(got -1\)\), failure 1\/2$/,
    );

    const states = Object.fromEntries(
      (await statusOf(dir)).map((status) => [status.key, [status.state, status.reason]]),
    );
    assert.deepEqual(states.good?.[0], 'healthy');
    assert.equal(historyOf(join(dir, 'watchdog.db')).find((row) => row.process_key === 'good')?.pid, app.pid);
    for (const key of keys.slice(1)) assert.equal(states[key]?.[0], 'invalid_heartbeat', key);
    assert.match(states.binary?.[1] ?? '', /UTF-8/);
    assert.match(states.naive?.[1] ?? '', /no time zone/);
    assert.match(states.boolean?.[1] ?? '', /got true/);
  });

  it('finds a heartbeat nested as deep as 64 KiB allows invalid_heartbeat, not check_error, tick after tick', async () => {
    const dir = makeTempDir();
    // JSON.parse reads this; JSON.stringify (once used to quote it in the reason) overflowed the stack.
    const depth = 32_000;
    writeFileAt(join(dir, 'hb', 'deep.json'), `${'['.repeat(depth)}${']'.repeat(depth)}`);
    writeFileAt(
      join(dir, 'hb', 'deep_pid.json'),
      heartbeatText({ process_key: 'deep_pid', pid: '__PID__' }).replace(
        '"__PID__"',
        `${'['.repeat(depth)}${']'.repeat(depth)}`,
      ),
    );
    writeConfig(
      dir,
      { deep: { heartbeat_path: 'hb/deep.json' }, deep_pid: { heartbeat_path: 'hb/deep_pid.json' } },
      { consecutive_failures_threshold: 3 },
    );

    await checkQuietly(dir);
    await checkQuietly(dir);

    const rows = historyOf(join(dir, 'watchdog.db'));
    assert.deepEqual(
      rows.map((row) => [row.process_key, row.health, row.consecutive_failures]),
      [
        ['deep', 'invalid_heartbeat', 1],
        ['deep_pid', 'invalid_heartbeat', 1],
        ['deep', 'invalid_heartbeat', 2],
        ['deep_pid', 'invalid_heartbeat', 2],
      ],
    );
    assert.equal(
      rows.find((row) => row.process_key === 'deep')?.reason,
      `heartbeat is not a JSON object (got ${'['.repeat(37)}...)`,
    );
    assert.equal(
      rows.find((row) => row.process_key === 'deep_pid')?.reason,
      `heartbeat pid must be an integer between 2 and 4194304 (got ${'['.repeat(37)}...)`,
    );
  });

  it('reads a heartbeat written the way the Python tool writes it', async () => {
    const dir = makeTempDir();
    const heartbeatPath = join(dir, 'py.json');
    // A Python process writes its own heartbeat, then stays alive so its PID is live.
    const script = [
      'import json, os, sys, time',
      'from datetime import datetime, timezone',
      'beat = {"process_key": "py", "pid": os.getpid(), "timestamp": datetime.now(timezone.utc).isoformat(), "status": "running", "iteration": 7}',
      'open(sys.argv[1], "w").write(json.dumps(beat))',
      'print("ready", flush=True)',
      'time.sleep(30)',
    ].join('\n');
    const python = spawn('python3', ['-c', script, heartbeatPath], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise((resolve) => python.stdout.once('data', resolve));
      writeConfig(dir, { py: { heartbeat_path: 'py.json' } });
      await checkQuietly(dir);
      const [row] = historyOf(join(dir, 'watchdog.db'));
      assert.equal(row?.health, 'healthy');
      assert.equal(row?.pid, python.pid);
      assert.equal(row?.iteration, 7);
    } finally {
      python.kill('SIGKILL');
    }
  });

  it('resolves relative paths against the config folder, whatever the working directory (cron)', async () => {
    const dir = makeTempDir();
    const elsewhere = makeTempDir();
    await startDemoApp(join(dir, 'run'), 'demo');
    const configPath = writeConfig(
      dir,
      { demo: { heartbeat_path: 'run/demo.json' } },
      { db_path: 'state/audit.db', log_dir: 'state/logs' },
    );

    const result = await runWatchdog(['check', '-c', configPath], { cwd: elsewhere });
    assert.deepEqual(result, { code: 0, stdout: '', stderr: '' });
    assert.equal(historyOf(join(dir, 'state', 'audit.db'))[0]?.health, 'healthy');
    assert.ok(existsSync(join(dir, 'state', 'logs')), 'the log folder is beside the config too');
    assert.equal(existsSync(join(dir, 'state', 'watchdog.lock')), false, 'the lock (beside the database) was released');
    assert.equal(existsSync(join(elsewhere, 'watchdog.db')), false, 'nothing is written to the working directory');
  });
});
