// @ts-check
// The end of `npm test`: counting the results of a test suite (the JSON lines of
// scripts/test-results-reporter.mjs) and writing one summary line per suite. Pure functions
// of their input, tested by tables in tests/scripts/test-summary.test.ts.

/**
 * One line of scripts/test-results-reporter.mjs.
 * @typedef {{ passed: boolean, name: string, nesting: number, file?: string, suite: boolean,
 *   skip: boolean, todo: boolean, failureType?: string, error?: string }} TestResult
 */

/**
 * A failed test, named by its suites and itself (`suite > inner > test`).
 * @typedef {{ file: string | undefined, name: string, error: string | undefined }} FailedTest
 */

/**
 * @typedef {{ passed: number, failed: number, skipped: number, todo: number, failures: FailedTest[] }} TestCounts
 */

/**
 * Counts tests (not suites) and names the failed ones. A suite is named (and counted) only
 * when it failed by itself (a hook, or code outside its tests), not because a test in it
 * failed; a test cancelled with its suite is counted but not named again; a file that fails
 * outside any test is named by its path.
 *
 * Node reports a test when it ends, so a suite's children come before it: a failure waits
 * for the names of its enclosing suites, added as those suites end.
 * @param {readonly TestResult[]} results in the order the runner reported them
 * @returns {TestCounts}
 */
export function countResults(results) {
  const counts = { passed: 0, failed: 0, skipped: 0, todo: 0 };
  /** @type {FailedTest[]} */
  const failures = [];
  /** @type {Map<string, { names: string[], nesting: number, failure: FailedTest }[]>} */
  const waiting = new Map();

  for (const result of results) {
    const open = waiting.get(result.file ?? '') ?? [];
    for (const entry of open) {
      if (entry.nesting !== result.nesting + 1) continue;
      entry.names.unshift(result.name);
      entry.nesting = result.nesting;
    }
    const failedItself =
      !result.passed && !result.todo && (result.suite ? result.failureType !== 'subtestsFailed' : true);
    if (result.todo) counts.todo += 1;
    else if (result.suite) counts.failed += failedItself ? 1 : 0;
    else if (!result.passed) counts.failed += 1;
    else if (result.skip) counts.skipped += 1;
    else counts.passed += 1;
    if (failedItself && result.failureType !== 'cancelledByParent') {
      const failure = { file: result.file, name: result.name, error: result.error };
      failures.push(failure);
      open.push({ names: [result.name], nesting: result.nesting, failure });
    }
    for (const entry of open) entry.failure.name = entry.names.join(' > ');
    waiting.set(
      result.file ?? '',
      open.filter((entry) => entry.nesting > 0),
    );
  }
  return { ...counts, failures };
}

/**
 * What became of one suite of `npm test`.
 * @typedef {{ name: string, durationMs?: number, log?: string } & (
 *   | { state: 'passed' | 'failed', exitCode: number, counts?: TestCounts }
 *   | { state: 'not run', reason: string }
 * )} SuiteOutcome
 */

/**
 * One line: `unit       FAILED   1203 passed, 2 failed, 5 skipped in 3 min 12 s (test-results/unit.tap)`.
 * @param {SuiteOutcome} outcome
 * @param {number} nameWidth
 */
export function formatSuiteLine(outcome, nameWidth) {
  const name = outcome.name.padEnd(nameWidth);
  if (outcome.state === 'not run') return `${name}  not run: ${outcome.reason}`;
  const duration = outcome.durationMs === undefined ? undefined : formatDuration(outcome.durationMs);
  /** @type {string[]} */
  const what = [];
  if (outcome.counts !== undefined) what.push(describeCounts(outcome.counts));
  // Say the exit code when the counts do not explain the failure (or there are none).
  if (outcome.state === 'failed' && (outcome.counts === undefined || outcome.counts.failed === 0))
    what.push(`exit code ${outcome.exitCode}`);
  let line = `${name}  ${outcome.state === 'passed' ? 'ok    ' : 'FAILED'}  ${what.join(', ')}`;
  if (duration !== undefined)
    line += what.length === 0 ? duration : ` ${outcome.counts === undefined ? 'after' : 'in'} ${duration}`;
  if (outcome.log !== undefined) line += ` (${outcome.log})`;
  return line.trimEnd();
}

/** @param {TestCounts} counts */
export function describeCounts(counts) {
  const parts = [`${counts.passed} passed`, `${counts.failed} failed`, `${counts.skipped} skipped`];
  if (counts.todo > 0) parts.push(`${counts.todo} todo`);
  return parts.join(', ');
}

/** @param {number} ms */
export function formatDuration(ms) {
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
}

/**
 * A failed test as one line: `suite  file: a > b > test: first line of the error`.
 * @param {string} suite
 * @param {FailedTest} failure
 * @param {(file: string) => string} [relativeTo] shortens the file's path
 */
export function formatFailure(suite, failure, relativeTo = (file) => file) {
  const where = failure.file === undefined ? '' : `${relativeTo(failure.file)}: `;
  const named = failure.file !== undefined && failure.name === failure.file ? '' : failure.name;
  const error = failure.error === undefined ? '' : `${named === '' ? '' : ': '}${failure.error}`;
  return `${suite}  ${where}${named}${error}`;
}
