import type { WatchdogConfig } from '../config/types.js';
import type { ProcessStateRow } from '../store/read-state.js';

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
}

/** The configured processes joined with what the audit log says of them, in config order. */
export function buildStatus(config: WatchdogConfig, states: ReadonlyMap<string, ProcessStateRow>): ProcessStatus[] {
  return config.processes.map((process) => {
    const row = states.get(process.key);
    const threshold = config.consecutive_failures_threshold;
    const failures = row?.consecutive_failures ?? 0;
    return {
      key: process.key,
      display_name: process.display_name,
      enabled: process.enabled,
      state: !process.enabled ? 'disabled' : (row?.last_health ?? 'unknown'),
      reason: !process.enabled ? 'enabled is false in the config' : (row?.last_reason ?? (row === undefined ? 'not checked yet' : null)),
      consecutive_failures: failures,
      threshold,
      recovery_due: process.enabled && failures >= threshold,
      recovery_due_since: row?.recovery_due_since ?? null,
      heartbeat_age_seconds: row?.last_heartbeat_age_seconds ?? null,
      heartbeat_timestamp: row?.last_heartbeat_ts ?? null,
      heartbeat_status: row?.last_heartbeat_status ?? null,
      pid: row?.last_pid ?? null,
      iteration: row?.last_iteration ?? null,
      last_check_at: row?.last_check_at ?? null,
      warning: row?.last_warning ?? null,
    };
  });
}
