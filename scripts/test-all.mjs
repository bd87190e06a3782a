#!/usr/bin/env node
// @ts-check
// `npm test`: checks the prerequisites (scripts/test-prerequisites.mjs) and stops at once
// when one is missing; then runs every suite (lint, format, layers, typecheck, build, unit, faults, writer),
// going on after a failure, except that the test suites are not run without a build; ends
// with one line per suite, the failed tests by name, and whether the run changed the git
// work tree (it must not). Exits 1 when anything failed.
//
// The test suites run as `npm run test:unit`, `test:faults` and `test:writer` do, with the
// dot reporter on the terminal and, under test-results/ (ignored by git), the full TAP log
// (`<suite>.tap`) and one JSON line per test (`<suite>.jsonl`) that the summary counts.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { findMissingPrerequisites, machineFacts } from './test-prerequisites.mjs';
import { REPOSITORY, TEST_RESULTS_DIR } from './test-results-dir.mjs';
import { countResults, formatFailure, formatSuiteLine } from './test-summary.mjs';
import { compareWorkTrees, snapshotWorkTree } from './work-tree-snapshot.mjs';

/** Failed tests named at the end; the rest are in the logs. */
const MAX_FAILURES_SHOWN = 40;

/**
 * @typedef {{ name: string, argv: string[], shown: string, cwd?: string, tests?: boolean }} Suite
 *   `shown`: the command as a person would type it; `tests`: a test suite, whose counts come
 *   from its results file and which needs the build
 */

const RUN_TESTS = join(REPOSITORY, 'scripts', 'run-tests.mjs');

/** @type {Suite[]} */
const SUITES = [
  { name: 'lint', argv: ['npm', 'run', '--silent', 'lint'], shown: 'npm run lint' },
  { name: 'format', argv: ['npm', 'run', '--silent', 'format:check'], shown: 'npm run format:check' },
  { name: 'layers', argv: ['npm', 'run', '--silent', 'check:layers'], shown: 'npm run check:layers' },
  { name: 'typecheck', argv: ['npm', 'run', '--silent', 'typecheck'], shown: 'npm run typecheck' },
  { name: 'build', argv: ['npm', 'run', '--silent', 'build'], shown: 'npm run build' },
  // As `npm run test:unit`, `test:faults` and `test:writer` (whose own build the build above made).
  { name: 'unit', argv: [process.execPath, RUN_TESTS, 'tests'], shown: 'npm run test:unit', tests: true },
  { name: 'faults', argv: [process.execPath, RUN_TESTS, 'tests/faults'], shown: 'npm run test:faults', tests: true },
  {
    name: 'writer',
    argv: [process.execPath, RUN_TESTS, 'tests'],
    cwd: join(REPOSITORY, 'heartbeat-writer'),
    shown: 'npm run test:writer',
    tests: true,
  },
];

const missing = findMissingPrerequisites(machineFacts());
if (missing.length > 0) {
  for (const line of missing) console.error(`npm test: ${line}`);
  console.error(
    `npm test: nothing was run (${missing.length === 1 ? 'a prerequisite is' : `${missing.length} prerequisites are`} missing; docs/development.md lists them)`,
  );
  process.exit(1);
}

const before = snapshotWorkTree(REPOSITORY);
/** @type {import('./test-summary.mjs').SuiteOutcome[]} */
const outcomes = [];
/** @type {string[]} */
const failures = [];
let built = true;

for (const suite of SUITES) {
  if (suite.tests === true && !built) {
    outcomes.push({ name: suite.name, state: 'not run', reason: 'build failed' });
    continue;
  }
  const log = join(TEST_RESULTS_DIR, `${suite.name}.tap`);
  const results = join(TEST_RESULTS_DIR, `${suite.name}.jsonl`);
  rmSync(log, { force: true });
  rmSync(results, { force: true });
  const [command = '', ...args] = suite.argv;
  const testArgs = suite.tests === true ? ['--reporter=dot', `--log=${log}`, `--results=${results}`] : [];
  console.log(`\n▶ ${suite.name}: ${suite.shown}`);
  const started = performance.now();
  const run = spawnSync(command, [...args.slice(0, 1), ...testArgs, ...args.slice(1)], {
    cwd: suite.cwd ?? REPOSITORY,
    stdio: 'inherit',
  });
  const durationMs = performance.now() - started;
  const exitCode = run.status ?? 1;
  const state = exitCode === 0 && run.error === undefined ? 'passed' : 'failed';
  if (suite.name === 'build' && state === 'failed') built = false;
  if (suite.tests !== true) {
    outcomes.push({ name: suite.name, state, exitCode, durationMs });
    continue;
  }
  const counts = countResults(readResults(results));
  outcomes.push({ name: suite.name, state, exitCode, durationMs, counts, log: relative(REPOSITORY, log) });
  for (const failure of counts.failures)
    failures.push(formatFailure(suite.name, failure, (file) => relative(REPOSITORY, file)));
}

const changes = before === undefined ? undefined : compareWorkTrees(before, snapshotWorkTree(REPOSITORY) ?? new Map());

const width = Math.max(...SUITES.map((suite) => suite.name.length));
console.log('\nnpm test:');
for (const outcome of outcomes) console.log(`  ${formatSuiteLine(outcome, width)}`);
if (failures.length > 0) {
  console.log(`\nFailed tests (${failures.length}):`);
  for (const line of failures.slice(0, MAX_FAILURES_SHOWN)) console.log(`  ${line}`);
  if (failures.length > MAX_FAILURES_SHOWN)
    console.log(`  … and ${failures.length - MAX_FAILURES_SHOWN} more: see the logs`);
}
const faultReport = join(TEST_RESULTS_DIR, 'faults.md');
if (existsSync(faultReport) && outcomes.some((outcome) => outcome.name === 'faults' && outcome.state !== 'not run')) {
  console.log(`\nFault report: ${relative(REPOSITORY, faultReport)} (npm run report:faults writes reports/faults.md)`);
}
if (changes === undefined) {
  console.log('Work tree: not a git checkout, not compared');
} else if (changes.length === 0) {
  console.log('Work tree: unchanged by the run');
} else {
  console.log(
    'Work tree: changed by the run (a test must write only under test-results/ or a temporary folder; or did you edit files meanwhile?):',
  );
  for (const line of changes) console.log(`  ${line}`);
}

const failed = outcomes.some((outcome) => outcome.state !== 'passed') || (changes !== undefined && changes.length > 0);
console.log(failed ? '\nnpm test: FAILED' : '\nnpm test: all passed');
process.exitCode = failed ? 1 : 0;

/** @param {string} file @returns {import('./test-summary.mjs').TestResult[]} */
function readResults(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}
