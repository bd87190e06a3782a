import type { ProcessConfig } from '../config/types.js';
import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import { isFailure } from '../heartbeat/health-state.js';
import type { Store } from '../store/open-store.js';
import { readProcessState, type ProcessStateRow } from '../store/read-state.js';
import { setSubjectKind, startSubjectAfresh, type SubjectKind } from '../store/subject-kind.js';
import {
  ACTION_BACKOFF,
  ACTION_GAVE_UP,
  ACTION_RECOVERY_DUE,
  recordCheck,
  type CheckRecord,
} from '../store/record-checks.js';
import { NO_RECOVERIES, type Assessment, type GraceClock } from './assess-check.js';
import { assessProcess, type AssessedProcess } from './assess-process.js';
import { previousStateOf, readRecoveryBudget } from './previous-state.js';
import { foldCheck, isUnchangedCheck } from './fold-check.js';
import type { FoldedRun, FoldedUsage } from '../store/folded-checks.js';

export interface CheckToRecord {
  process: AssessedProcess & Pick<ProcessConfig, 'key'>;
  verdict: HealthVerdict;
  /** What the key is (default `process`): a state recorded for the other kind starts afresh. */
  kind?: SubjectKind | undefined;
  /** What the check measured of an app with resource limits: kept with its run when the check waits in memory. */
  usage?: FoldedUsage | undefined;
}

export interface RecordedCheck extends Assessment {
  processKey: string;
  /** The `check_history` row, so a recovery can be linked to the check that triggered it; `undefined` for a check folded (`unchanged`). */
  historyId: number | undefined;
  /** Set for a check that changed nothing, not written: the run it joins, to wait in memory (docs/storage-writes.md). */
  unchanged?: FoldedRun;
  /** How the check is recorded: its row, should it be written after all (its run could not wait). */
  record: CheckRecord;
  /** The failures in a row before this check, as the transaction read them. */
  previousConsecutiveFailures: number;
}

/** Checks that change nothing may wait in memory instead: folded into the runs waiting now. */
export interface FoldOptions {
  runs: Readonly<Record<string, FoldedRun>>;
}

/**
 * Records one tick's checks in a single immediate transaction: each weighed against the
 * process's previous state (started afresh when it was recorded for a subject of the other
 * kind: a key moved between `processes` and `filesystems`) ({@link assessProcess}: consecutive failures, turned off, start
 * grace, the crash-loop guard) as the transaction reads it, so no other writer comes
 * between what a check is weighed on and what it records. `clock` is the boot clock at the
 * check, so the start grace survives a step of the wall clock.
 */
export function assessAndRecordChecks(
  db: Store,
  checkedAt: string,
  checks: readonly CheckToRecord[],
  clock?: GraceClock,
  fold?: FoldOptions,
): RecordedCheck[] {
  const nowMs = Date.parse(checkedAt);
  return db
    .transaction((): RecordedCheck[] =>
      checks.map((check): RecordedCheck => {
        const { process, kind = 'process' } = check;
        let row = readProcessState(db, process.key);
        if (row !== undefined && row.subject_kind !== kind) {
          const was = row.subject_kind;
          if (was === null || was === undefined) setSubjectKind(db, process.key, kind);
          else startSubjectAfresh(db, process.key, was, kind, checkedAt);
          row = readProcessState(db, process.key);
        }
        const weighed = weighCheck(db, check, row, { checkedAt, nowMs, clock });
        if (fold !== undefined && isUnchangedCheck(row, weighed.record, kind))
          return { ...weighed, unchanged: foldCheck(fold.runs[process.key], row, weighed.record, check.usage) };
        const historyId = recordCheck(db, weighed.record);
        // A row made by this check: it says what the key is from now on.
        if (row === undefined) setSubjectKind(db, process.key, kind);
        return { ...weighed, historyId };
      }),
    )
    .immediate();
}

/**
 * The tick's checks weighed as {@link assessAndRecordChecks} weighs them, reading only: the
 * runs they join when every one of them changes nothing ({@link isUnchangedCheck}), else
 * `undefined` (they are to be recorded). Most ticks of a healthy device end here, writing
 * nothing to the database.
 */
export function assessUnchangedChecks(
  db: Store,
  checkedAt: string,
  checks: readonly CheckToRecord[],
  clock: GraceClock | undefined,
  fold: FoldOptions,
): RecordedCheck[] | undefined {
  const nowMs = Date.parse(checkedAt);
  return db
    .transaction((): RecordedCheck[] | undefined => {
      const unchanged: RecordedCheck[] = [];
      for (const check of checks) {
        const row = readProcessState(db, check.process.key);
        const weighed = weighCheck(db, check, row, { checkedAt, nowMs, clock });
        if (!isUnchangedCheck(row, weighed.record, check.kind ?? 'process')) return undefined;
        unchanged.push({
          ...weighed,
          unchanged: foldCheck(fold.runs[check.process.key], row, weighed.record, check.usage),
        });
      }
      return unchanged;
    })
    .deferred();
}

/** One check weighed against its key's row (read in the caller's transaction), not recorded yet. */
function weighCheck(
  db: Store,
  { process, verdict: checked }: CheckToRecord,
  row: ProcessStateRow | undefined,
  { checkedAt, nowMs, clock }: { checkedAt: string; nowMs: number; clock: GraceClock | undefined },
): RecordedCheck {
  // The crash-loop guard weighs past recoveries only for a failing check: a healthy one
  // (most of them, most ticks) needs no query.
  const budget = isFailure(checked.state)
    ? readRecoveryBudget(db, process.key, {
        nowMs,
        windowSeconds: process.recovery_window_seconds,
        countedSince: row?.recoveries_counted_since ?? null,
        clock,
      })
    : NO_RECOVERIES;
  const assessment = assessProcess(process, checked, previousStateOf(row, budget), { nowMs, clock });
  const record = checkRecordOf(assessment, {
    processKey: process.key,
    checkedAt,
    dueSince: row?.recovery_due_since ?? null,
  });
  return {
    ...assessment,
    processKey: process.key,
    historyId: undefined,
    record,
    previousConsecutiveFailures: row?.consecutive_failures ?? 0,
  };
}

/** How an assessment is recorded: the action it took, and since when a recovery is due. */
function checkRecordOf(
  assessment: Assessment,
  { processKey, checkedAt, dueSince }: { processKey: string; checkedAt: string; dueSince: string | null },
): CheckRecord {
  const { verdict, consecutiveFailures, recoveryDue, guard } = assessment;
  // A recovery that waits for its backoff is still due: it keeps the check that first found it due.
  const waiting = guard?.kind === 'backoff';
  return {
    processKey,
    checkedAt,
    verdict,
    heartbeatState: assessment.checked.state,
    consecutiveFailures,
    actionTaken: recoveryDue
      ? ACTION_RECOVERY_DUE
      : guard?.kind === 'backoff'
        ? ACTION_BACKOFF
        : guard?.kind === 'give_up'
          ? ACTION_GAVE_UP
          : null,
    recoveryDueSince: recoveryDue || waiting ? (dueSince ?? checkedAt) : null,
    gaveUpReason: guard?.kind === 'give_up' ? guard.reason : undefined,
  };
}
