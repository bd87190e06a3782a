import { isFailure, type HealthState } from '../heartbeat/health-state.js';

/** Consecutive failures after a check, counted as the Python Watchdog counts them: a healthy check resets. */
export function nextConsecutiveFailures(previous: number, state: HealthState): number {
  return isFailure(state) ? previous + 1 : 0;
}

/** A recovery is due once the consecutive failures reach the threshold. */
export function isRecoveryDue(consecutiveFailures: number, threshold: number): boolean {
  return consecutiveFailures >= threshold;
}
