import { isFailure, type HealthState } from '../heartbeat/health-state.js';

/**
 * Consecutive failures after a check, counted as the Python Watchdog counts them: a
 * failure adds one, a healthy check resets. A check the watchdog could not complete
 * (`check_error`) leaves the count as it was: it says nothing about the app.
 */
export function nextConsecutiveFailures(previous: number, state: HealthState): number {
  if (state === 'check_error') return previous;
  return isFailure(state) ? previous + 1 : 0;
}

/** A recovery is due when this check failed and the consecutive failures reached the threshold. */
export function isRecoveryDue(state: HealthState, consecutiveFailures: number, threshold: number): boolean {
  return isFailure(state) && consecutiveFailures >= threshold;
}
