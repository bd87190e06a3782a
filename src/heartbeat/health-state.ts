/**
 * Health states as stored in the audit log. The first five are the Python Watchdog's;
 * `invalid_heartbeat` is ours, for a heartbeat file that exists but cannot be trusted;
 * `check_error` is ours too, for a check the watchdog itself could not complete (its
 * fault, not the app's).
 */
export const HEALTH_STATES = [
  'healthy',
  'timed_out',
  'no_heartbeat',
  'stale_pid',
  'error_status',
  'invalid_heartbeat',
  'check_error',
] as const;

export type HealthState = (typeof HEALTH_STATES)[number];

/**
 * Whether a state counts towards consecutive failures. `check_error` does not: a fault
 * of the watchdog's own must never lead to an app being killed and restarted.
 */
export function isFailure(state: HealthState): boolean {
  return state !== 'healthy' && state !== 'check_error';
}
