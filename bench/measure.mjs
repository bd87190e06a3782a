// How the benchmarks time things, shared by `npm run bench` (bench/run.mjs) and the
// head-to-head comparison of builds (bench/compare.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The environment of every run: this one, less NODE_EXTRA_CA_CERTS, which makes every
 * `node` read a CA bundle at start (tens of ms) on machines set up with it: a device has no
 * such setting, and the floor would hide the tick's own cost.
 */
export const ENV = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'NODE_EXTRA_CA_CERTS'));

/**
 * Makes the watchdog's runtime folder of this run (where unchanged checks wait, in memory:
 * docs/storage-writes.md) and names it in ENV (WATCHDOG_RUNTIME_DIR): a private folder
 * (0700) in /dev/shm, a tmpfs as /run is on a device, else in `fallback`. Without it a
 * tick run as root would write the machine's own /run/watchdog, and one not run as root,
 * finding no folder it may write, would write every check to the database. Returns the
 * folder, which the caller removes.
 */
export function useRuntimeDir(fallback) {
  const dir = existsSync('/dev/shm')
    ? mkdtempSync('/dev/shm/watchdog-bench-')
    : mkdtempSync(join(fallback, 'runtime-'));
  ENV.WATCHDOG_RUNTIME_DIR = dir;
  return dir;
}

/** Milliseconds one run of `command args` takes, start to exit; it must exit 0. */
export function timed(command, args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env: ENV });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

/**
 * The median of each measure over `runs` rounds after `warmup` rounds. Each round takes one
 * sample of every measure, in an order shuffled every round, so a noisy neighbour slows them
 * alike and none always follows the same other one.
 */
export function interleave(measures, { warmup, runs }) {
  const samples = Object.fromEntries(Object.keys(measures).map((name) => [name, []]));
  for (let round = 0; round < warmup + runs; round += 1) {
    for (const [name, measure] of shuffled(Object.entries(measures))) {
      const value = measure();
      if (round >= warmup) samples[name].push(value);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}

/** A copy of `items` in random order (Fisher–Yates). */
function shuffled(items) {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(Math.random() * (index + 1));
    [copy[index], copy[other]] = [copy[other], copy[index]];
  }
  return copy;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Writes, in `dir`, a config of `count` healthy processes and their heartbeats (in `dir`/hb,
 * or in `heartbeatDir`); returns the config's path.
 */
export function writeHealthyConfig(dir, count, { heartbeatDir } = {}) {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  mkdirSync(heartbeatDir ?? join(dir, 'hb'), { recursive: true, mode: 0o755 });
  const processes = {};
  for (let index = 0; index < count; index += 1) {
    processes[`app_${index}`] = {
      display_name: `App ${index}`,
      timeout_seconds: 3600,
      heartbeat_path: heartbeatDir === undefined ? `hb/app_${index}.json` : join(heartbeatDir, `app_${index}.json`),
      enabled: true,
      commands: { start: 'exec sleep 300' },
      recovery_actions: ['kill', 'start'],
    };
  }
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ log_level: 'info', processes }));
  refreshHeartbeats(config);
  return config;
}

/**
 * Fresh heartbeats naming this (live) process, as the apps would have written them; those
 * of the keys in `stale` two hours old (a failing check: the configs' timeout is an hour).
 */
export function refreshHeartbeats(config, { stale = [] } = {}) {
  const { processes } = JSON.parse(readFileSync(config, 'utf8'));
  const now = Date.now();
  const at = (ms) => new Date(ms).toISOString().replace('Z', '+00:00');
  for (const [key, entry] of Object.entries(processes)) {
    const timestamp = stale.includes(key) ? at(now - 2 * 3600 * 1000) : at(now);
    writeFileSync(
      resolve(dirname(config), entry.heartbeat_path),
      JSON.stringify({ process_key: key, pid: process.pid, timestamp, status: 'running', iteration: 1 }),
    );
  }
}
