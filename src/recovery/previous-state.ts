import {
  readProcessState,
  readRecentRecoveries,
  type ProcessStateRow,
  type RecentRecoveryRow,
} from '../store/read-state.js';
import { startedInstanceOf } from '../store/process-control.js';
import type { Store } from '../store/open-store.js';
import { NO_PREVIOUS_STATE, NO_RECOVERIES, type PreviousState } from './assess-check.js';
import { budgetOf, type GuardClock, type PastRecovery, type RecoveryBudget } from './crash-loop-guard.js';

/** The columns of `process_state` a new check is weighed against. */
export type PreviousRow = Pick<
  ProcessStateRow,
  'off_since' | 'off_by' | 'started_at' | 'grace_until' | 'gave_up_at' | 'gave_up_reason'
> &
  Partial<
    Pick<ProcessStateRow, 'started_boot_id' | 'started_uptime_seconds' | 'started_pid' | 'started_pid_start_ticks'>
  > & {
    consecutive_failures: number | null;
  };

/** The part of a process's state a new check is weighed against, with its recent recoveries. */
export function previousStateOf(row: PreviousRow | undefined, budget: RecoveryBudget = NO_RECOVERIES): PreviousState {
  if (row === undefined) return { ...NO_PREVIOUS_STATE, budget };
  return {
    consecutiveFailures: row.consecutive_failures ?? 0,
    offSince: row.off_since,
    offBy: row.off_by,
    startedAt: row.started_at,
    graceUntil: row.grace_until,
    startedBootId: row.started_boot_id ?? null,
    startedUptimeSeconds: row.started_uptime_seconds ?? null,
    startedInstance: startedInstanceOf({
      started_pid: row.started_pid ?? null,
      started_pid_start_ticks: row.started_pid_start_ticks ?? null,
      started_boot_id: row.started_boot_id ?? null,
    }),
    gaveUpAt: row.gave_up_at,
    gaveUpReason: row.gave_up_reason,
    budget,
  };
}

/** How the crash-loop guard's budget is read: now, the window, and the boot clock. */
export interface BudgetTime {
  nowMs: number;
  windowSeconds: number;
  clock?: GuardClock | undefined;
}

/**
 * A process's state as a new check is weighed against it. With `budget`, its recent
 * recoveries too, for the crash-loop guard; without, none (a manual command's own check,
 * which the guard does not hold back).
 */
export function readPreviousState(db: Store, processKey: string, budget?: BudgetTime): PreviousState {
  const row = readProcessState(db, processKey);
  if (budget === undefined) return previousStateOf(row);
  return previousStateOf(
    row,
    readRecoveryBudget(db, processKey, { ...budget, countedSince: row?.recoveries_counted_since ?? null }),
  );
}

/**
 * Cron's recent recoveries of a process, as the crash-loop guard weighs them: those
 * within the window, and the failures in a row before them.
 */
export function readRecoveryBudget(
  db: Store,
  processKey: string,
  { nowMs, windowSeconds, countedSince, clock }: BudgetTime & { countedSince: string | null },
): RecoveryBudget {
  return recoveryBudgetOf(readRecentRecoveries(db, processKey), { nowMs, windowSeconds, countedSince, clock });
}

function recoveryBudgetOf(
  rows: readonly RecentRecoveryRow[],
  { nowMs, windowSeconds, countedSince, clock }: BudgetTime & { countedSince: string | null },
): RecoveryBudget {
  const recoveries: PastRecovery[] = rows.map((row) => ({
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    outcome: row.outcome,
    bootId: row.boot_id,
    startedUptimeSeconds: row.started_uptime_seconds,
    finishedUptimeSeconds: row.finished_uptime_seconds,
  }));
  const countedSinceMs = countedSince === null ? undefined : Date.parse(countedSince);
  return budgetOf(recoveries, nowMs, windowSeconds, Number.isNaN(countedSinceMs) ? undefined : countedSinceMs, clock);
}
