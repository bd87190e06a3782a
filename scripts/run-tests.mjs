#!/usr/bin/env node
// Runs every `*.test.ts` under the given folders with Node's own test runner,
// TypeScript loaded through tsx. Node 20's `--test` takes no glob patterns, so
// the file list is built here instead of by the shell (whose `**` is not recursive).
//
//   node scripts/run-tests.mjs [options] <folder|file> [...]
//
//   --reporter=NAME        what the terminal shows (spec, tap, dot; Node's default: spec in a
//                          terminal, tap otherwise)
//   --log=FILE             also the full TAP log to FILE
//   --results=FILE         also one JSON line per test to FILE (scripts/test-results-reporter.mjs,
//                          which writes the TAP log too)
//   --fault-report=FILE    where a run of tests/faults writes its report (default
//                          test-results/faults.md, ignored by git)
//
// The fault-injection suite (tests/faults) runs only when named (a folder or file at or
// under it), so `run-tests.mjs tests` does not run it a second time beside
// `npm run test:faults`. A run that includes it collects the report rows of its cases and
// writes the report (scripts/fault-report.mjs) when it ends, failed or not; a run whose
// tests passed fails all the same when no case recorded a row or a row says FAIL.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FAULT_ROWS_ENV, startFaultRun, writeFaultReport } from './fault-report.mjs';
import { REPOSITORY } from './test-results-dir.mjs';
import { TEST_RESULTS_ENV } from './test-results-reporter.mjs';

const FAULTS_DIR = join(REPOSITORY, 'tests', 'faults');
const RESULTS_REPORTER = pathToFileURL(join(REPOSITORY, 'scripts', 'test-results-reporter.mjs')).href;
const OPTIONS = ['reporter', 'log', 'results', 'fault-report'];

/** @param {string} path @param {string} dir */
function isUnder(path, dir) {
  return path === dir || path.startsWith(dir + sep);
}

/** @type {Record<string, string>} */
const options = {};
const roots = [];
for (const arg of process.argv.slice(2)) {
  const option = /^--([a-z-]+)=(.+)$/.exec(arg);
  if (option !== null && OPTIONS.includes(option[1])) options[option[1]] = option[2];
  else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
  else roots.push(arg);
}
if (roots.length === 0) usage('no folder or file named');

/** @param {string} problem */
function usage(problem) {
  console.error(
    `run-tests.mjs: ${problem}\nusage: run-tests.mjs [--reporter=NAME] [--log=FILE] [--results=FILE] [--fault-report=FILE] <folder|file> [...]`,
  );
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

/** The reporter flags: Node's default alone, or the terminal's reporter and the log beside it. */
function reporterArgs() {
  if (options.reporter === undefined && options.log === undefined && options.results === undefined) return [];
  const terminal = options.reporter ?? (process.stdout.isTTY ? 'spec' : 'tap');
  const args = [`--test-reporter=${terminal}`, '--test-reporter-destination=stdout'];
  if (options.log === undefined && options.results === undefined) return args;
  for (const file of [options.log, options.results]) {
    if (file !== undefined) mkdirSync(dirname(resolve(file)), { recursive: true });
  }
  const log = options.log === undefined ? '/dev/null' : resolve(options.log);
  return [
    ...args,
    `--test-reporter=${options.results === undefined ? 'tap' : RESULTS_REPORTER}`,
    `--test-reporter-destination=${log}`,
  ];
}

/**
 * The environment of the run: where the results reporter and the fault cases write, and the
 * watchdog's runtime folder (src/config/runtime-dir.ts): a temporary folder of this run, so
 * no test writes the machine's /run/watchdog.
 */
function runEnvironment() {
  const env = { ...process.env, WATCHDOG_RUNTIME_DIR: runtimeDir };
  if (options.results !== undefined) env[TEST_RESULTS_ENV] = resolve(options.results);
  if (faultRun !== undefined) env[FAULT_ROWS_ENV] = faultRun.rowsFile;
  return env;
}

const runtimeDir = mkdtempSync(join(tmpdir(), 'watchdog-runtime-'));
chmodSync(runtimeDir, 0o755);
const faultFiles = files.filter((file) => isUnder(file, FAULTS_DIR));
const faultRun = faultFiles.length > 0 ? startFaultRun(faultFiles) : undefined;
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...reporterArgs(), ...files],
  { stdio: 'inherit', env: runEnvironment() },
);
rmSync(runtimeDir, { recursive: true, force: true });
let status = result.status ?? 1;
if (faultRun !== undefined) {
  const reportPath = options['fault-report'] === undefined ? undefined : resolve(options['fault-report']);
  const { path, rows, failed } = writeFaultReport({ testsPassed: status === 0, path: reportPath });
  console.error(
    `fault report${status === 0 ? '' : ' (run failed)'}: ${relative(process.cwd(), path)}: ${rows.length} cases recorded, ${failed} failed`,
  );
  if (status === 0 && (rows.length === 0 || failed > 0)) {
    console.error(
      rows.length === 0
        ? 'fault report: no case recorded a row'
        : 'fault report: a case recorded FAIL but its test passed',
    );
    status = 1;
  }
}
process.exit(status);
