import type { Style } from './paint.js';

/**
 * The colour of a process's state: green when healthy; red when the app is failing
 * (the states that count towards a recovery); yellow for what a person should look at but
 * is no failure of the app (starting, given up on, the watchdog's own check error); dim for
 * what is off on purpose or not known yet. Pure.
 */
export function styleOfState(state: string): Style | undefined {
  switch (state) {
    case 'healthy':
      return 'green';
    case 'timed_out':
    case 'no_heartbeat':
    case 'stale_pid':
    case 'error_status':
    case 'invalid_heartbeat':
    case 'over_limit':
    case 'not_running':
    case 'probe_failed':
    case 'low_space':
    case 'read_only':
    case 'fs_unavailable':
      return 'red';
    case 'starting':
    case 'gave_up':
    case 'check_error':
      return 'yellow';
    case 'off':
    case 'disabled':
    case 'unknown':
      return 'dim';
    default:
      return undefined;
  }
}
