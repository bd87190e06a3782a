#!/usr/bin/env node
// `npm run bench`: what a cron tick costs, measured by running the built `watchdog` as
// cron does (a fresh `node dist/cli/bin.js check -c CONFIG` each time), against the same
// machine's bare `node -e 0` measured in the same run. Not part of `npm test`: figures are
// reported, never asserted. Everything runs under a fresh temporary folder, removed at the
// end; the only processes signalled are the `sleep`s this script starts.
//
// Each figure is the median of RUNS runs after WARMUP runs; figures that are compared are
// measured interleaved (one of each per round), so a noisy neighbour slows both alike.
// Then what a tick writes, under strace (bench/storage-writes.mjs): bytes and syncs per tick,
// to storage and to memory. Unchanged checks wait in a private folder in /dev/shm (a tmpfs,
// as /run on a device), never the machine's /run.
// Prints the tables and writes bench/results.json (the figures, the targets, the machine).
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import {
  ENV,
  interleave as interleaveRuns,
  median,
  refreshHeartbeats,
  timed,
  useRuntimeDir,
  writeHealthyConfig,
} from './measure.mjs';
import { BEFORE_CONSTANTS, measureStorageWrites, TARGETS } from './storage-writes.mjs';
import { straceStatus } from './writes.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The binary measured: this build's, or another's (BENCH_BIN, to compare a change with what it replaces). */
const BIN = process.env.BENCH_BIN ?? join(ROOT, 'dist', 'cli', 'bin.js');
/** Where the results go (BENCH_OUT: another file, for such a comparison). */
const OUT = process.env.BENCH_OUT ?? join(ROOT, 'bench', 'results.json');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const HISTORY_ROWS = Number(process.env.BENCH_HISTORY_ROWS ?? 1_000_000);
const BEATS = 20_000;
const STACK_ONLY = `const Database = require(${JSON.stringify(join(ROOT, 'node_modules', 'better-sqlite3'))}); require(${JSON.stringify(join(ROOT, 'node_modules', 'proper-lockfile'))}); new Database(':memory:').close();`;
const VERIFY_DELAY_SECONDS = 0.5;
/** Healthy ticks traced for the storage writes: 60, so that one flush of the waiting checks falls inside. */
const WRITE_TICKS = Number(process.env.BENCH_WRITE_TICKS ?? 60);
/** Ticks traced with a failing check, and back to healthy. */
const WRITE_CHANGES = Number(process.env.BENCH_WRITE_CHANGES ?? 10);
/** A build from before unchanged checks were folded (`edb9fb5`), measured beside this one; else the constants. */
const BEFORE_BIN = process.env.BENCH_BEFORE_BIN;
const WRITE_HEADER = ['what', 'to storage', 'syncs', 'to memory (tmpfs)', 'pipes, other', '/proc/PID/io', 'target'];

const work = mkdtempSync(join(tmpdir(), 'watchdog-bench-'));
chmodSync(work, 0o755);
const runtimeDir = useRuntimeDir(work);
const started = [];

try {
  main();
} finally {
  for (const pid of started) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  rmSync(work, { recursive: true, force: true });
  rmSync(runtimeDir, { recursive: true, force: true });
}

function main() {
  const rssPreload = join(work, 'report-rss.mjs');
  // Peak resident memory of the process it is loaded into, written when it exits.
  writeFileSync(
    rssPreload,
    "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));\n",
  );

  const configs = Object.fromEntries([1, 100, 1000].map((count) => [count, healthySetup(`healthy-${count}`, count)]));
  const empty = healthySetup('history-empty', 1);
  const full = healthySetup('history-full', 1);
  tick(empty); // creates the database
  tick(full);
  fillHistory(join(dirname(full), 'watchdog.db'), HISTORY_ROWS);

  const floor = () => timed(process.execPath, ['-e', '0']);
  const tickOf = (config) => () => {
    refreshHeartbeats(config);
    return timed(process.execPath, [BIN, 'check', '-c', config]);
  };

  // What the fixed stack costs before the watchdog does anything: loading better-sqlite3 and
  // proper-lockfile and opening a database, the least any tick must do.
  const stackOnly = () => timed(process.execPath, ['-e', STACK_ONLY]);
  const startup = interleave({
    'node -e 0': floor,
    'the stack alone': stackOnly,
    'tick, 1 process': tickOf(configs[1]),
    'tick, 100 processes': tickOf(configs[100]),
    'tick, 1000 processes': tickOf(configs[1000]),
  });
  const history = interleave({
    'tick, empty history': tickOf(empty),
    [`tick, ${HISTORY_ROWS.toLocaleString('en')} history rows`]: tickOf(full),
  });
  const memory = interleave({
    'node -e 0': () => peakRss(rssPreload, ['-e', '0']),
    'tick, 1000 processes': () => {
      refreshHeartbeats(configs[1000]);
      return peakRss(rssPreload, [BIN, 'check', '-c', configs[1000]]);
    },
  });
  const recovery = median(repeat(() => recoveryMs()));
  const readFloor = median(repeat(() => readFloorMs(configs[1000])));
  // Where heartbeats belong on a device (/run is a tmpfs), and a disk folder beside it.
  const tmpfs = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/watchdog-bench-') : undefined;
  let beatTmpfs;
  try {
    beatTmpfs = tmpfs === undefined ? undefined : beatCost(tmpfs);
  } finally {
    if (tmpfs !== undefined) rmSync(tmpfs, { recursive: true, force: true });
  }
  const beatDisk = beatCost(join(work, 'beats'));
  const beat = beatTmpfs ?? beatDisk;

  const floorMs = startup['node -e 0'];
  const rows = [
    ['bare node -e 0', ms(floorMs), '1.00 ×', 'the floor'],
    [
      'node loading better-sqlite3 + proper-lockfile from node_modules, opening a database',
      ms(startup['the stack alone']),
      ratio(startup['the stack alone'], floorMs),
      '(reference)',
    ],
    ['tick, 1 healthy process', ms(startup['tick, 1 process']), ratio(startup['tick, 1 process'], floorMs), '≤ 1.5 ×'],
    [
      'tick, 100 healthy processes',
      ms(startup['tick, 100 processes']),
      ratio(startup['tick, 100 processes'], floorMs),
      '',
    ],
    [
      'tick, 1000 healthy processes',
      ms(startup['tick, 1000 processes']),
      ratio(startup['tick, 1000 processes'], floorMs),
      '≤ 3 ×',
    ],
    ['tick, empty history', ms(history['tick, empty history']), '1.00 ×', ''],
    [
      `tick, ${HISTORY_ROWS.toLocaleString('en')} history rows`,
      ms(Object.values(history)[1]),
      ratio(Object.values(history)[1], history['tick, empty history']),
      '≤ 1.1 × empty',
    ],
    [
      'reading 1000 heartbeats and their /proc/PID/status, nothing else (in one process)',
      ms(readFloor),
      ratio(readFloor, floorMs),
      '(reference)',
    ],
    ['peak memory, bare node -e 0', mib(memory['node -e 0']), '1.00 ×', ''],
    [
      'peak memory, tick, 1000 processes',
      mib(memory['tick, 1000 processes']),
      ratio(memory['tick, 1000 processes'], memory['node -e 0']),
      '≤ 1.5 ×',
    ],
    ['recovery of a prompt app, less verify_delay', ms(recovery - VERIFY_DELAY_SECONDS * 1000), '', '< 300 ms'],
    [
      `HeartbeatWriter beat(), median (${beatTmpfs === undefined ? 'disk' : 'tmpfs'})`,
      `${beat.median.toFixed(1)} µs`,
      '',
      '< 100 µs',
    ],
    [
      `HeartbeatWriter beat(), 99th percentile (${beatTmpfs === undefined ? 'disk' : 'tmpfs'})`,
      `${beat.p99.toFixed(1)} µs`,
      '',
      '',
    ],
    ['HeartbeatWriter beat(), median (disk)', `${beatDisk.median.toFixed(1)} µs`, '', ''],
    ['HeartbeatWriter beat(), 99th percentile (disk)', `${beatDisk.p99.toFixed(1)} µs`, '', ''],
  ];
  printTable(['what', 'median', 'ratio', 'target'], rows);

  const strace = straceStatus();
  let writes = null;
  let writeRows = [];
  if (strace.missing === undefined) {
    writes = measureStorageWrites({
      bin: BIN,
      beforeBin: BEFORE_BIN,
      work,
      runtimeDir,
      ticks: WRITE_TICKS,
      changes: WRITE_CHANGES,
    });
    writeRows = storageRows(writes);
    console.log(
      `\nstorage writes per tick (${strace.version}; database in ${work} on the disk; heartbeats and waiting checks in ${runtimeDir}, a tmpfs)`,
    );
    printTable(WRITE_HEADER, writeRows);
  } else console.log(`\nstorage writes: skipped, ${strace.missing}`);

  const results = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      memory_gib: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
    },
    binary: BIN,
    runs: RUNS,
    warmup: WARMUP,
    milliseconds: {
      ...startup,
      ...history,
      recovery_total: recovery,
      recovery_less_verify_delay: recovery - VERIFY_DELAY_SECONDS * 1000,
      read_floor_1000: readFloor,
    },
    peak_rss_kib: memory,
    beat_microseconds: { tmpfs: beatTmpfs ?? null, disk: beatDisk },
    ratios: {
      tick_1_vs_node: startup['tick, 1 process'] / floorMs,
      tick_1000_vs_node: startup['tick, 1000 processes'] / floorMs,
      history_full_vs_empty: Object.values(history)[1] / history['tick, empty history'],
      memory_1000_vs_node: memory['tick, 1000 processes'] / memory['node -e 0'],
    },
    table: rows,
    storage_writes:
      writes === null
        ? { skipped: strace.missing }
        : {
            strace: strace.version,
            ticks: WRITE_TICKS,
            changes: WRITE_CHANGES,
            before_bin: BEFORE_BIN ?? null,
            before_constants: BEFORE_CONSTANTS,
            targets: TARGETS,
            ...withoutPaths(writes),
            paths_total: pathsOf(writes),
          },
    storage_writes_table: writeRows.length === 0 ? null : [WRITE_HEADER, ...writeRows],
  };
  writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
  console.log(
    `\nwritten: ${OUT} (${RUNS} runs after ${WARMUP} warm-up, ${results.machine.cpus} × ${results.machine.cpu}, Node ${process.version})`,
  );
}

/** A folder with a config of `count` healthy processes; returns the config's path. */
function healthySetup(name, count) {
  return writeHealthyConfig(join(work, name), count);
}

function tick(config) {
  const result = spawnSync(process.execPath, [BIN, 'check', '-c', config], { encoding: 'utf8', env: ENV });
  if (result.status !== 0) throw new Error(`watchdog check failed (${result.status}): ${result.stderr}`);
}

/** Check rows of one process, as a year of ticks would leave them (the tick reads and writes beside them). */
function fillHistory(dbPath, rows) {
  const db = new Database(dbPath);
  try {
    const insert = db.prepare(
      "INSERT INTO check_history (process_key, checked_at, health, pid, heartbeat_ts, iteration, reason, heartbeat_age_seconds, heartbeat_status, consecutive_failures) VALUES ('app_0', ?, 'healthy', 1234, ?, 1, 'heartbeat 1s ago', 1, 'running', 0)",
    );
    const now = Date.now();
    db.transaction(() => {
      for (let index = 0; index < rows; index += 1) {
        // Within the retention period, so retention has nothing to delete during the runs.
        const at = new Date(now - (rows - index) * 1000).toISOString().replace('Z', '+00:00');
        insert.run(at, at);
      }
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/**
 * What no tick of `config` can do without, in this process: open, fstat, read and close
 * each heartbeat, and read the /proc/PID/status it names (as the tick does, into one
 * buffer). A floor for the per-process cost, in ms.
 */
function readFloorMs(config) {
  const { processes } = JSON.parse(readFileSync(config, 'utf8'));
  const buffer = Buffer.allocUnsafe(65536);
  const readAll = (path) => {
    const fd = openSync(path, 'r');
    try {
      fstatSync(fd);
      return readSync(fd, buffer, 0, buffer.length, 0);
    } finally {
      closeSync(fd);
    }
  };
  const start = process.hrtime.bigint();
  for (const entry of Object.values(processes)) {
    const length = readAll(resolve(dirname(config), entry.heartbeat_path));
    const { pid } = JSON.parse(buffer.toString('utf8', 0, length));
    readAll(`/proc/${pid}/status`);
  }
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Peak resident memory (KiB) of one run of `node args`. */
function peakRss(preload, args) {
  const file = join(work, 'rss');
  const result = spawnSync(process.execPath, ['--import', preload, ...args], {
    env: { ...ENV, BENCH_RSS_FILE: file },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return Number(readFileSync(file, 'utf8'));
}

/**
 * Runs each measure once per round, WARMUP rounds unrecorded then RUNS rounds; the median of
 * each. The order is shuffled every round: in a fixed order, each measure always follows the
 * same other one (the floor, the 1000-process tick and its thousand heartbeat writes), and
 * on this machine that alone moved a figure by 2–3 %.
 */
function interleave(measures) {
  return interleaveRuns(measures, { warmup: WARMUP, runs: RUNS });
}

function repeat(measure) {
  const values = [];
  for (let round = 0; round < WARMUP + RUNS; round += 1) {
    const value = measure();
    if (round >= WARMUP) values.push(value);
  }
  return values;
}

/**
 * One recovery of an app that exits at once on SIGTERM (`sleep`): its heartbeat says
 * `error`, so the first tick kills it and starts a new one. The time is the recovery's
 * own, from the audit log: from its start to the new instance counted as started
 * (which includes `verify_delay`).
 */
function recoveryMs() {
  const dir = join(work, `recovery-${Math.random().toString(36).slice(2)}`);
  mkdirSync(join(dir, 'hb'), { recursive: true, mode: 0o755 });
  const app = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
  started.push(app.pid);
  app.unref();
  writeFileSync(
    join(dir, 'hb', 'app.json'),
    JSON.stringify({
      process_key: 'app',
      pid: app.pid,
      timestamp: new Date().toISOString().replace('Z', '+00:00'),
      status: 'error',
      iteration: 1,
    }),
  );
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      consecutive_failures_threshold: 1,
      verify_delay: VERIFY_DELAY_SECONDS,
      processes: {
        app: {
          display_name: 'App',
          timeout_seconds: 60,
          heartbeat_path: 'hb/app.json',
          enabled: true,
          commands: { start: 'exec sleep 300' },
          recovery_actions: ['kill', 'start'],
        },
      },
    }),
  );
  spawnSync(process.execPath, [BIN, 'check', '-c', config], { stdio: 'ignore', env: ENV });
  const db = new Database(join(dir, 'watchdog.db'), { readonly: true });
  try {
    const row = db.prepare('SELECT outcome, duration_ms, started_pid FROM recoveries ORDER BY id DESC LIMIT 1').get();
    if (row?.outcome !== 'succeeded') throw new Error(`the recovery did not succeed: ${JSON.stringify(row)}`);
    if (row.started_pid !== null) started.push(row.started_pid);
    return row.duration_ms;
  } finally {
    db.close();
  }
}

/** beat() writing into `folder`: per call, in µs, after a warm-up. */
function beatCost(folder) {
  const script = `
    const { HeartbeatWriter } = await import(${JSON.stringify(join(ROOT, 'heartbeat-writer', 'dist', 'esm', 'index.js'))});
    const writer = new HeartbeatWriter({ heartbeatDir: ${JSON.stringify(folder)}, processKey: 'bench' });
    for (let i = 0; i < 1000; i += 1) writer.beat();
    const times = [];
    for (let i = 0; i < ${BEATS}; i += 1) {
      const start = process.hrtime.bigint();
      writer.beat();
      times.push(Number(process.hrtime.bigint() - start) / 1000);
    }
    times.sort((a, b) => a - b);
    console.log(JSON.stringify({ median: times[Math.floor(times.length / 2)], p99: times[Math.floor(times.length * 0.99)] }));
  `;
  mkdirSync(folder, { recursive: true });
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: ENV });
  if (result.status !== 0) throw new Error(`beat benchmark failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** The storage-writes table: bytes per tick (mean unless said), syncs per tick, and the targets. */
function storageRows(writes) {
  const all = (figures) => figures.storage + figures.memory + figures.other;
  const row = (what, figures, target = '') => [
    what,
    bytes(figures.storage),
    figures.syncs.toFixed(2),
    bytes(figures.memory),
    bytes(figures.other),
    bytes(figures.io_block),
    target,
  ];
  const before = (count) => {
    const measured = writes[`before_${count}`];
    return measured === undefined
      ? { bytes: BEFORE_CONSTANTS[count].bytes, syncs: BEFORE_CONSTANTS[count].syncs, measured: false }
      : { bytes: all(measured.mean), syncs: measured.mean.syncs, measured: true, figures: measured.mean };
  };
  const one = writes.healthy_1;
  const thousand = writes.healthy_1000;
  const met = (ok) => (ok ? '**met**' : '**not met**');
  const oneAll = all(one.mean);
  // Against the lead's figure, the smaller of the two befores (a fresh database; the
  // measured one grows with the history, a row per process per tick): the stricter target.
  const share = all(thousand.mean) / BEFORE_CONSTANTS[1000].bytes;
  const flushes = (summary) => (summary.folds ? `, ${summary.flushes} flush` : ', no folding');
  const rows = [
    row(
      `healthy tick, 1 process: mean of ${one.ticks}${flushes(one)}`,
      one.mean,
      `≤ 4 KiB, ≤ 1 sync (all bytes: ${bytes(oneAll)}): ${met(oneAll <= TARGETS.bytes1 && one.mean.syncs <= TARGETS.syncs1)}`,
    ),
    row(`healthy tick, 1 process: median of ${one.ticks}`, one.median),
    row(`healthy tick, 1 process: worst of ${one.ticks}`, { ...one.worst, syncs: one.most_syncs }),
    row(
      `healthy tick, 1 process, lock_path on the tmpfs: median of ${writes.healthy_1_lock_in_memory.ticks}`,
      writes.healthy_1_lock_in_memory.median,
      '(reference)',
    ),
    row(
      `healthy tick, 1000 processes: mean of ${thousand.ticks}${flushes(thousand)}`,
      thousand.mean,
      `≤ 25 % of ${bytes(BEFORE_CONSTANTS[1000].bytes)} (all bytes: ${(share * 100).toFixed(1)} %): ${met(share <= TARGETS.share1000)}`,
    ),
    row(`healthy tick, 1000 processes: median of ${thousand.ticks}`, thousand.median),
    row(`healthy tick, 1000 processes: worst of ${thousand.ticks}`, {
      ...thousand.worst,
      syncs: thousand.most_syncs,
    }),
    row(
      `healthy tick, 1000 processes, heartbeats on the disk: median of ${writes.healthy_1000_heartbeats_on_disk.ticks}`,
      writes.healthy_1000_heartbeats_on_disk.median,
      '(reference)',
    ),
  ];
  for (const count of [1, 1000]) {
    const was = before(count);
    const label = `before (edb9fb5), healthy tick, ${count} process${count === 1 ? '' : 'es'}`;
    rows.push(
      was.measured
        ? row(`${label}: mean of ${writes[`before_${count}`].ticks}`, was.figures, '(reference)')
        : [`${label} (constant, all bytes)`, bytes(was.bytes), was.syncs.toFixed(2), '', '', '', '(reference)'],
    );
  }
  for (const count of [1, 1000]) {
    const changing = writes[`changing_${count}`];
    const of = count === 1 ? '1 process' : 'one of 1000 processes';
    rows.push(
      row(`failing check (below threshold), ${of}: median of ${changing.failing.ticks}`, changing.failing.median),
      row(`back to healthy, ${of}: median of ${changing.recovered.ticks}`, changing.recovered.median),
    );
  }
  return rows;
}

/** The storage figures without each tick's paths, for results.json (paths are summed apart). */
function withoutPaths(writes) {
  return Object.fromEntries(Object.entries(writes).map(([name, value]) => [name, stripPaths(value)]));
}

function stripPaths(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'paths_total')
      .map(([key, inner]) => [key, stripPaths(inner)]),
  );
}

/** Each measure's bytes and syncs per path, per tick, the temporary folders named by what they are. */
function pathsOf(writes) {
  const name = (path) =>
    path
      .replace(work, '$BENCH')
      .replace(runtimeDir, '$RUNTIME')
      .replace(/\[\d+\]/, '')
      .replace(/\.[\w-]{12}\.tmp$/, '.*.tmp');
  const perTick = (summary) => {
    const paths = {};
    for (const [path, entry] of Object.entries(summary.paths_total)) {
      const total = (paths[name(path)] ??= { place: entry.place, bytes: 0, syncs: 0 });
      total.bytes += entry.bytes / summary.ticks;
      total.syncs += entry.syncs / summary.ticks;
    }
    return paths;
  };
  const result = {};
  for (const [measure, value] of Object.entries(writes)) {
    if (value.paths_total !== undefined) result[measure] = perTick(value);
    else
      for (const [part, summary] of Object.entries(value))
        if (summary?.paths_total) result[`${measure}.${part}`] = perTick(summary);
  }
  return result;
}

function bytes(value) {
  return `${Math.round(value).toLocaleString('en')} B`;
}

function ms(value) {
  return `${value.toFixed(1)} ms`;
}

function mib(kib) {
  return `${(kib / 1024).toFixed(1)} MiB`;
}

function ratio(value, base) {
  return `${(value / base).toFixed(2)} ×`;
}

function printTable(header, rows) {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => String(row[column]).length)),
  );
  const line = (cells) =>
    cells
      .map((cell, column) => String(cell).padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(row));
}
