// Writes the fault-injection report: one Markdown table row per case of tests/faults
// (Fault | Expected | Observed | Result), with the date and the kernel (`uname -r`).
// scripts/run-tests.mjs writes it when a run that includes tests/faults ends, failed or not:
// to test-results/faults.md (ignored by git) by default, and to the tracked
// reports/faults.md only when asked (`npm run report:faults`, which passes
// `--fault-report=reports/faults.md`), so running the tests leaves the work tree clean.
//
// The rows come from the run: run-tests.mjs calls startFaultRun() to make a fresh
// temporary folder whose rows.jsonl the cases append to (tests/faults/report.ts), and names
// it in reports/.faults-run.json (ignored); writeFaultReport() reads those rows, writes the
// table, and removes the folder and that file.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_RESULTS_DIR } from './test-results-dir.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPORTS_DIR = join(ROOT, 'reports');
/** Names the current run's rows file between the tests and this report. */
const RUN_POINTER = join(REPORTS_DIR, '.faults-run.json');
/** The tracked report, written only on request (`npm run report:faults`). */
export const PUBLISHED_REPORT_PATH = join(REPORTS_DIR, 'faults.md');
/** Where a run writes its report unless asked otherwise: ignored by git. */
export const DEFAULT_REPORT_PATH = join(TEST_RESULTS_DIR, 'faults.md');
/** The environment variable tests/faults/report.ts appends rows to. */
export const FAULT_ROWS_ENV = 'WATCHDOG_FAULT_ROWS';

/**
 * Starts a run: a fresh folder for its rows (a previous run's leftovers are removed first).
 * @param {string[]} testFiles the fault test files the run runs (absolute paths)
 * @returns {{ dir: string, rowsFile: string }}
 */
export function startFaultRun(testFiles) {
  discardFaultRun();
  const dir = mkdtempSync(join(tmpdir(), 'watchdog-faults-'));
  const rowsFile = join(dir, 'rows.jsonl');
  writeFileSync(rowsFile, '', { mode: 0o600 });
  mkdirSync(REPORTS_DIR, { recursive: true });
  const files = testFiles.map((file) => relative(ROOT, file));
  writeFileSync(RUN_POINTER, `${JSON.stringify({ dir, rowsFile, files, startedAt: new Date().toISOString() })}\n`);
  return { dir, rowsFile };
}

/** Removes the current run's folder and pointer, if any. */
function discardFaultRun() {
  const run = readRunPointer();
  if (run === undefined) return;
  // Only a folder this script made: under the temp folder, with our prefix.
  if (
    typeof run.dir === 'string' &&
    dirname(run.dir) === tmpdir() &&
    run.dir.startsWith(join(tmpdir(), 'watchdog-faults-'))
  ) {
    rmSync(run.dir, { recursive: true, force: true });
  }
  rmSync(RUN_POINTER, { force: true });
}

/** @returns {{ dir?: unknown, rowsFile?: unknown, files?: unknown, startedAt?: unknown } | undefined} */
function readRunPointer() {
  if (!existsSync(RUN_POINTER)) return undefined;
  try {
    return JSON.parse(readFileSync(RUN_POINTER, 'utf8'));
  } catch {
    return {};
  }
}

/**
 * @typedef {{ id: string, fault: string, expected: string, observed: string, passed: boolean }} FaultRow
 */

/**
 * Writes the report of the current run to `path` and ends the run.
 * @param {{ testsPassed: boolean, path?: string }} options whether the test run itself passed; where to write
 * @returns {{ path: string, rows: FaultRow[], failed: number }}
 */
export function writeFaultReport({ testsPassed, path = DEFAULT_REPORT_PATH }) {
  const run = readRunPointer();
  if (run === undefined || typeof run.rowsFile !== 'string') {
    throw new Error(
      `no fault-injection run to report (${relative(ROOT, RUN_POINTER)} is missing): run node scripts/run-tests.mjs tests/faults first`,
    );
  }
  const rows = readRows(run.rowsFile);
  const failed = rows.filter((row) => !row.passed).length;
  mkdirSync(dirname(path), { recursive: true });
  const files = Array.isArray(run.files) ? run.files.map(String) : [];
  writeFileSync(path, renderReport(rows, { testsPassed, files, now: new Date() }));
  discardFaultRun();
  return { path, rows, failed };
}

/** @param {string} rowsFile @returns {FaultRow[]} */
function readRows(rowsFile) {
  const text = existsSync(rowsFile) ? readFileSync(rowsFile, 'utf8') : '';
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const row = JSON.parse(line);
      return {
        id: String(row.id),
        fault: String(row.fault),
        expected: String(row.expected),
        observed: String(row.observed),
        passed: row.passed === true,
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

/**
 * @param {FaultRow[]} rows
 * @param {{ testsPassed: boolean, files: string[], now: Date }} context
 */
function renderReport(rows, { testsPassed, files, now }) {
  const failed = rows.filter((row) => !row.passed).length;
  const lines = [
    '# Fault-injection report',
    '',
    `The cases of \`tests/faults/\` (\`npm run test:faults\`), tabled by \`scripts/fault-report.mjs\` on ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    `Kernel: \`${kernelRelease()}\` (\`uname -r\`); Node.js ${process.version}. Every case runs the built \`dist/cli/bin.js\` inside a PID namespace.`,
    `Test files: ${files.map((file) => `\`${file}\``).join(', ') || '(not recorded)'}.`,
    '',
    `**${rows.length} cases: ${rows.length - failed} passed, ${failed} failed.**`,
  ];
  if (!testsPassed) {
    lines.push(
      '',
      'The test run failed: a case that failed before it could record its row is missing here; see the test output.',
    );
  }
  lines.push(
    '',
    '| Fault | Expected | Observed | Result |',
    '|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${cell(`${row.id} ${row.fault}`)} | ${cell(row.expected)} | ${cell(row.observed)} | ${row.passed ? 'pass' : '**FAIL**'} |`,
    ),
    '',
  );
  return lines.join('\n');
}

/** A table cell: one line, pipes escaped. */
function cell(text) {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

function kernelRelease() {
  try {
    return execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();
  } catch {
    return release();
  }
}
