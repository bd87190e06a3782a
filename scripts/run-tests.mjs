#!/usr/bin/env node
// Runs every `*.test.ts` under the given folders with Node's own test runner,
// TypeScript loaded through tsx. Node 20's `--test` takes no glob patterns, so
// the file list is built here instead of by the shell (whose `**` is not recursive).
//
// The fault-injection suite (tests/faults) runs only when named (a folder or file at or
// under it), so `run-tests.mjs tests` does not run it a second time beside
// `npm run test:faults`. A run that includes it collects the report rows of its cases
// and writes reports/faults.md (scripts/fault-report.mjs) when it ends, failed or not;
// only a passing run under `npm run test:faults` leaves that to the script's next step,
// `node scripts/fault-report.mjs`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAULT_ROWS_ENV, startFaultRun, writeFaultReport } from './fault-report.mjs';

const FAULTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'tests', 'faults');

/** @param {string} path @param {string} dir */
function isUnder(path, dir) {
  return path === dir || path.startsWith(dir + sep);
}

const roots = process.argv.slice(2);
if (roots.length === 0) {
  console.error('usage: run-tests.mjs <folder|file> [...]');
  process.exit(2);
}

/** @param {string} path an absolute path */
function collect(path) {
  if (statSync(path).isFile()) return [path];
  const faultsNamed = isUnder(path, FAULTS_DIR);
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.ts') && !name.split('/').includes('node_modules'))
    .map((name) => join(path, name))
    .filter((file) => faultsNamed || !isUnder(file, FAULTS_DIR));
}

const files = roots.flatMap((root) => collect(resolve(root))).sort();
if (files.length === 0) {
  console.error(`no test files under ${roots.join(', ')}`);
  process.exit(1);
}

const faultFiles = files.filter((file) => isUnder(file, FAULTS_DIR));
const faultRun = faultFiles.length > 0 ? startFaultRun(faultFiles) : undefined;
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files],
  { stdio: 'inherit', env: faultRun === undefined ? process.env : { ...process.env, [FAULT_ROWS_ENV]: faultRun.rowsFile } },
);
const status = result.status ?? 1;
const reportedByNextStep = status === 0 && process.env.npm_lifecycle_event === 'test:faults';
if (faultRun !== undefined && !reportedByNextStep) {
  const { path, rows, failed } = writeFaultReport({ testsPassed: status === 0 });
  console.error(`fault report${status === 0 ? '' : ' (run failed)'}: ${path}: ${rows.length} cases recorded, ${failed} failed`);
}
process.exit(status);
