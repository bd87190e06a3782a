// @ts-check
// A reporter for Node's test runner that writes the full TAP log to its destination and, to
// the file named in $WATCHDOG_TEST_RESULTS, one JSON line per finished test or suite: what
// scripts/test-summary.mjs counts and names in `npm test`'s summary, so nobody has to read
// the TAP for it. One reporter for both because Node 20 warns (MaxListenersExceededWarning)
// when a run has three reporters: this one, the TAP log and the terminal's.
import { createWriteStream } from 'node:fs';
import { tap } from 'node:test/reporters';

/** The environment variable naming the JSON-lines file (scripts/run-tests.mjs sets it). */
export const TEST_RESULTS_ENV = 'WATCHDOG_TEST_RESULTS';

/**
 * @param {AsyncIterable<{ type: string, data: any }>} source the runner's events
 * @returns {AsyncGenerator<string>}
 */
export default async function* testResultsReporter(source) {
  const file = process.env[TEST_RESULTS_ENV];
  const out = file === undefined || file === '' ? undefined : createWriteStream(file);
  /** @returns {AsyncGenerator<{ type: string, data: any }>} */
  async function* recorded() {
    for await (const event of source) {
      const line = describe(event);
      if (line !== undefined) out?.write(line);
      yield event;
    }
  }
  try {
    yield* tap(/** @type {any} */ (recorded()));
  } finally {
    await new Promise((done) => (out === undefined ? done(undefined) : out.end(done)));
  }
}

/** @param {{ type: string, data: any }} event @returns {string | undefined} */
function describe(event) {
  if (event.type !== 'test:pass' && event.type !== 'test:fail') return undefined;
  const { data } = event;
  const error = data.details?.error;
  return `${JSON.stringify({
    passed: event.type === 'test:pass',
    name: String(data.name),
    nesting: Number(data.nesting),
    file: typeof data.file === 'string' ? data.file : undefined,
    suite: data.details?.type === 'suite',
    skip: data.skip !== undefined && data.skip !== false,
    todo: data.todo !== undefined && data.todo !== false,
    failureType: error?.failureType,
    error: error === undefined ? undefined : startOf(error.cause ?? error),
  })}\n`;
}

/**
 * The start of the message on one line: an assertion's first line alone says only
 * "Expected values to be strictly equal:", the values follow it.
 * @param {unknown} error
 */
function startOf(error) {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
  return message.length > 200 ? `${message.slice(0, 197)}...` : message;
}
