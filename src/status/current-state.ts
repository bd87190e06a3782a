import type { HealthState } from '../heartbeat/health-state.js';
import { TRUSTED_LIVE } from '../recovery/decide-start.js';
import { startedInstanceOf, type StartedInstance } from '../store/process-control.js';
import type { ProcessStateRow } from '../store/read-state.js';

/** What `status` shows of a process's state, from what the audit log holds. */
export interface CurrentState {
  state: string;
  reason: string | null;
  /** The app's PID: one a trusted heartbeat proved live, or the instance the watchdog started while it still runs. */
  pid: number | null;
  /** How that PID is known to be the app (as stored: `start_time,user`, `pid`), `null` without one. */
  identity: string | null;
  heartbeat_age_seconds: number | null;
  heartbeat_timestamp: string | null;
  heartbeat_status: string | null;
  iteration: number | null;
  /** The heartbeat's own state behind `state`. */
  heartbeat_state: string | null;
  /** The PID the heartbeat named, whatever it is (dead, another process, untrusted). */
  heartbeat_pid: number | null;
  /** The instance the watchdog last started, while that same process (PID, start time, boot) still runs. */
  started_pid: number | null;
  /** What recorded the state: `check`, or a person's command after the last check (`on`, `off`...). */
  state_source: string | null;
  state_at: string | null;
}

/** The columns of `process_state` the current state is read from. */
export type StateRow = Pick<
  ProcessStateRow,
  | 'last_health'
  | 'last_reason'
  | 'last_pid'
  | 'last_identity'
  | 'last_heartbeat_age_seconds'
  | 'last_heartbeat_ts'
  | 'last_heartbeat_status'
  | 'last_iteration'
  | 'last_check_at'
  | 'off_since'
  | 'off_by'
  | 'gave_up_at'
  | 'started_pid'
  | 'started_pid_start_ticks'
  | 'started_boot_id'
> &
  Partial<Pick<ProcessStateRow, 'last_heartbeat_state' | 'last_state_at' | 'last_state_source'>>;

/** States a check records around the heartbeat's own. */
const WRAPPING: ReadonlySet<string> = new Set(['off', 'starting', 'gave_up']);

/**
 * A process's state as `status` shows it: the newest the audit log knows (the last check,
 * or what a person's command left after it), and never a process that is not the app
 * shown as the app. `isAlive` says whether a recorded started instance is still that
 * process (read from the process table when `status` runs).
 *
 * - `off` is shown as soon as it is set, even by a command that stopped before recording more.
 * - An `off` or `gave_up` recorded before a person cleared it shows the heartbeat's state behind it.
 * - The PID is one a trusted heartbeat proved live (healthy, timed out, error status, or
 *   healthy behind a failed health probe), else
 *   the started instance while it still runs, else none: a dead PID, or one that another
 *   process took, is `heartbeat_pid`, never `pid`.
 * - A process turned off shows no heartbeat facts unless its heartbeat names the live app
 *   (the off could not stop it): a heartbeat left behind says nothing of an app that is off.
 */
export function currentStateOf(row: StateRow, isAlive: (instance: StartedInstance) => boolean): CurrentState {
  const recorded = row.last_health;
  const behind = row.last_heartbeat_state ?? (recorded !== null && !WRAPPING.has(recorded) ? recorded : null);
  const off = row.off_since !== null;
  const started = startedInstanceOf(row);
  const startedPid = started !== undefined && isAlive(started) ? started.pid : null;
  // A failed probe behind a heartbeat keeps the PID that heartbeat proved live (healthy before
  // the probe), the one `kill` stops; with `health` alone no PID is recorded.
  const heartbeatLive =
    behind !== null &&
    (TRUSTED_LIVE.has(behind as HealthState) || (behind === 'probe_failed' && row.last_pid !== null));
  const pid = heartbeatLive && row.last_pid !== null ? row.last_pid : startedPid;
  const { state, reason } = stateAndReason(
    row,
    behind,
    started !== undefined && startedPid === null ? started.pid : undefined,
  );
  const heartbeatShown = !off || heartbeatLive;
  return {
    state,
    reason,
    pid,
    identity: pid === null ? null : pid === row.last_pid && heartbeatLive ? row.last_identity : 'start_time',
    heartbeat_age_seconds: heartbeatShown ? row.last_heartbeat_age_seconds : null,
    heartbeat_timestamp: heartbeatShown ? row.last_heartbeat_ts : null,
    heartbeat_status: heartbeatShown ? row.last_heartbeat_status : null,
    iteration: heartbeatShown ? row.last_iteration : null,
    heartbeat_state: behind,
    heartbeat_pid: row.last_pid,
    started_pid: startedPid,
    state_source: row.last_state_source ?? (row.last_check_at === null ? null : 'check'),
    state_at: row.last_state_at ?? row.last_check_at,
  };
}

function stateAndReason(
  row: StateRow,
  behind: string | null,
  exitedPid: number | undefined,
): { state: string; reason: string | null } {
  const recorded = row.last_health;
  if (row.off_since !== null) {
    // Recorded while off: its reason says who turned it off and what the heartbeat said then.
    if (recorded === 'off') return { state: 'off', reason: row.last_reason };
    return { state: 'off', reason: `turned off${row.off_by === null ? '' : ` by ${row.off_by}`} at ${row.off_since}` };
  }
  if ((recorded === 'off' || (recorded === 'gave_up' && row.gave_up_at === null)) && recorded !== null) {
    const cleared = recorded === 'off' ? 'turned on' : 'recoveries resumed';
    return {
      state: behind ?? 'unknown',
      reason: `${cleared} since this was recorded; the heartbeat then: ${behind ?? 'unknown'}`,
    };
  }
  if (recorded === 'starting' && exitedPid !== undefined) {
    return {
      state: recorded,
      reason: `${row.last_reason ?? 'starting'}; PID ${exitedPid}, the instance started, has exited since`,
    };
  }
  return { state: recorded ?? 'unknown', reason: row.last_reason ?? (recorded === null ? 'not checked yet' : null) };
}
