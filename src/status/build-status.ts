import type { WatchdogConfig } from '../config/types.js';
import type { ProcessStateRow, RecoveryRow } from '../store/read-state.js';
import { describeIdentity, type IdentityCheck } from '../heartbeat/check-identity.js';

/** A process's last recovery (or manual start/stop/restart), as `status` shows it. */
export interface LastRecovery {
  id: number;
  kind: string;
  command: string;
  requested_by: string;
  started_at: string;
  finished_at: string | null;
  outcome: string;
  detail: string | null;
}

/** One process in `watchdog status`, as the table shows it and `--json` prints it. */
export interface ProcessStatus {
  key: string;
  display_name: string;
  enabled: boolean;
  /** A health state, or `disabled`, or `unknown` before the first check. */
  state: string;
  reason: string | null;
  consecutive_failures: number;
  threshold: number;
  recovery_due: boolean;
  recovery_due_since: string | null;
  /** Age of the heartbeat when it was last checked. */
  heartbeat_age_seconds: number | null;
  heartbeat_timestamp: string | null;
  heartbeat_status: string | null;
  pid: number | null;
  iteration: number | null;
  last_check_at: string | null;
  warning: string | null;
  /** Set while turned off by `watchdog off`. */
  off_since: string | null;
  off_by: string | null;
  /** When the watchdog last started it, and until when a missing heartbeat is excused. */
  started_at: string | null;
  grace_until: string | null;
  last_recovery: LastRecovery | null;
  /** Where the started app's stdout and stderr go. */
  output_log: string;
  /**
   * How the last check knew the live PID was the app: `start time` (recorded by the
   * heartbeat's writer), `command line` (`match`), `user`, joined by ` + `; `PID only`
   * when none applied; `null` when no live PID was checked.
   */
  identity: string | null;
  /** Set while the crash-loop guard has given up on it. */
  gave_up_at: string | null;
  gave_up_reason: string | null;
}

/** The configured processes joined with what the audit log says of them, in config order. */
export function buildStatus(
  config: WatchdogConfig,
  states: ReadonlyMap<string, ProcessStateRow>,
  lastRecoveries: ReadonlyMap<string, RecoveryRow> = new Map(),
): ProcessStatus[] {
  return config.processes.map((process) => {
    const row = states.get(process.key);
    const threshold = process.consecutive_failures_threshold;
    const failures = row?.consecutive_failures ?? 0;
    const recovery = lastRecoveries.get(process.key);
    return {
      key: process.key,
      display_name: process.display_name,
      enabled: process.enabled,
      // Turned off since its last check: say so now, not at the next tick.
      state: !process.enabled ? 'disabled' : row?.off_since != null ? 'off' : (row?.last_health ?? 'unknown'),
      reason: !process.enabled
        ? 'enabled is false in the config'
        : row?.off_since != null
          ? `turned off${row.off_by === null ? '' : ` by ${row.off_by}`} at ${row.off_since}`
          : (row?.last_reason ?? (row === undefined ? 'not checked yet' : null)),
      consecutive_failures: failures,
      threshold,
      recovery_due: process.enabled && row?.off_since == null && row?.gave_up_at == null && failures >= threshold,
      recovery_due_since: row?.recovery_due_since ?? null,
      heartbeat_age_seconds: row?.last_heartbeat_age_seconds ?? null,
      heartbeat_timestamp: row?.last_heartbeat_ts ?? null,
      heartbeat_status: row?.last_heartbeat_status ?? null,
      pid: row?.last_pid ?? null,
      iteration: row?.last_iteration ?? null,
      last_check_at: row?.last_check_at ?? null,
      warning: row?.last_warning ?? null,
      off_since: row?.off_since ?? null,
      off_by: row?.off_by ?? null,
      started_at: row?.started_at ?? null,
      grace_until: row?.grace_until ?? null,
      last_recovery:
        recovery === undefined
          ? null
          : {
              id: recovery.id,
              kind: recovery.kind,
              command: recovery.command,
              requested_by: recovery.requested_by,
              started_at: recovery.started_at,
              finished_at: recovery.finished_at,
              outcome: recovery.outcome,
              detail: recovery.detail,
            },
      output_log: process.output_log,
      identity: identityOf(row?.last_identity ?? null),
      gave_up_at: row?.gave_up_at ?? null,
      gave_up_reason: row?.gave_up_reason ?? null,
    };
  });
}

/** `start_time,user` as stored → `start time + user`. */
function identityOf(stored: string | null): string | null {
  if (stored === null) return null;
  if (stored === 'pid') return describeIdentity([]);
  return describeIdentity(stored.split(',') as IdentityCheck[]);
}
