import { isFailure, type HealthState } from '../heartbeat/health-state.js';

/**
 * Consecutive failures after a check, counted as the Python Watchdog counts them: a
 * failure adds one, a healthy check resets, and so does `off` (the app is meant to be
 * down). A check that says nothing about the app leaves the count as it was:
 * `check_error` (the watchdog's own fault) and `starting` (a new instance's first
 * heartbeat is not due yet).
 */
export function nextConsecutiveFailures(previous: number, state: HealthState): number {
  if (state === 'check_error' || state === 'starting') return previous;
  return isFailure(state) ? previous + 1 : 0;
}

/** A recovery is due when this check failed and the consecutive failures reached the threshold. */
export function isRecoveryDue(state: HealthState, consecutiveFailures: number, threshold: number): boolean {
  return isFailure(state) && consecutiveFailures >= threshold;
}
