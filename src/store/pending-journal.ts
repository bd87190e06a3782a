import { statSync } from 'node:fs';
import { KEPT_UNLESS_SET, readJournal, journalRowCount, type Journal } from './journal.js';
import type { ProcessStateRow } from './read-state.js';
import { formatCount } from '../display/format-count.js';

/**
 * What waits in the journal, as `status` shows it: rows a degraded run kept because the
 * database could not take them. Its `process_state` rows are newer than the database's
 * (a later run writes them over it), so an `off` or `on` there is the truth already.
 */
export type PendingJournal =
  | { kind: 'none' }
  | {
      kind: 'pending';
      path: string;
      rows: number;
      droppedChecks: number;
      states: Map<string, ProcessStateRow>;
      /** `false`: written by a run that knew no state; its empty `off`/`gave_up`/start columns say nothing. */
      stateKnown: boolean;
      /** All of it, for what is read with its rows applied (src/store/journal-applied.ts). */
      journal: Journal;
    }
  | { kind: 'unreadable'; path: string; reason: string };

/** Reads the journal at `path` for `status`; never writes or moves it. */
export function readPendingJournal(path: string): PendingJournal {
  const read = readJournal(path);
  if (read.kind === 'none') return read;
  if (read.kind === 'unusable') return { kind: 'unreadable', path, reason: read.reason };
  const rows = (read.journal.tables.process_state ?? []) as unknown as ProcessStateRow[];
  const states = new Map(
    rows
      .filter((row) => typeof row.process_key === 'string')
      .map((row) => [row.process_key, { ...row, consecutive_failures: row.consecutive_failures ?? 0 }]),
  );
  return {
    kind: 'pending',
    path,
    rows: journalRowCount(read.journal),
    droppedChecks: read.journal.droppedChecks,
    states,
    stateKnown: read.journal.stateKnown !== false,
    journal: read.journal,
  };
}

/**
 * What waits in the journal or its fallback (`fallback_journal_path`): the newer of the two
 * when both are there (a run that wrote one had read the other), the one there is, or the
 * first that cannot be read.
 */
export function readPendingJournals(paths: readonly string[]): PendingJournal {
  const found = paths.map((path) => ({ pending: readPendingJournal(path), mtimeMs: mtimeOf(path) }));
  const pending = found.filter(({ pending }) => pending.kind === 'pending').sort((a, b) => b.mtimeMs - a.mtimeMs);
  return (pending[0] ?? found.find(({ pending }) => pending.kind === 'unreadable'))?.pending ?? { kind: 'none' };
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** The database's process states with the journal's over them; `fromJournal`: the keys the journal decided, in order. */
export function withJournal(
  states: ReadonlyMap<string, ProcessStateRow>,
  pending: PendingJournal,
): { states: Map<string, ProcessStateRow>; fromJournal: string[] } {
  const merged = new Map(states);
  if (pending.kind !== 'pending') return { states: merged, fromJournal: [] };
  const fromJournal: string[] = [];
  for (const [key, row] of pending.states) {
    const under = states.get(key);
    // As the database will take it (applyJournal): a run that knew no state empties nothing.
    const kept =
      pending.stateKnown || under === undefined
        ? row
        : (Object.fromEntries(
            Object.entries(row).map(([name, value]) => [
              name,
              KEPT_UNLESS_SET.has(name) && value === null ? (under as unknown as Record<string, unknown>)[name] : value,
            ]),
          ) as unknown as ProcessStateRow);
    merged.set(key, kept);
    fromJournal.push(key);
  }
  return { states: merged, fromJournal };
}

/** The journal as `status --json` prints it: `null` when there is none. */
export interface JournalStatus {
  path: string;
  /** Rows waiting to be written to the database; `null` when the journal cannot be read. */
  pending_rows: number | null;
  dropped_checks: number | null;
  /** The processes whose state shown comes from the journal. */
  processes: string[];
  note: string;
}

/** What `status` says of the journal, or `null` when there is none. */
export function journalStatusOf(pending: PendingJournal, fromJournal: readonly string[]): JournalStatus | null {
  if (pending.kind === 'none') return null;
  if (pending.kind === 'unreadable') {
    return {
      path: pending.path,
      pending_rows: null,
      dropped_checks: null,
      processes: [],
      note: `the journal cannot be read (${pending.reason}): an off or on kept there may not show`,
    };
  }
  const whose =
    fromJournal.length === 0
      ? ''
      : `; the state of ${fromJournal.join(', ')} is from it, the truth until the database takes it`;
  const dropped =
    pending.droppedChecks > 0 ? ` (${formatCount(pending.droppedChecks, 'older check row')} left out)` : '';
  return {
    path: pending.path,
    pending_rows: pending.rows,
    dropped_checks: pending.droppedChecks,
    processes: [...fromJournal],
    note: `${formatCount(pending.rows, 'row')} ${pending.rows === 1 ? 'waits' : 'wait'} in the journal${dropped}${whose}`,
  };
}
