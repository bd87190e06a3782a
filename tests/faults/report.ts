// The fault-injection report. Every case of tests/faults records one row, { fault,
// expected, observed, passed }, whether it passes or fails, and `scripts/fault-report.mjs`
// turns the rows of a run into the Markdown table `reports/faults.md` (Fault | Expected |
// Observed | Result, with the date and `uname -r`).
//
// How the rows travel: `scripts/run-tests.mjs`, when a run includes tests/faults, makes a
// fresh temporary folder for the run and hands its `rows.jsonl` to the test processes in
// $WATCHDOG_FAULT_ROWS (and names it in `reports/.faults-run.json` for the final step).
// Each case appends one JSON line there. Run outside that script (plain `node --test`), a
// case still runs and asserts the same, it just records nowhere.
//
// The Observed column is what the case saw, never a fixed string: each case notes its facts
// (exit codes, the state and reason from the audit database, the signals the bystanders
// got) on an Observation as it reads them, before it asserts on them. A case that fails,
// even before it got to note anything, still records its row, marked FAIL, with the error.
import { appendFileSync } from 'node:fs';

/** The environment variable naming the JSON-lines file of the current run. */
export const FAULT_ROWS_ENV = 'WATCHDOG_FAULT_ROWS';

/** One row of the report. */
export interface FaultRow {
  /** Orders the table: the case letter and number, as in the suite's brief (`a.3`, `h.1`). */
  id: string;
  /** The fault injected, in a few words. */
  fault: string;
  /** What the project guarantees for it. */
  expected: string;
  /** What the case saw: built from its own observations. */
  observed: string;
  passed: boolean;
}

/** Appends one row to the run's rows file; does nothing outside a run of scripts/run-tests.mjs. */
export function recordFault(row: FaultRow): void {
  const rowsFile = process.env[FAULT_ROWS_ENV];
  if (rowsFile === undefined || rowsFile === '') return;
  // One short line per append: O_APPEND keeps lines from concurrent test files whole.
  appendFileSync(rowsFile, `${JSON.stringify(row)}\n`);
}

/** What a case saw, fact by fact, in the order it saw them: the Observed column. */
export class Observation {
  readonly #facts: string[] = [];

  /** Notes one fact: `label value`, or just `label` (for facts that are a phrase). */
  note(label: string, value?: unknown): void {
    this.#facts.push(value === undefined ? label : `${label} ${formatValue(value)}`);
  }

  text(): string {
    return this.#facts.length === 0 ? '(nothing observed)' : this.#facts.join('; ');
  }
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string'))
    return value.length === 0 ? 'none' : value.join(', ');
  return JSON.stringify(value) ?? String(value);
}

/**
 * Runs one fault case and records its row: passed when `body` returns, failed (with the
 * first line of the error) when it throws, which it rethrows so the test fails too.
 */
export async function faultCase(
  id: string,
  fault: string,
  expected: string,
  body: (seen: Observation) => Promise<void> | void,
): Promise<void> {
  const seen = new Observation();
  try {
    await body(seen);
  } catch (error) {
    recordFault({ id, fault, expected, observed: `${seen.text()}; FAILED: ${firstLine(error)}`, passed: false });
    throw error;
  }
  recordFault({ id, fault, expected, observed: seen.text(), passed: true });
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n').find((part) => part.trim() !== '') ?? message;
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
