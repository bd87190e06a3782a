// End-to-end test of file system entries: the built watchdog runs inside a mount namespace
// of the test's own (`unshare --mount`, private propagation), where the test mounts small
// tmpfs file systems, fills one up and remounts one read-only. Nothing outside the
// namespace is mounted or changed; the namespace and its mounts end with the test.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { EventPayload } from '../../src/notify/watchdog-event.js';
import type { FilesystemStatus } from '../../src/status/build-filesystem-status.js';
import { startHttpRecorder, type HttpRecorder } from '../helpers/loopback-http.js';
import { openMountNamespace, type MountNamespace } from '../helpers/mount-namespace.js';
import { runWatchdog, type RunResult } from '../helpers/run-watchdog.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { writeFileSync } from 'node:fs';

const MIB = 1024 ** 2;

interface HistoryRow {
  process_key: string;
  health: string;
  consecutive_failures: number;
  action_taken: string | null;
  reason: string;
}

function rowsOf<T>(dbPath: string, sql: string): T[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[], T>(sql).all();
  } finally {
    db.close();
  }
}

function historyOf(dbPath: string, key: string): HistoryRow[] {
  return rowsOf<HistoryRow>(dbPath, 'SELECT * FROM check_history ORDER BY id').filter((row) => row.process_key === key);
}

function filesystemLines(text: string): string[] {
  return text.split('\n').filter((line) => line.startsWith('watchdog_filesystem_') && !line.includes('state="'));
}

/** A folder of `dir` with a tmpfs of `sizeMb` mounted on it, inside the namespace only. */
async function mountTmpfs(ns: MountNamespace, dir: string, name: string, sizeMb: number): Promise<string> {
  const point = join(dir, name);
  mkdirSync(point);
  await ns.run(['mount', '-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0755`, `watchdog-test-${name}`, point]);
  return point;
}

interface Setup {
  dir: string;
  ns: MountNamespace;
  dbPath: string;
  metricsPath: string;
  watchdog: (...args: string[]) => Promise<RunResult>;
}

async function setUp(
  filesystems: Record<string, unknown>,
  topLevel: Record<string, unknown>,
  build: (dir: string, ns: MountNamespace) => Promise<void>,
): Promise<Setup> {
  const dir = makeTempDir();
  const ns = await openMountNamespace();
  await build(dir, ns);
  mkdirSync(join(dir, 'metrics'));
  const metricsPath = join(dir, 'metrics', 'watchdog.prom');
  const configPath = join(dir, 'config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      processes: {},
      filesystems,
      metrics: { textfile_path: metricsPath },
      log_level: 'debug',
      ...topLevel,
    }),
  );
  return {
    dir,
    ns,
    dbPath: join(dir, 'watchdog.db'),
    metricsPath,
    // Every command inside the namespace: only there are the test's mounts.
    watchdog: (...args) => runWatchdog([...args, '--config', configPath], { cwd: dir, wrapper: ns.wrapper }),
  };
}

/**
 * An alert-only entry `disk` (`min_free_mb` 1, no actions) on a 4 MiB tmpfs of its own,
 * threshold 2, its events sent to a webhook on loopback; `fill` leaves it 0.25 MiB free.
 */
async function alertOnlyDisk(
  topLevel: Record<string, unknown>,
): Promise<Setup & { hook: HttpRecorder; disk: string; fill: () => Promise<string> }> {
  const hook = await startHttpRecorder();
  let disk = '';
  const setup = await setUp(
    { disk: { path: 'disk', min_free_mb: 1 } },
    {
      consecutive_failures_threshold: 2,
      ...topLevel,
      notify: {
        channels: {
          ops: { type: 'webhook', url: `http://127.0.0.1:${hook.port}/hook`, retries: 0, timeout_seconds: 2 },
        },
      },
    },
    async (dir, ns) => {
      disk = await mountTmpfs(ns, dir, 'disk', 4);
    },
  );
  const fill = () =>
    setup.ns.run(['dd', 'if=/dev/zero', `of=${join(disk, 'big')}`, 'bs=64k', 'count=60', 'status=none']);
  return { ...setup, hook, disk, fill };
}

describe('file systems, end to end (in a mount namespace of the test)', () => {
  it('alerts for an entry with nothing to run once at the threshold and once healthy, never giving up', async () => {
    const { dbPath, watchdog, ns, hook, disk, fill } = await alertOnlyDisk({ max_recoveries: 3 });
    const told = () => hook.requests.map((request) => (JSON.parse(request.body) as EventPayload).event);
    await fill();
    for (let tick = 1; tick <= 6; tick++) {
      const run = await watchdog('check', '--verbose');
      assert.equal(run.code, 0, `tick ${tick}: ${run.stderr}`);
      assert.match(run.stdout, new RegExp(`^disk: low_space \\(.*\\), failure ${tick}/2$`, 'm'), run.stdout);
    }
    assert.deepEqual(told(), ['filesystem_failing'], 'told once, at the threshold, and no recovery told');
    assert.equal(rowsOf(dbPath, 'SELECT id FROM recoveries').length, 0, 'no recovery recorded: nothing ran');
    const preview = await watchdog('check', '--dry-run');
    assert.match(
      preview.stdout,
      /^disk: low_space \(.*\), failure 7\/2 → alert only: nothing to run \(filesystem_failing is told at 2 consecutive failures\)$/m,
      preview.stdout,
    );
    assert.deepEqual(
      historyOf(dbPath, 'disk').map((row) => row.action_taken),
      [null, null, null, null, null, null],
    );

    await ns.run(['rm', join(disk, 'big')]);
    const healthy = await watchdog('check', '--verbose');
    assert.match(healthy.stdout, /^disk: healthy/m, healthy.stdout);
    assert.deepEqual(told(), ['filesystem_failing', 'filesystem_healthy']);
    const [failing, back] = hook.requests.map((request) => JSON.parse(request.body) as EventPayload);
    assert.match(failing?.summary ?? '', /^disk: low_space \(.* below min_free_mb 1\), 2 checks in a row$/);
    assert.deepEqual([back?.process_key, back?.details.consecutive_failures], ['disk', 6]);

    // A second fill is told again.
    await fill();
    await watchdog('check');
    await watchdog('check');
    assert.deepEqual(told(), ['filesystem_failing', 'filesystem_healthy', 'filesystem_failing']);
  });

  it('tells an alert-only entry healthy again after `reset`, `off`/`on` or a new threshold zeroed its count', async () => {
    const { dir, watchdog, ns, hook, disk, fill } = await alertOnlyDisk({});
    const clear = () => ns.run(['rm', join(disk, 'big')]);
    // Only the entry's alerts: `off` and `on` tell of themselves too.
    const told = () =>
      hook.requests
        .map((request) => (JSON.parse(request.body) as EventPayload).event)
        .filter((event) => event.startsWith('filesystem_'));
    const tick = async () => {
      const run = await watchdog('check');
      assert.equal(run.code, 0, run.stderr);
    };
    const person = async (...args: string[]) => {
      const run = await watchdog(...args);
      assert.equal(run.code, 0, run.stderr);
    };

    // Full, told; a person clears space and runs `reset`: the alert is still open until a healthy check.
    await fill();
    await tick();
    await tick();
    assert.deepEqual(told(), ['filesystem_failing']);
    await clear();
    await person('reset', 'disk');
    await tick();
    assert.deepEqual(told(), ['filesystem_failing', 'filesystem_healthy'], 'reset: the healthy event is not lost');

    // The next fill, within repeat_after_seconds, is told: the alert was closed.
    await fill();
    await tick();
    await tick();
    assert.deepEqual(told(), ['filesystem_failing', 'filesystem_healthy', 'filesystem_failing']);

    // Off then on zero the count; still full after `on`: the open alert is not told twice.
    await person('off', 'disk');
    await person('on', 'disk');
    await tick();
    await tick();
    assert.equal(told().length, 3, `still full after off/on: nothing more (${told().join(', ')})`);
    await clear();
    await tick();
    assert.deepEqual(told().slice(3), ['filesystem_healthy'], 'off/on: the healthy event is not lost');

    // An alert open when the threshold is raised above its count still ends with a healthy event.
    await fill();
    await tick();
    await tick();
    assert.deepEqual(told().slice(4), ['filesystem_failing']);
    const configPath = join(dir, 'config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(configPath, JSON.stringify({ ...config, consecutive_failures_threshold: 5 }));
    await clear();
    await tick();
    assert.deepEqual(told().slice(4), ['filesystem_failing', 'filesystem_healthy'], 'a new threshold loses nothing');
  });

  it('reads the read-only flag of the mount its descriptor is on, not of a mount that one covers', async () => {
    const { watchdog } = await setUp({ data: { path: 'a/b', fail_if_read_only: true } }, {}, async (dir, ns) => {
      mkdirSync(join(dir, 'a/b'), { recursive: true });
      // A read-only mount at a/b, then a read-write one at a over it: a/b is now the outer one's folder.
      await ns.run(['mount', '-t', 'tmpfs', '-o', 'size=1m,ro', 'watchdog-test-inner', join(dir, 'a/b')]);
      await ns.run(['mount', '-t', 'tmpfs', '-o', 'size=8m', 'watchdog-test-outer', join(dir, 'a')]);
      await ns.run(['mkdir', join(dir, 'a/b')]);
    });
    const tick = await watchdog('check', '--verbose');
    assert.match(tick.stdout, /^data: healthy \(8\.0 MiB free \(100\.0%\) on .*\/a \(tmpfs\)\)$/m, tick.stdout);
  });

  it("counts a full disk whose folder the app's user replaced with a link, naming the link", async () => {
    const { dbPath, watchdog } = await setUp(
      { logs: { path: 'fs/app/logs', min_free_mb: 1 } },
      { consecutive_failures_threshold: 2 },
      async (dir, ns) => {
        chmodSync(dir, 0o755);
        const fs = await mountTmpfs(ns, dir, 'fs', 4);
        await ns.run(['sh', '-c', `mkdir -p ${fs}/app/real && chown -R 65534 ${fs}/app`]);
        await ns.run(['dd', 'if=/dev/zero', `of=${fs}/app/real/big`, 'bs=64k', 'count=60', 'status=none']);
        // The app's user hides the full folder behind a link of its own.
        await ns.run(['su', '-s', '/bin/sh', 'nobody', '-c', `ln -s real ${fs}/app/logs`]);
      },
    );
    await watchdog('check');
    const second = await watchdog('check', '--verbose');
    assert.match(
      second.stdout,
      /^logs: fs_unavailable \(.*\/fs\/app\/logs cannot be checked: .*\/fs\/app\/logs is a symbolic link in .*\/fs\/app, a folder of user 65534: not followed\), failure 2\/2\b/m,
    );
    assert.deepEqual(
      historyOf(dbPath, 'logs').map((row) => [row.health, row.consecutive_failures]),
      [
        ['fs_unavailable', 1],
        ['fs_unavailable', 2],
      ],
    );
  });

  it('counts a full tmpfs to the threshold, runs its cleanup, and sees it healthy again', async () => {
    let logs = '';
    const { dbPath, metricsPath, watchdog, ns } = await setUp(
      {
        logs: {
          path: 'applogs',
          min_free_mb: 1,
          min_free_percent: 20,
          // Commands run in the config's folder.
          commands: { clean_logs: 'rm -f -- applogs/*.log' },
          recovery_actions: ['clean_logs'],
          cleanup_args: [],
        },
      },
      { consecutive_failures_threshold: 2 },
      async (dir, ns) => {
        logs = await mountTmpfs(ns, dir, 'applogs', 4);
        await ns.run(['dd', 'if=/dev/zero', `of=${join(logs, 'app.log')}`, 'bs=64k', 'count=56', 'status=none']);
      },
    );
    const first = await watchdog('check', '--verbose');
    assert.equal(first.code, 0, first.stderr);
    assert.match(
      first.stdout,
      /^logs: low_space \(0\.5 MiB free \(12\.5%\) on .*\/applogs \(tmpfs\), below min_free_mb 1 and min_free_percent 20\), failure 1\/2$/m,
    );

    const preview = await watchdog('check', '--dry-run');
    assert.equal(preview.code, 0, preview.stderr);
    assert.match(preview.stdout, /^logs: low_space .*, failure 2\/2, recovery due → would run its recovery:$/m);
    assert.match(preview.stdout, /^ {2}1\. clean_logs: \/bin\/sh -c .*rm -f/m);
    assert.equal(historyOf(dbPath, 'logs').length, 1, 'the dry run recorded nothing');

    const second = await watchdog('check', '--verbose');
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^logs: recovery #1 succeeded$/m);
    assert.match(second.stdout, /^ {2}clean_logs: ok: exited 0/m);
    assert.equal((await ns.run(['ls', '-A', logs])).trim(), '', 'the cleanup freed the space, inside the namespace');

    const third = await watchdog('check');
    assert.equal(third.code, 0, third.stderr);
    assert.deepEqual(
      historyOf(dbPath, 'logs').map((row) => [row.health, row.consecutive_failures, row.action_taken]),
      [
        ['low_space', 1, null],
        ['low_space', 2, 'recovery'],
        ['healthy', 0, null],
      ],
    );
    const recoveries = rowsOf<{ process_key: string; outcome: string; trigger_health: string }>(
      dbPath,
      'SELECT process_key, outcome, trigger_health FROM recoveries',
    );
    assert.deepEqual(recoveries, [{ process_key: 'logs', outcome: 'succeeded', trigger_health: 'low_space' }]);
    assert.deepEqual(
      rowsOf<{ action: string; outcome: string }>(dbPath, 'SELECT action, outcome FROM recovery_actions'),
      [{ action: 'clean_logs', outcome: 'ok' }],
    );

    const status = await watchdog('status', '--json');
    assert.equal(status.code, 0, status.stderr);
    const [shown] = (JSON.parse(status.stdout) as { filesystems: FilesystemStatus[] }).filesystems;
    assert.deepEqual(
      {
        key: shown?.key,
        state: shown?.state,
        mount_point: shown?.mount_point,
        fs_type: shown?.fs_type,
        size_bytes: shown?.size_bytes,
        free_bytes: shown?.free_bytes,
        read_only: shown?.read_only,
        last_recovery: shown?.last_recovery?.outcome,
      },
      {
        key: 'logs',
        state: 'healthy',
        mount_point: logs,
        fs_type: 'tmpfs',
        size_bytes: 4 * MIB,
        free_bytes: 4 * MIB,
        read_only: false,
        last_recovery: 'succeeded',
      },
    );
    const text = await watchdog('status');
    assert.match(
      text.stdout,
      new RegExp(`^ {2}logs ${logs}: healthy, 4\\.0 of 4\\.0 MiB free \\(100\\.0%\\), read-write, on ${logs}$`, 'm'),
    );
    assert.deepEqual(filesystemLines(readFileSync(metricsPath, 'utf8')), [
      `watchdog_filesystem_free_bytes{filesystem="logs",mount_point="${logs}"} ${4 * MIB}`,
      `watchdog_filesystem_size_bytes{filesystem="logs",mount_point="${logs}"} ${4 * MIB}`,
      `watchdog_filesystem_read_only{filesystem="logs",mount_point="${logs}"} 0`,
      // The thresholds the check judges against: min_free_mb 1, min_free_percent 20.
      `watchdog_filesystem_min_free_bytes{filesystem="logs"} ${1 * MIB}`,
      'watchdog_filesystem_min_free_percent{filesystem="logs"} 20',
      'watchdog_filesystem_consecutive_failures{filesystem="logs"} 0',
    ]);
    assert.match(
      readFileSync(metricsPath, 'utf8'),
      /^watchdog_filesystem_state\{filesystem="logs",state="healthy"\} 1$/m,
    );
  });

  it('finds a tmpfs remounted read-only `read_only`, and / read-write healthy', async () => {
    let data = '';
    const { dbPath, metricsPath, watchdog } = await setUp(
      { data: { path: 'data', fail_if_read_only: true }, root: { path: '/', min_free_mb: 1 } },
      { consecutive_failures_threshold: 3 },
      async (dir, ns) => {
        data = await mountTmpfs(ns, dir, 'data', 1);
        await ns.run(['mount', '-o', 'remount,ro', data]);
      },
    );
    const tick = await watchdog('check', '--verbose');
    assert.equal(tick.code, 0, tick.stderr);
    assert.match(
      tick.stdout,
      new RegExp(`^data: read_only \\(${data} \\(tmpfs\\) is mounted read-only\\), failure 1/3$`, 'm'),
    );
    assert.match(tick.stdout, /^root: healthy \(.* MiB free \(.*%\) on \/ \(.*\)\)$/m);
    assert.deepEqual(
      historyOf(dbPath, 'data').map((row) => row.health),
      ['read_only'],
    );
    const status = await watchdog('status', 'data', '--json');
    const [shown] = (JSON.parse(status.stdout) as { filesystems: FilesystemStatus[] }).filesystems;
    assert.deepEqual([shown?.state, shown?.read_only, shown?.consecutive_failures], ['read_only', true, 1]);
    assert.match(
      readFileSync(metricsPath, 'utf8'),
      new RegExp(`^watchdog_filesystem_read_only\\{filesystem="data",mount_point="${data}"\\} 1$`, 'm'),
    );
  });

  it('fails a read-only bind mount of the root file system by default, as / itself', async () => {
    const { watchdog } = await setUp({ rootbind: { path: 'rootbind', min_free_mb: 1 } }, {}, async (dir, ns) => {
      mkdirSync(join(dir, 'rootbind'));
      await ns.run(['mount', '--bind', '/', join(dir, 'rootbind')]);
      await ns.run(['mount', '-o', 'remount,bind,ro', join(dir, 'rootbind')]);
    });
    const tick = await watchdog('check', '--verbose');
    assert.match(
      tick.stdout,
      /^rootbind: read_only \(.*\/rootbind \(.*\) is mounted read-only\), failure 1\/2$/m,
      tick.stdout,
    );
  });

  it('gives up after repeated failed cleanups, tells why, and `reset` resumes; `restart` is refused', async () => {
    const hook = await startHttpRecorder();
    const { dbPath, watchdog } = await setUp(
      {
        cache: {
          path: 'cache',
          display_name: 'Cache volume',
          min_free_mb: 2,
          // Frees nothing and fails: the space never comes back.
          commands: { purge: 'echo "cannot purge: busy" >&2; exit 4' },
          recovery_actions: ['purge'],
          cleanup_args: [],
          max_recoveries: 2,
          recovery_backoff_seconds: 0,
        },
      },
      {
        consecutive_failures_threshold: 1,
        notify: {
          channels: {
            ops: {
              type: 'webhook',
              url: `http://127.0.0.1:${hook.port}/hook`,
              retries: 0,
              timeout_seconds: 2,
              events: ['recovery_started', 'recovery_failed', 'gave_up'],
            },
          },
        },
      },
      async (dir, ns) => {
        const cache = await mountTmpfs(ns, dir, 'cache', 2);
        await ns.run(['dd', 'if=/dev/zero', `of=${join(cache, 'blob')}`, 'bs=64k', 'count=16', 'status=none']);
      },
    );
    for (const attempt of [1, 2]) {
      const tick = await watchdog('check');
      assert.equal(tick.code, 1, `a failed cleanup fails the tick (attempt ${attempt})`);
      assert.match(
        tick.stderr,
        new RegExp(`^watchdog: cache: recovery #${attempt} failed: purge failed: exited 4`, 'm'),
      );
    }
    const third = await watchdog('check');
    assert.equal(third.code, 1, 'giving up fails the tick');
    assert.match(
      third.stderr,
      /^watchdog: cache: gave up: 2 recoveries within 60m 00s \(max_recoveries 2\); check: low_space \(1\.0 MiB free \(50\.0%\) on .*\/cache \(tmpfs\), below min_free_mb 2\)$/m,
    );
    assert.match(third.stderr, /no more recoveries until `watchdog on cache` or `watchdog reset cache`/);
    const fourth = await watchdog('check');
    assert.equal(fourth.code, 0, 'still given up: said once, no recovery runs');
    assert.equal(rowsOf(dbPath, 'SELECT id FROM recoveries').length, 2);
    assert.deepEqual(
      historyOf(dbPath, 'cache').map((row) => [row.health, row.action_taken]),
      [
        ['low_space', 'recovery'],
        ['low_space', 'recovery'],
        ['gave_up', 'gave_up'],
        ['gave_up', null],
      ],
    );
    assert.deepEqual(
      rowsOf<{ kind: string; process_key: string }>(dbPath, 'SELECT kind, process_key FROM audit_events'),
      [{ kind: 'gave_up', process_key: 'cache' }],
    );
    const told = hook.requests.map((request) => JSON.parse(request.body) as EventPayload);
    // The second recovery's events repeat the first's, and are not told again (docs/notifications.md).
    assert.deepEqual(
      told.map((event) => [event.event, event.process_key, event.display_name]),
      [
        ['recovery_started', 'cache', 'Cache volume'],
        ['recovery_failed', 'cache', 'Cache volume'],
        ['gave_up', 'cache', 'Cache volume'],
      ],
    );

    const restart = await watchdog('restart', 'cache');
    assert.equal(restart.code, 2);
    assert.match(restart.stderr, /^watchdog: "cache" is a file system entry \(filesystems\.cache\), not a process$/m);

    const reset = await watchdog('reset', 'cache');
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(
      reset.stdout,
      /^cache: reset: recoveries resume when it fails \(it had given up at .*\); nothing was run$/m,
    );
    const after = await watchdog('check');
    assert.equal(after.code, 1, 'the guard reset, the next failure runs the cleanup again');
    assert.equal(rowsOf(dbPath, 'SELECT id FROM recoveries').length, 3);

    const off = await watchdog('off', 'cache');
    assert.equal(off.code, 0, off.stderr);
    const quiet = await watchdog('check');
    assert.equal(quiet.code, 0, 'off: no command runs');
    assert.equal(rowsOf(dbPath, 'SELECT id FROM recoveries').length, 3);
    const on = await watchdog('on', 'cache');
    assert.equal(on.code, 0, on.stderr);
    assert.match(on.stdout, /^cache: on: low_space \(.*\); the next tick checks it \(nothing is run now\)$/m);
    const again = await watchdog('check');
    assert.equal(again.code, 1, 'on: its cleanup runs again at the next tick');
    assert.equal(rowsOf(dbPath, 'SELECT id FROM recoveries').length, 4);
    const history = await watchdog('history', 'cache', '--recoveries');
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stdout, /cannot purge: busy/);
    const checks = await watchdog('history', 'cache');
    assert.equal(checks.code, 0, checks.stderr);
    assert.match(checks.stdout, /^CHECKED AT \(UTC\) +KEY +STATE +FAILURES +ACTION +REASON$/m, 'no heartbeat columns');
    assert.match(checks.stdout, /gave up: .*; check: low_space/);
  });
});
