// The storage-writes section of `npm run bench` (bench/run.mjs): bytes and syncs per tick,
// by where they go (docs/storage-writes.md, issue 24). Each measured tick runs under strace
// (bench/writes.mjs); the database is in the bench's folder (a disk) and unchanged checks
// wait in the runtime folder ENV names (a tmpfs, bench/measure.mjs), as on a device.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ENV, refreshHeartbeats, writeHealthyConfig } from './measure.mjs';
import { readMounts, summarize, tracedRun, writeIoPreload } from './writes.mjs';

/**
 * A healthy tick before unchanged checks were folded (`edb9fb5`), measured with strace on
 * this machine by the lead (5 ticks, all bytes written, on 2026-12-07), for when no
 * BENCH_BEFORE_BIN build is measured in the same run.
 */
export const BEFORE_CONSTANTS = { 1: { bytes: 41_248, syncs: 4 }, 1000: { bytes: 1_356_577, syncs: 4 } };
/** The budget: per healthy tick, averaged over 60 (issue 24, item 1). */
export const TARGETS = { bytes1: 4096, syncs1: 1, share1000: 0.25 };

/**
 * Measures, with `bin`: `ticks` healthy ticks of 1 and of 1000 processes, counted from just
 * after a flush of the waiting runs so that one flush falls inside (max_folded_checks is 60);
 * `changes` ticks with a failing check below the threshold, and the healthy ticks after them;
 * with `beforeBin` (another build), its healthy ticks likewise.
 */
export function measureStorageWrites({ bin, beforeBin, work, runtimeDir, ticks, changes }) {
  const ioPreload = join(work, 'report-io.mjs');
  writeIoPreload(ioPreload);
  const context = { work, runtimeDir, ioPreload, mounts: readMounts() };
  const healthy = (name, count, build, options = {}) =>
    healthyTicks({ ...context, bin: build, name, count, ticks, ...options });
  const reference = Math.min(ticks, REFERENCE_TICKS);
  const result = {
    healthy_1: healthy('writes-1', 1, bin),
    healthy_1000: healthy('writes-1000', 1000, bin),
    // What of a healthy tick's page writes is the lock folder's, made and removed beside the
    // database at every tick: the same ticks with lock_path on the tmpfs.
    healthy_1_lock_in_memory: healthy('writes-1-lock', 1, bin, {
      ticks: reference,
      settings: { lock_path: join(runtimeDir, 'writes-1.lock') },
    }),
    // Heartbeats on the disk instead: reading a heartbeat rewritten since it was last read
    // updates its access time (relatime), an inode written to the disk at every tick.
    healthy_1000_heartbeats_on_disk: healthy('writes-1000-disk', 1000, bin, {
      ticks: reference,
      heartbeatsOnDisk: true,
    }),
    changing_1: changingTicks({ ...context, bin, name: 'writes-change-1', count: 1, changes }),
    changing_1000: changingTicks({ ...context, bin, name: 'writes-change-1000', count: 1000, changes }),
  };
  if (beforeBin !== undefined) {
    result.before_1 = healthy('writes-before-1', 1, beforeBin);
    result.before_1000 = healthy('writes-before-1000', 1000, beforeBin);
  }
  return result;
}

/** Healthy ticks traced for a reference row (a median): fewer, to keep the run short. */
const REFERENCE_TICKS = 20;

/**
 * A config of `count` healthy processes in the bench's folder (its database there, on the
 * disk), their heartbeats in the runtime folder (in memory, as in /run on a device) unless
 * `onDisk`; returns its path.
 */
function setUp({ work, runtimeDir }, name, count, onDisk) {
  const heartbeatDir = onDisk ? undefined : join(runtimeDir, `heartbeats-${name}`);
  return writeHealthyConfig(join(work, name), count, { heartbeatDir });
}

/** Where `config`'s unchanged checks wait (the default folded_checks_path under the runtime folder). */
function foldedFileOf(config, runtimeDir) {
  return join(runtimeDir, 'folded', encodeURIComponent(join(dirname(config), 'watchdog.db')));
}

function untracedTick(bin, config, options) {
  refreshHeartbeats(config, options);
  const result = spawnSync(process.execPath, [bin, 'check', '-c', config], { encoding: 'utf8', env: ENV });
  if (result.status !== 0) throw new Error(`watchdog check failed (${result.status}): ${result.stderr}`);
}

/**
 * One tick under strace. The bench's file system is synced first (`sync -f`), so that the
 * tick finds every page clean, as ticks a minute apart do (the kernel writes a dirty page
 * back after 30 s): /proc/PID/io then counts each page the tick dirties, as a device's card
 * would be written it. Back to back, a tick would re-dirty pages still dirty from the last.
 */
function tracedTick(context, config, options) {
  refreshHeartbeats(config, options);
  const synced = spawnSync('sync', ['-f', context.work]);
  if (synced.status !== 0) throw new Error(`sync -f ${context.work} failed: ${synced.stderr}`);
  return tracedRun([context.bin, 'check', '-c', config], { ...context, env: ENV });
}

/**
 * `ticks` healthy ticks, each traced. A build that folds (its file of waiting checks appears)
 * is first ticked, untraced, until a flush (the file gone after a tick); then the flushes among
 * the traced ticks are counted the same way. A build that does not fold writes every tick.
 */
function healthyTicks(context) {
  const { bin, name, count, ticks, runtimeDir, settings = {}, heartbeatsOnDisk = false } = context;
  const config = configWith(setUp(context, name, count, heartbeatsOnDisk), settings);
  const folded = foldedFileOf(config, runtimeDir);
  untracedTick(bin, config); // creates the database: the first check of a process is written
  untracedTick(bin, config);
  const folds = existsSync(folded);
  let aligned = 0;
  if (folds) {
    while (existsSync(folded)) {
      if (aligned > 1440) throw new Error(`no flush of ${folded} in ${aligned} ticks`);
      untracedTick(bin, config);
      aligned += 1;
    }
  }
  const measured = [];
  let flushes = 0;
  for (let index = 0; index < ticks; index += 1) {
    const tick = tracedTick(context, config);
    if (folds && !existsSync(folded)) {
      flushes += 1;
      tick.flush = true;
    }
    measured.push(tick);
  }
  return { processes: count, folds, flushes, ...summarize(measured) };
}

/**
 * `changes` rounds of: two healthy ticks untraced (the second folded), a tick whose check of
 * app_0 fails (a stale heartbeat: one failure, counted, below the threshold), traced, and the
 * healthy tick after it (back to healthy), traced. Both write the database and sync it: a
 * state change is durable before its effect. The threshold is raised to 5 so that nothing
 * could ever recover app_0, whose heartbeat names this process.
 */
function changingTicks(context) {
  const { bin, name, count, changes } = context;
  const config = configWith(setUp(context, name, count, false), { consecutive_failures_threshold: 5 });
  untracedTick(bin, config);
  const failing = [];
  const recovered = [];
  for (let round = 0; round < changes; round += 1) {
    untracedTick(bin, config);
    untracedTick(bin, config);
    failing.push(tracedTick(context, config, { stale: ['app_0'] }));
    recovered.push(tracedTick(context, config));
  }
  return { processes: count, failing: summarize(failing), recovered: summarize(recovered) };
}

/** `config` with `settings` added; returns its path. */
function configWith(config, settings) {
  writeFileSync(config, JSON.stringify({ ...JSON.parse(readFileSync(config, 'utf8')), ...settings }));
  return config;
}
