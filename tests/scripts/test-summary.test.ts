import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  countResults,
  formatDuration,
  formatFailure,
  formatSuiteLine,
  type SuiteOutcome,
  type TestResult,
} from '../../scripts/test-summary.mjs';
import { TEST_RESULTS_ENV } from '../../scripts/test-results-reporter.mjs';
import { makeTempDir } from '../helpers/temp-dir.js';

const FIXTURES = fileURLToPath(new URL('fixtures/', import.meta.url));
const REPORTER = pathToFileURL(fileURLToPath(new URL('../../scripts/test-results-reporter.mjs', import.meta.url))).href;

/** Runs the fixture files with Node's test runner and the results reporter, as `npm test` does; returns the results and the TAP log. */
function runFixtures(...names: string[]): { results: TestResult[]; log: string } {
  const dir = makeTempDir();
  const [results, log] = [join(dir, 'results.jsonl'), join(dir, 'log.tap')];
  const run = spawnSync(
    process.execPath,
    [
      '--test',
      `--test-reporter=${REPORTER}`,
      `--test-reporter-destination=${log}`,
      ...names.map((name) => join(FIXTURES, name)),
    ],
    // Without NODE_TEST_CONTEXT, which would make the child report to this test run instead.
    {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, NODE_TEST_CONTEXT: undefined, [TEST_RESULTS_ENV]: results },
    },
  );
  assert.equal(run.status, 1, `the fixtures fail: ${run.stderr}`);
  return { results: parseResults(readFileSync(results, 'utf8')), log: readFileSync(log, 'utf8') };
}

function parseResults(text: string): TestResult[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as TestResult);
}

describe('countResults, on what the reporter wrote for a real run', () => {
  const { results, log } = runFixtures('mixed-results.mjs', 'crashes.mjs');
  const counts = countResults(results);

  it('writes the full TAP log to its destination', () => {
    assert.match(log, /^TAP version 13$/m);
    assert.match(log, /^ {8}not ok 1 - fails deep$/m);
    assert.match(log, /^# fail 3$/m);
  });

  it('counts tests, not suites: a cancelled test and a suite that failed by itself count as failed', () => {
    assert.deepEqual(
      { passed: counts.passed, failed: counts.failed, skipped: counts.skipped, todo: counts.todo },
      // failed: fails, fails deep, never runs (cancelled), the crashed file, and the two suites whose hooks failed
      { passed: 4, failed: 6, skipped: 1, todo: 1 },
    );
  });

  it('names each failure by its suites and itself, with the start of its error, once', () => {
    const mixed = join(FIXTURES, 'mixed-results.mjs');
    const crashes = join(FIXTURES, 'crashes.mjs');
    assert.deepEqual(
      [...counts.failures].sort((a, b) => (a.name < b.name ? -1 : 1)),
      [
        { file: crashes, name: crashes, error: 'test failed' },
        { file: mixed, name: 'a cleanup fails', error: 'cleanup broke' },
        { file: mixed, name: 'a hook fails', error: 'hook broke' },
        { file: mixed, name: 'outer > fails', error: 'Expected values to be strictly equal: 1 !== 2' },
        { file: mixed, name: 'outer > inner > fails deep', error: 'deep second line' },
      ],
    );
  });
});

describe('countResults, on tables of results', () => {
  const base = { file: '/t/a.test.ts', suite: false, skip: false, todo: false };
  const cases: [
    string,
    TestResult[],
    { passed: number; failed: number; skipped: number; todo: number; names: string[] },
  ][] = [
    ['no results (a suite whose runner never started)', [], { passed: 0, failed: 0, skipped: 0, todo: 0, names: [] }],
    [
      'a failing todo fails nothing',
      [{ ...base, passed: false, name: 'later', nesting: 0, todo: true, failureType: 'testCodeFailure', error: 'x' }],
      { passed: 0, failed: 0, skipped: 0, todo: 1, names: [] },
    ],
    [
      'two files interleaved keep their own suite names',
      [
        { ...base, passed: false, name: 'x', nesting: 1, error: 'e1' },
        { ...base, file: '/t/b.test.ts', passed: false, name: 'y', nesting: 1, error: 'e2' },
        {
          ...base,
          file: '/t/b.test.ts',
          passed: false,
          name: 'B',
          nesting: 0,
          suite: true,
          failureType: 'subtestsFailed',
        },
        { ...base, passed: false, name: 'A', nesting: 0, suite: true, failureType: 'subtestsFailed' },
      ],
      { passed: 0, failed: 2, skipped: 0, todo: 0, names: ['A > x', 'B > y'] },
    ],
    [
      'a sibling suite does not take the name of one that ended before',
      [
        { ...base, passed: true, name: 'p', nesting: 2 },
        { ...base, passed: true, name: 'first', nesting: 1, suite: true },
        { ...base, passed: false, name: 'q', nesting: 2, error: 'e' },
        { ...base, passed: false, name: 'second', nesting: 1, suite: true, failureType: 'subtestsFailed' },
        { ...base, passed: false, name: 'top', nesting: 0, suite: true, failureType: 'subtestsFailed' },
      ],
      { passed: 1, failed: 1, skipped: 0, todo: 0, names: ['top > second > q'] },
    ],
  ];
  for (const [name, results, expected] of cases) {
    it(name, () => {
      const { failures, ...counts } = countResults(results);
      assert.deepEqual({ ...counts, names: failures.map((failure) => failure.name).sort() }, expected);
    });
  }
});

describe('formatSuiteLine', () => {
  const counts = { passed: 1203, failed: 2, skipped: 5, todo: 0, failures: [] };
  const cases: [SuiteOutcome, string][] = [
    [{ name: 'lint', state: 'passed', exitCode: 0, durationMs: 14_230 }, 'lint       ok      14.2 s'],
    [
      { name: 'typecheck', state: 'failed', exitCode: 2, durationMs: 20_000 },
      'typecheck  FAILED  exit code 2 after 20.0 s',
    ],
    [
      {
        name: 'unit',
        state: 'passed',
        exitCode: 0,
        durationMs: 101_400,
        counts: { ...counts, failed: 0 },
        log: 'test-results/unit.tap',
      },
      'unit       ok      1203 passed, 0 failed, 5 skipped in 1 min 41 s (test-results/unit.tap)',
    ],
    [
      { name: 'unit', state: 'failed', exitCode: 1, durationMs: 192_400, counts, log: 'test-results/unit.tap' },
      'unit       FAILED  1203 passed, 2 failed, 5 skipped in 3 min 12 s (test-results/unit.tap)',
    ],
    [
      { name: 'faults', state: 'failed', exitCode: 1, durationMs: 1000, counts: { ...counts, failed: 0 } },
      'faults     FAILED  1203 passed, 0 failed, 5 skipped, exit code 1 in 1.0 s',
    ],
    [{ name: 'writer', state: 'not run', reason: 'build failed' }, 'writer     not run: build failed'],
  ];
  for (const [outcome, line] of cases) {
    it(line, () => assert.equal(formatSuiteLine(outcome, 9), line));
  }
});

describe('formatDuration and formatFailure', () => {
  it('says seconds under a minute, minutes and seconds above', () => {
    assert.deepEqual([0, 999, 59_949, 60_000, 305_500].map(formatDuration), [
      '0.0 s',
      '1.0 s',
      '59.9 s',
      '1 min 00 s',
      '5 min 06 s',
    ]);
  });

  it('names the file once, also for a file that failed outside any test', () => {
    const short = (file: string) => file.replace('/repo/', '');
    assert.equal(
      formatFailure('unit', { file: '/repo/tests/a.test.ts', name: 'S > t', error: 'boom' }, short),
      'unit  tests/a.test.ts: S > t: boom',
    );
    assert.equal(
      formatFailure(
        'unit',
        { file: '/repo/tests/a.test.ts', name: '/repo/tests/a.test.ts', error: 'test failed' },
        short,
      ),
      'unit  tests/a.test.ts: test failed',
    );
  });
});
