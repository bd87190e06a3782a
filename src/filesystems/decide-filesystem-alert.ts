import { isFailure, type HealthState } from '../heartbeat/health-state.js';

/** An entry that only alerts: nothing to run at its threshold (no `recovery_actions`). */
export function isAlertOnly(filesystem: { recovery_actions: readonly string[] }): boolean {
  return filesystem.recovery_actions.length === 0;
}

/** What an alert-only entry's check tells: it reached the threshold, or is healthy again after it. */
export type FilesystemAlert = 'filesystem_failing' | 'filesystem_healthy';

/** What the entry's state said before this check. */
export interface AlertBefore {
  /**
   * Whether `filesystem_failing` was raised and no `filesystem_healthy` since (the state's
   * flag); `undefined` for a row written before the flag was kept.
   */
  open: boolean | undefined;
  /** The failures in a row before this check. */
  previousFailures: number;
}

/**
 * The alert of an entry with nothing to run, as monit alerts: once when the failures in a
 * row reach the threshold while no alert is open, and once at the first healthy check while
 * one is. Nothing between, and nothing for a run that ended below the threshold. An alert is
 * open by its own flag, not by the count: `reset`, `off` and `on` zero the count and a new
 * threshold moves the mark, and none of them tells that the disk has space again. A row from
 * before the flag counts as open when its count had reached the threshold. Pure.
 */
export function decideFilesystemAlert(
  state: HealthState,
  before: AlertBefore,
  failures: number,
  threshold: number,
): FilesystemAlert | undefined {
  const open = before.open ?? before.previousFailures >= threshold;
  if (isFailure(state)) return !open && failures >= threshold ? 'filesystem_failing' : undefined;
  return state === 'healthy' && open ? 'filesystem_healthy' : undefined;
}
