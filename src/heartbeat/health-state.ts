/**
 * Health states as stored in the audit log. The first five are the Python Watchdog's;
 * the others are ours: `invalid_heartbeat` for a heartbeat file that exists but cannot
 * be trusted; `over_limit` for an app whose heartbeat is healthy but that uses more memory
 * or CPU than its resource limits allow (src/limits/); `not_running` for an app checked by
 * `match` alone when no process's command line matches (src/match/); `probe_failed` for an app
 * whose other check passed (or that has none) but whose `health` probe did not answer
 * (src/health/); `check_error` for a check the
 * watchdog itself could not complete (its fault, not the app's); `starting` for a process
 * started moments ago whose first heartbeat is not due yet; `off` for a process turned off
 * by `watchdog off`; `gave_up` for a process the crash-loop guard stopped recovering (until
 * `on` or `reset`). A file system entry (src/filesystems/) fails as `low_space` (less free than
 * its limit), `read_only` (its mount is read-only and must not be) or `fs_unavailable` (its
 * folder is gone, or its device fails).
 */
export const HEALTH_STATES = [
  'healthy',
  'timed_out',
  'no_heartbeat',
  'stale_pid',
  'error_status',
  'invalid_heartbeat',
  'over_limit',
  'not_running',
  'probe_failed',
  'low_space',
  'read_only',
  'fs_unavailable',
  'check_error',
  'starting',
  'off',
  'gave_up',
] as const;

export type HealthState = (typeof HEALTH_STATES)[number];

/** States that say nothing bad about the app, so they never count towards a recovery. */
const NOT_FAILURES: ReadonlySet<HealthState> = new Set(['healthy', 'check_error', 'starting', 'off', 'gave_up']);

/**
 * Whether a state counts towards consecutive failures. `check_error` does not: a fault
 * of the watchdog's own must never lead to an app being killed and restarted.
 */
export function isFailure(state: HealthState): boolean {
  return !NOT_FAILURES.has(state);
}
