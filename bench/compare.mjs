#!/usr/bin/env node
// Builds of the `watchdog` binary head to head: `node bench/compare.mjs BIN...` (each BIN a
// `dist/cli/bin.js`) times a healthy tick of each, and bare `node -e 0`, once per round in an
// order shuffled every round. A change of a millisecond does not show between two runs of
// `npm run bench` on a shared machine, whose load moves the floor by more (BENCHMARKS.md);
// measured in the same rounds, both builds meet the same load.
//
// BENCH_RUNS rounds (default 200) after BENCH_WARMUP (default 3), with BENCH_PROCESSES
// healthy processes (default 1). Each build ticks in a folder of its own (config, heartbeats
// naming this process, database) under a fresh temporary folder, its unchanged checks waiting
// in a private folder in /dev/shm (bench/measure.mjs), both removed at the end. Prints,
// for each, the median, its ratio to bare node and what it adds to bare node.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { interleave, refreshHeartbeats, timed, useRuntimeDir, writeHealthyConfig } from './measure.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 1);
const bins = process.argv.slice(2).map((bin) => resolve(bin));
if (bins.length === 0) {
  console.error('usage: node bench/compare.mjs BIN... (each the dist/cli/bin.js of a build)');
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'watchdog-compare-'));
const runtimeDir = useRuntimeDir(work);
try {
  const measures = { 'node -e 0': () => timed(process.execPath, ['-e', '0']) };
  bins.forEach((bin, index) => {
    const config = writeHealthyConfig(join(work, `build-${index}`), PROCESSES);
    measures[bin] = () => {
      refreshHeartbeats(config);
      return timed(process.execPath, [bin, 'check', '-c', config]);
    };
  });
  const medians = interleave(measures, { warmup: WARMUP, runs: RUNS });
  const floor = medians['node -e 0'];
  console.log(`${RUNS} rounds after ${WARMUP}, ${PROCESSES} healthy process${PROCESSES === 1 ? '' : 'es'}`);
  for (const [name, value] of Object.entries(medians)) {
    console.log(
      `${value.toFixed(2).padStart(8)} ms  ${(value / floor).toFixed(3)} ×  +${(value - floor).toFixed(2).padStart(6)} ms  ${name}`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  rmSync(runtimeDir, { recursive: true, force: true });
}
