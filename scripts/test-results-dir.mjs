// @ts-check
// Where test runs leave what they write: the logs and results of `npm test`'s suites and the
// fault-injection report. Ignored by git (.gitignore), so running the tests changes no
// tracked file; `npm run report:faults` alone writes the tracked reports/faults.md.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPOSITORY = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const TEST_RESULTS_DIR = join(REPOSITORY, 'test-results');
