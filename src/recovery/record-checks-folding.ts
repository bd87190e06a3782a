import { recordCheck } from '../store/record-checks.js';
import type { AuditWriter } from '../store/audit-writer.js';
import type { FoldedRun } from '../store/folded-checks.js';
import type { GraceClock } from './assess-check.js';
import {
  assessAndRecordChecks,
  assessUnchangedChecks,
  type CheckToRecord,
  type RecordedCheck,
} from './assess-and-record-checks.js';

/**
 * Weighs and records a tick's checks, letting those that change nothing wait in memory,
 * folded into runs (docs/storage-writes.md): when every check is unchanged the database is
 * only read; otherwise the changed ones are written in one transaction (after the runs
 * waiting so far), and the unchanged ones wait. A run that reaches `maxFoldedChecks` checks
 * is written at once; checks whose run cannot wait (no file in memory, a stand-in) are
 * written as rows.
 */
export function recordChecksFolding(
  audit: AuditWriter,
  checkedAt: string,
  checks: readonly CheckToRecord[],
  { clock, maxFoldedChecks }: { clock?: GraceClock | undefined; maxFoldedChecks: number },
): RecordedCheck[] {
  const waiting = maxFoldedChecks > 1 ? audit.folded?.runs : undefined;
  if (waiting === undefined || audit.fold === undefined)
    return audit.write((db) => assessAndRecordChecks(db, checkedAt, checks, clock));
  const unchanged = assessUnchangedChecks(audit.db, checkedAt, checks, clock, { runs: waiting });
  if (unchanged !== undefined && foldRuns(audit, unchanged, maxFoldedChecks)) return unchanged;
  // The write's transaction begins by writing every run waiting so far: an unchanged check
  // of this tick begins a run of its own.
  const recorded = audit.write((db) =>
    assessAndRecordChecks(db, checkedAt, checks, clock, unchanged === undefined ? { runs: {} } : undefined),
  );
  const folded = recorded.filter((check) => check.unchanged !== undefined);
  if (folded.length === 0 || foldRuns(audit, folded, maxFoldedChecks)) return recorded;
  const ids = new Map(
    audit.write((db) => folded.map((check) => [check.processKey, recordCheck(db, check.record)] as const)),
  );
  return recorded.map((check) =>
    check.unchanged === undefined ? check : { ...check, unchanged: undefined, historyId: ids.get(check.processKey) },
  );
}

/** Lets the checks' runs wait in memory; the runs that reached `max` checks are written now. `false` when they cannot wait. */
function foldRuns(audit: AuditWriter, checks: readonly RecordedCheck[], max: number): boolean {
  const runs: Record<string, FoldedRun> = {};
  for (const check of checks) if (check.unchanged !== undefined) runs[check.processKey] = check.unchanged;
  if (audit.fold?.(runs) !== true) return false;
  if (Object.values(runs).some((run) => run.count >= max)) audit.flushFolded?.();
  return true;
}
