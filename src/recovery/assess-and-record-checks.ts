import type { ProcessConfig } from '../config/types.js';
import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import { isFailure } from '../heartbeat/health-state.js';
import type { Store } from '../store/open-store.js';
import { readProcessState } from '../store/read-state.js';
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

export interface CheckToRecord {
  process: AssessedProcess & Pick<ProcessConfig, 'key'>;
  verdict: HealthVerdict;
  /** What the key is (default `process`): a state recorded for the other kind starts afresh. */
  kind?: SubjectKind | undefined;
}

export interface RecordedCheck extends Assessment {
  processKey: string;
  /** The `check_history` row, so a recovery can be linked to the check that triggered it. */
  historyId: number;
  /** The failures in a row before this check, as the transaction read them. */
  previousConsecutiveFailures: number;
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
): RecordedCheck[] {
  const nowMs = Date.parse(checkedAt);
  return db
    .transaction((): RecordedCheck[] =>
      checks.map(({ process, verdict: checked, kind = 'process' }) => {
        let row = readProcessState(db, process.key);
        if (row !== undefined && row.subject_kind !== kind) {
          const was = row.subject_kind;
          if (was === null || was === undefined) setSubjectKind(db, process.key, kind);
          else startSubjectAfresh(db, process.key, was, kind, checkedAt);
          row = readProcessState(db, process.key);
        }
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
        const historyId = recordCheck(db, record);
        // A row made by this check: it says what the key is from now on.
        if (row === undefined) setSubjectKind(db, process.key, kind);
        return {
          ...assessment,
          processKey: process.key,
          historyId,
          previousConsecutiveFailures: row?.consecutive_failures ?? 0,
        };
      }),
    )
    .immediate();
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
