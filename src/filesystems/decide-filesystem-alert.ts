import { isFailure, type HealthState } from '../heartbeat/health-state.js';

/** An entry that only alerts: nothing to run at its threshold (no `recovery_actions`). */
export function isAlertOnly(filesystem: { recovery_actions: readonly string[] }): boolean {
  return filesystem.recovery_actions.length === 0;
}

/** What an alert-only entry's check tells: it reached the threshold, or is healthy again after it. */
export type FilesystemAlert = 'filesystem_failing' | 'filesystem_healthy';

/**
 * The alert of an entry with nothing to run, as monit alerts: once when the failures in a
 * row reach the threshold (once per run of failures: the count only grows until a healthy
 * check or `off` ends the run), and once at the first healthy check after that. Nothing
 * between, and nothing for a run that ended below the threshold. Pure.
 */
export function decideFilesystemAlert(
  state: HealthState,
  previousFailures: number,
  failures: number,
  threshold: number,
): FilesystemAlert | undefined {
  if (isFailure(state)) return previousFailures < threshold && failures >= threshold ? 'filesystem_failing' : undefined;
  return state === 'healthy' && previousFailures >= threshold ? 'filesystem_healthy' : undefined;
}
