/**
 * Health states as stored in the audit log. The first five are the Python Watchdog's;
 * `invalid_heartbeat` is ours, for a heartbeat file that exists but cannot be trusted.
 */
export const HEALTH_STATES = [
  'healthy',
  'timed_out',
  'no_heartbeat',
  'stale_pid',
  'error_status',
  'invalid_heartbeat',
] as const;

export type HealthState = (typeof HEALTH_STATES)[number];

/** Every state but `healthy` counts towards consecutive failures. */
export function isFailure(state: HealthState): boolean {
  return state !== 'healthy';
}
