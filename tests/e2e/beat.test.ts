// `watchdog beat` as a shell loop uses it, with the built binary: the loop's beats make a
// healthy check recorded with the loop's PID and start time, iterations go on, a status
// is judged as the app's, usage and config errors exit 2 and 78, a dead PID gets no
// heartbeat, and as root in an app user's folder it follows no link that user planted.
// Nothing here is signalled by the watchdog: every check stays below the threshold of 2.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { CheckHistoryRow } from '../../src/store/read-state.js';
import { writeConfig } from '../helpers/config-files.js';
import { killGroupOnCleanup, waitUntil } from '../helpers/owned-processes.js';
import { WATCHDOG_BIN, runWatchdog, type RunResult } from '../helpers/run-watchdog.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { asUser, createThrowawayUser } from '../helpers/throwaway-users.js';

function lastCheck(dbPath: string): CheckHistoryRow | undefined {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[], CheckHistoryRow>('SELECT * FROM check_history ORDER BY id DESC LIMIT 1').get();
  } finally {
    db.close();
  }
}

function readBeat(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

function startTicksOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[22 - 3]);
}

async function checkQuietly(dir: string): Promise<CheckHistoryRow | undefined> {
  const result = await runWatchdog(['check'], { cwd: dir });
  assert.deepEqual(result, { code: 0, stdout: '', stderr: '' });
  return lastCheck(join(dir, 'watchdog.db'));
}

function show(result: RunResult): string {
  return `exit ${String(result.code)}\n${result.stdout}${result.stderr}`;
}

/** A config with one process `job` beating at run/job.json, and its folder. */
function jobDir(entry: Record<string, unknown> = {}): string {
  const dir = makeTempDir();
  mkdirSync(join(dir, 'run'));
  writeConfig(dir, { job: { heartbeat_path: 'run/job.json', ...entry } });
  return dir;
}

describe('watchdog beat', () => {
  it('keeps a shell loop that beats with --pid $$ healthy, recorded with its PID and start time', async () => {
    const dir = jobDir();
    const loop = spawn(
      'sh',
      ['-c', `while "${process.execPath}" "${WATCHDOG_BIN}" beat job --pid $$; do sleep 0.1; done`],
      { cwd: dir, detached: true, stdio: 'ignore' },
    );
    if (loop.pid === undefined) throw new Error('sh did not start');
    killGroupOnCleanup(loop.pid);
    const path = join(dir, 'run', 'job.json');
    await waitUntil(() => existsSync(path) && Number(readBeat(path).iteration) >= 3, 'three beats', 20_000);

    const row = await checkQuietly(dir);

    assert.equal(row?.health, 'healthy', row?.reason ?? '');
    assert.equal(row?.pid, loop.pid);
    assert.equal(row?.identity, 'start_time');
    assert.ok((row?.iteration ?? 0) >= 3);
    const beat = readBeat(path);
    assert.equal(beat.pid_start_ticks, startTicksOf(loop.pid));
    assert.equal(beat.boot_id, readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
  });

  it('counts iterations on from the file of the same key, and from 1 after another key', async () => {
    const dir = jobDir();
    const path = join(dir, 'run', 'job.json');
    const beat = () => runWatchdog(['beat', 'job', '--pid', String(process.pid)], { cwd: dir });
    for (let expected = 1; expected <= 3; expected += 1) {
      assert.deepEqual(await beat(), { code: 0, stdout: '', stderr: '' });
      assert.equal(readBeat(path).iteration, expected);
    }
    writeFileSync(path, '{"process_key": "other", "pid": 2, "iteration": 99}');
    await beat();
    assert.equal(readBeat(path).iteration, 1);
    assert.deepEqual(Object.keys(readBeat(path)), [
      'process_key',
      'pid',
      'timestamp',
      'status',
      'iteration',
      'pid_start_ticks',
      'boot_id',
    ]);
  });

  it('writes --status as given: error is error_status, a listed healthy status is healthy', async () => {
    const dir = jobDir({ healthy_statuses: ['running', 'degraded'] });
    const pid = String(process.pid);
    const error = await runWatchdog(['beat', 'job', '--pid', pid, '--status', 'error'], { cwd: dir });
    assert.equal(error.code, 0, show(error));

    const row = await checkQuietly(dir);
    assert.equal(row?.health, 'error_status');
    assert.equal(row?.reason, 'app reports status "error"; healthy: "running", "degraded"');

    await runWatchdog(['beat', 'job', '--pid', pid, '--status=degraded'], { cwd: dir });
    assert.equal((await checkQuietly(dir))?.health, 'healthy');
  });

  it('writes no heartbeat for a PID that is not a live process (exit 1)', async () => {
    const dir = jobDir();
    const gone = spawnSync('true');
    for (const pid of [String(gone.pid), '1']) {
      const result = await runWatchdog(['beat', 'job', '--pid', pid], { cwd: dir });
      assert.equal(result.code, 1, show(result));
      assert.match(
        result.stderr,
        /^watchdog: no heartbeat written: (no process has PID \d+|PID 1 is not one a heartbeat may name)/,
      );
    }
    assert.deepEqual(readdirSync(join(dir, 'run')), []);
  });

  it('without --pid, names its caller only when that is a shell', async () => {
    const dir = jobDir();
    // Its caller here is this test's node, as a program or a crontab line would be cron.
    const fromNode = await runWatchdog(['beat', 'job'], { cwd: dir });
    assert.equal(fromNode.code, 2, show(fromNode));
    assert.match(fromNode.stderr, /^watchdog: no --pid, and the caller, PID \d+ \("node"\), is not a shell/);
    assert.match(fromNode.stderr, /hint: name the app with --pid PID \(in a shell loop: --pid \$\$\)/);

    const fromShell = spawnSync('sh', ['-c', `"${process.execPath}" "${WATCHDOG_BIN}" beat job; echo $$`], {
      cwd: dir,
      encoding: 'utf8',
    });
    assert.equal(fromShell.status, 0, fromShell.stderr);
    assert.equal(readBeat(join(dir, 'run', 'job.json')).pid, Number(fromShell.stdout.trim()));
  });

  it('exits 2 for an unknown key, a process without heartbeat_path, or a bad status', async () => {
    const dir = makeTempDir();
    writeConfig(dir, { job: { heartbeat_path: 'job.json' } });
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {
      processes: Record<string, unknown>;
    };
    config.processes.by_match = {
      display_name: 'By match',
      enabled: true,
      match: 'my_job\\.sh',
      user: 'root',
      commands: { start: 'true' },
    };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const pid = String(process.pid);

    const unknown = await runWatchdog(['beat', 'nope', '--pid', pid], { cwd: dir });
    assert.equal(unknown.code, 2, show(unknown));
    assert.equal(unknown.stderr, 'watchdog: unknown process key "nope"\nhint: known keys: job, by_match\n');

    const noPath = await runWatchdog(['beat', 'by_match', '--pid', pid], { cwd: dir });
    assert.equal(noPath.code, 2, show(noPath));
    assert.match(
      noPath.stderr,
      /^watchdog: process "by_match" has no heartbeat_path: there is no heartbeat to write\n/,
    );

    for (const status of ['--status=', '--status=a\tb']) {
      const bad = await runWatchdog(['beat', 'job', '--pid', pid, status], { cwd: dir });
      assert.equal(bad.code, 2, show(bad));
    }
    const noKey = await runWatchdog(['beat'], { cwd: dir });
    assert.equal(noKey.code, 2, show(noKey));
    assert.equal(existsSync(join(dir, 'job.json')), false);
  });

  it('exits 78 for a missing or invalid config, writing nothing', async () => {
    const dir = makeTempDir();
    const missing = await runWatchdog(['beat', 'job', '--pid', String(process.pid)], { cwd: dir });
    assert.equal(missing.code, 78, show(missing));
    writeFileSync(join(dir, 'config.json'), '{"processes": {"job": {"heartbeat_path": "job.json"}}}');
    const invalid = await runWatchdog(['beat', 'job', '--pid', String(process.pid)], { cwd: dir });
    assert.equal(invalid.code, 78, show(invalid));
    assert.match(invalid.stderr, /is invalid/);
    assert.deepEqual(readdirSync(dir), ['config.json']);
  });

  it('refuses a heartbeat folder others can write (exit 1)', async () => {
    const dir = jobDir();
    chmodSync(join(dir, 'run'), 0o1777);
    const result = await runWatchdog(['beat', 'job', '--pid', String(process.pid)], { cwd: dir });
    assert.equal(result.code, 1, show(result));
    assert.match(result.stderr, /is a folder others can write \(mode 1777\): job\.json is not written there/);
    assert.deepEqual(readdirSync(join(dir, 'run')), []);
  });

  it("as root, follows no link the app's user planted, and writes the file as that user's", async () => {
    const appUser = await createThrowawayUser('beat');
    const dir = makeTempDir();
    chmodSync(dir, 0o755);
    const home = join(dir, 'home');
    mkdirSync(home);
    chownSync(home, appUser.uid, appUser.gid);
    const victim = join(dir, 'victim.json');
    writeFileSync(victim, '{"root": "data"}');
    mkdirSync(join(dir, 'root-only'));
    // Made by the user, as an app's user would plant them: setpriv, not a chown afterwards.
    const [setpriv = 'setpriv', ...privileges] = asUser(appUser);
    const plant = (target: string, link: string): void => {
      const result = spawnSync(setpriv, [...privileges, 'ln', '-s', target, link]);
      assert.equal(result.status, 0, String(result.stderr));
    };
    plant(victim, join(home, 'job.json'));
    plant(join(dir, 'root-only'), join(home, 'run'));
    // The app: a process of its user's, whose PID the beat names.
    const app = spawn(setpriv, [...privileges, 'sleep', '60'], {
      detached: true,
      stdio: 'ignore',
    });
    if (app.pid === undefined) throw new Error('the app did not start');
    killGroupOnCleanup(app.pid);
    await waitUntil(() => readFileSync(`/proc/${app.pid}/comm`, 'utf8').trim() === 'sleep', 'the app to run sleep');
    writeConfig(dir, {
      job: { heartbeat_path: 'home/job.json' },
      linked: { heartbeat_path: 'home/run/linked.json' },
    });

    const beat = await runWatchdog(['beat', 'job', '--pid', String(app.pid)], { cwd: dir });
    assert.equal(beat.code, 0, show(beat));
    assert.equal(readFileSync(victim, 'utf8'), '{"root": "data"}', 'not written through the link');
    const file = lstatSync(join(home, 'job.json'));
    assert.ok(file.isFile(), 'the planted link was replaced');
    assert.deepEqual({ uid: file.uid, mode: file.mode & 0o7777 }, { uid: appUser.uid, mode: 0o644 });

    const linked = await runWatchdog(['beat', 'linked', '--pid', String(app.pid)], { cwd: dir });
    assert.equal(linked.code, 1, show(linked));
    assert.match(linked.stderr, /home\/run is a symbolic link in .*home, a folder of user \d+: not followed/);
    assert.deepEqual(readdirSync(join(dir, 'root-only')), [], 'nothing written where the link led');

    // The watchdog believes the beat: the user's file, naming the user's process.
    writeConfig(dir, { job: { heartbeat_path: 'home/job.json' } });
    const row = await checkQuietly(dir);
    assert.deepEqual(
      { health: row?.health, pid: row?.pid, identity: row?.identity },
      {
        health: 'healthy',
        pid: app.pid,
        identity: 'start_time,user',
      },
    );
  });
});
