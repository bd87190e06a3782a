import type { ProcessConfig } from '../config/types.js';
import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import {
  assessCheck,
  NO_CRASH_LOOP_LIMITS,
  type Assessment,
  type GraceClock,
  type PreviousState,
} from './assess-check.js';
import { crashLoopLimitsOf } from './crash-loop-guard.js';

/** What of a process's config weighs a check: the threshold and the crash-loop guard's limits. */
export type AssessedProcess = Pick<
  ProcessConfig,
  'consecutive_failures_threshold' | 'max_recoveries' | 'recovery_window_seconds' | 'recovery_backoff_seconds'
> & {
  /**
   * Nothing runs at the threshold (a file system entry without `recovery_actions`, see
   * `isAlertOnly`): no recovery is ever due, so the crash-loop guard weighs none and never
   * gives up; the failures are only counted, for the alert.
   */
  alertOnly?: boolean | undefined;
  /** What the reasons of `off` and `gave_up` call the check behind them: `heartbeat` unless set (a file system entry's is `check`). */
  checkLabel?: string | undefined;
};

/** When a check is weighed: the wall clock, and the boot clock the start grace is judged on (`graceClockOf`). */
export interface AssessmentTime {
  nowMs: number;
  clock?: GraceClock | undefined;
}

/**
 * The one decision on a process's fresh check, whoever asks (the tick, `on`, `restart`,
 * the dry runs, the state a command or a recovery leaves): weighed against its previous state,
 * the check says how many failures in a row, whether a recovery is due, whether the
 * crash-loop guard holds it back or gives up, and whether the process is `off` or `starting`
 * (see {@link assessCheck}). Pure.
 */
export function assessProcess(
  process: AssessedProcess,
  checked: HealthVerdict,
  previous: PreviousState,
  { nowMs, clock }: AssessmentTime,
): Assessment {
  if (process.alertOnly === true) {
    // A give-up recorded before the entry lost its recovery_actions holds back no recovery now.
    const counted = { ...previous, gaveUpAt: null, gaveUpReason: null };
    const assessed = assessCheck(
      checked,
      counted,
      process.consecutive_failures_threshold,
      nowMs,
      NO_CRASH_LOOP_LIMITS,
      clock,
      process.checkLabel,
    );
    return { ...assessed, recoveryDue: false };
  }
  return assessCheck(
    checked,
    previous,
    process.consecutive_failures_threshold,
    nowMs,
    crashLoopLimitsOf(process),
    clock,
    process.checkLabel,
  );
}
