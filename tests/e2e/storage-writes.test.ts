import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { CheckHistoryRow } from '../../src/store/read-state.js';
import type { ProcessStatus } from '../../src/status/build-status.js';
import { writeConfig } from '../helpers/config-files.js';
import { heartbeatText, writeFileAt } from '../helpers/heartbeats.js';
import { killProcessOnCleanup } from '../helpers/owned-processes.js';
import { runWatchdog } from '../helpers/run-watchdog.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** A live process of this test's own for heartbeats to name: never signalled by these healthy or below-threshold ticks. */
function startApp(): number {
  const child = spawn('sleep', ['300'], { stdio: 'ignore' });
  assert.ok(child.pid !== undefined);
  killProcessOnCleanup(child.pid);
  return child.pid;
}

/** A device: one app `web`, its unchanged checks waiting in `run/folded.json`. */
function device(topLevel: Record<string, unknown> = {}): { dir: string; beat: (pid: number, fresh?: boolean) => void } {
  const dir = makeTempDir();
  writeConfig(
    dir,
    { web: { heartbeat_path: 'hb/web.json', consecutive_failures_threshold: 5 } },
    { folded_checks_path: 'run/folded.json', ...topLevel },
  );
  let iteration = 0;
  const beat = (pid: number, fresh = true): void => {
    iteration += 1;
    const at = new Date(Date.now() - (fresh ? 0 : 3_600_000)).toISOString().replace('Z', '+00:00');
    // With the writer's identity, as the heartbeat library writes it: an app with limits is measured only then.
    const text = heartbeatText({ process_key: 'web', pid, timestamp: at, iteration });
    writeFileAt(join(dir, 'hb/web.json'), JSON.stringify({ ...JSON.parse(text), ...identityOf(pid) }));
  };
  return { dir, beat };
}

/** `pid_start_ticks` (field 22 of /proc/PID/stat) and `boot_id` of a live process. */
function identityOf(pid: number): { pid_start_ticks: number; boot_id: string } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    pid_start_ticks: Number(fields[19]),
    boot_id: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
  };
}

/** `count` ticks, each after a fresh beat of `pid`. */
async function healthyTicks(dir: string, beat: (pid: number) => void, pid: number, count: number): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    beat(pid);
    await tick(dir);
  }
}

async function tick(dir: string): Promise<void> {
  const result = await runWatchdog(['check'], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
}

function rowsOf(dir: string): CheckHistoryRow[] {
  const db = new Database(join(dir, 'watchdog.db'), { readonly: true });
  try {
    return db.prepare<[], CheckHistoryRow>('SELECT * FROM check_history ORDER BY id').all();
  } finally {
    db.close();
  }
}

/** The database's file and the frames of its WAL: what a tick wrote to the card shows here (an empty WAL a reader left holds none). */
function databaseBytes(dir: string): string {
  const hash = createHash('sha256').update(readFileSync(join(dir, 'watchdog.db')));
  const wal = join(dir, 'watchdog.db-wal');
  if (existsSync(wal) && statSync(wal).size > 0) hash.update(readFileSync(wal));
  return hash.digest('hex');
}

async function historyJson(dir: string): Promise<CheckHistoryRow[]> {
  const result = await runWatchdog(['history', 'web', '--json'], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  return (JSON.parse(result.stdout) as { checks: CheckHistoryRow[] }).checks;
}

describe('storage writes: unchanged checks wait in memory (docs/storage-writes.md)', () => {
  it('writes nothing to the database while an app stays healthy, and still shows every check', async () => {
    const { dir, beat } = device();
    const pid = startApp();
    beat(pid);
    await tick(dir);
    assert.equal(rowsOf(dir).length, 1, 'the first check of a process is written: it is new');
    const before = databaseBytes(dir);
    await healthyTicks(dir, beat, pid, 4);
    assert.equal(databaseBytes(dir), before, 'four healthy ticks left the database and its WAL as they were');

    const history = await historyJson(dir);
    assert.equal(history[0]?.id, null, 'the run waiting in memory comes first');
    assert.equal(history[0]?.check_count, 4);
    assert.equal(history[0]?.iteration, 5, 'what the last check saw');
    assert.equal(history[1]?.check_count, 1);
    const table = await runWatchdog(['history', 'web'], { cwd: dir });
    assert.match(table.stdout, /healthy ×4 to \d\d:\d\d:\d\d/);
    assert.match(table.stdout, /in memory/);

    const status = await runWatchdog(['status', '--json'], { cwd: dir });
    const [web] = (JSON.parse(status.stdout) as { processes: ProcessStatus[] }).processes;
    assert.equal(web?.last_check_at, history[0]?.last_checked_at, 'status shows the last check, from memory');
  });

  it('writes a run as one row before the change that ends it', async () => {
    const { dir, beat } = device();
    const pid = startApp();
    await healthyTicks(dir, beat, pid, 4);
    beat(pid, false);
    await tick(dir);
    const rows = rowsOf(dir);
    assert.deepEqual(
      rows.map((row) => [row.health, row.check_count]),
      [
        ['healthy', 1],
        ['healthy', 3],
        ['timed_out', 1],
      ],
      'the first check, the run of three folded into one row, then the failure after it',
    );
    assert.ok(rows[1]?.last_checked_at !== null && rows[1]?.last_checked_at !== undefined);
    assert.ok(rows[1].last_checked_at < (rows[2]?.checked_at ?? ''));
    assert.equal(rows[1]?.iteration, 4, 'the run keeps what its last check saw');
  });

  it('writes a run when it reaches max_folded_checks', async () => {
    const { dir, beat } = device({ max_folded_checks: 3 });
    const pid = startApp();
    await healthyTicks(dir, beat, pid, 5);
    assert.deepEqual(
      rowsOf(dir).map((row) => row.check_count),
      [1, 3],
      'the first check, then the three the run reached; the fourth waits in memory',
    );
    assert.equal((await historyJson(dir))[0]?.check_count, 1);
  });

  it('loses only when unchanged checks ran when the file in memory is lost (a power cut), never a row twice', async () => {
    const { dir, beat } = device();
    const pid = startApp();
    await healthyTicks(dir, beat, pid, 3);
    // A copy of the file as it was before the flush below: restored after it, as a run killed
    // between the flush's commit and the file's removal leaves it.
    copyFileSync(join(dir, 'run/folded.json'), join(dir, 'folded.before'));
    beat(pid, false);
    await tick(dir);
    assert.deepEqual(
      rowsOf(dir).map((row) => row.check_count),
      [1, 2, 1],
    );
    copyFileSync(join(dir, 'folded.before'), join(dir, 'run/folded.json'));
    beat(pid);
    await tick(dir);
    beat(pid, false);
    await tick(dir);
    assert.deepEqual(
      rowsOf(dir).map((row) => [row.health, row.check_count]),
      [
        ['healthy', 1],
        ['healthy', 2],
        ['timed_out', 1],
        ['healthy', 1],
        ['timed_out', 1],
      ],
      'the stale file of an older generation was not written again',
    );

    // A power cut: the file in memory is gone; the database says what it said.
    await healthyTicks(dir, beat, pid, 2);
    const stateBefore = rowsOf(dir).length;
    rmSync(join(dir, 'run/folded.json'));
    beat(pid);
    await tick(dir);
    beat(pid, false);
    await tick(dir);
    const rows = rowsOf(dir);
    assert.equal(rows.length, stateBefore + 2, 'the lost run is missing; the next check and the failure are there');
    assert.deepEqual(
      rows.slice(-2).map((row) => [row.health, row.check_count]),
      [
        ['healthy', 1],
        ['timed_out', 1],
      ],
    );
    assert.equal(rows.at(-1)?.consecutive_failures, 1, 'the failure counted from the state the database held');
  });

  it('makes the file in memory readable by root only, in a folder of its own', async () => {
    const { dir, beat } = device();
    const pid = startApp();
    await healthyTicks(dir, beat, pid, 2);
    assert.equal(statSync(join(dir, 'run/folded.json')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'run')).mode & 0o777, 0o700);
  });
});

describe('storage writes: a person’s command after unchanged checks', () => {
  it('writes the waiting run before the command, so `off` and `on` lose no check and keep the order', async () => {
    const { dir, beat } = device();
    const pid = startApp();
    await healthyTicks(dir, beat, pid, 3);
    const off = await runWatchdog(['off', 'web'], { cwd: dir });
    assert.equal(off.code, 0, off.stderr + off.stdout);
    const rows = rowsOf(dir);
    assert.deepEqual(
      rows.slice(0, 2).map((row) => [row.health, row.check_count]),
      [
        ['healthy', 1],
        ['healthy', 2],
      ],
      'the run of two waiting checks is in the database, before what the command wrote',
    );
    assert.equal(existsSync(join(dir, 'run/folded.json')), false, 'the file in memory was emptied');
  });
});

describe('storage writes: an app with resource limits', () => {
  it('keeps its measure with the run in memory: no write, the CPU rate from the sample in memory', async () => {
    const { dir, beat } = device();
    writeConfig(
      dir,
      {
        web: {
          heartbeat_path: 'hb/web.json',
          consecutive_failures_threshold: 5,
          max_memory_mb: 100_000,
          max_cpu_percent: 400,
        },
      },
      { folded_checks_path: 'run/folded.json', max_folded_checks: 4 },
    );
    const pid = startApp();
    beat(pid);
    await tick(dir);
    const before = databaseBytes(dir);
    for (let index = 0; index < 3; index += 1) {
      // A CPU rate is taken over 1 s at least (MIN_RATE_SECONDS).
      await delay(1100);
      beat(pid);
      await tick(dir);
    }
    assert.equal(databaseBytes(dir), before, 'three healthy ticks of a measured app wrote nothing to the database');
    const status = await runWatchdog(['status', '--json'], { cwd: dir });
    const [web] = (JSON.parse(status.stdout) as { processes: ProcessStatus[] }).processes;
    assert.ok(web?.memory_bytes !== null && web?.memory_bytes !== undefined && web.memory_bytes > 0, status.stdout);
    assert.notEqual(web.cpu_percent, null, 'a CPU rate: taken between samples that waited in memory');

    beat(pid);
    await tick(dir);
    const db = new Database(join(dir, 'watchdog.db'), { readonly: true });
    try {
      const row = db
        .prepare<[], { last_memory_bytes: number | null; cpu_sample_pid: number | null }>(
          "SELECT last_memory_bytes, cpu_sample_pid FROM process_state WHERE process_key = 'web'",
        )
        .get();
      assert.equal(row?.cpu_sample_pid, pid, 'the run of four written with its last measure');
      assert.ok((row?.last_memory_bytes ?? 0) > 0);
    } finally {
      db.close();
    }
    assert.deepEqual(
      rowsOf(dir).map((row) => row.check_count),
      [1, 4],
    );
  });
});

/** How many checks `history web --json` shows, those waiting in memory included. */
async function checksShown(dir: string): Promise<number> {
  return (await historyJson(dir)).reduce((sum, row) => sum + row.check_count, 0);
}

describe('storage writes: what the review broke (each case failed before its fix)', () => {
  it('keeps the checks waiting in memory when a person runs `reset` between ticks', async () => {
    const { dir, beat } = device();
    const pid = startApp();
    await healthyTicks(dir, beat, pid, 4);
    assert.equal(await checksShown(dir), 4);
    const reset = await runWatchdog(['reset', 'web'], { cwd: dir });
    assert.equal(reset.code, 0, reset.stderr);
    assert.equal(await checksShown(dir), 4, 'the three checks waiting in memory are still shown after `reset`');
    beat(pid);
    await tick(dir);
    assert.equal(await checksShown(dir), 5, 'and written, not dropped, by the next tick');
  });

  it('writes nothing to the database while healthy, with a notify section', async () => {
    const { dir, beat } = device({
      notify: { channels: { sms: { type: 'command', command: '/bin/true', events: ['gave_up'] } } },
    });
    const pid = startApp();
    beat(pid);
    await tick(dir);
    beat(pid);
    await tick(dir);
    const before = databaseBytes(dir);
    beat(pid);
    await tick(dir);
    assert.equal(databaseBytes(dir), before, 'a healthy tick left the database and its WAL as they were');
  });

  it('does not lose the checks waiting in memory when the database is write-locked for one tick', async () => {
    const { dir, beat } = device();
    const pid = startApp();
    await healthyTicks(dir, beat, pid, 4);
    assert.equal(await checksShown(dir), 4);
    const holder = new Database(join(dir, 'watchdog.db'));
    holder.exec('BEGIN IMMEDIATE');
    try {
      beat(pid);
      await tick(dir);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    beat(pid);
    await tick(dir);
    assert.equal(await checksShown(dir), 6, 'the four checks, the one journaled, the one after');
  });
});
