import type { WatchdogConfig } from '../config/types.js';
import type { ProcessStateRow, RecoveryRow } from '../store/read-state.js';
import { describeIdentity, type IdentityCheck } from '../heartbeat/check-identity.js';
import type { StartedInstance } from '../store/process-control.js';
import { currentStateOf } from './current-state.js';
import { hasLimits } from '../limits/resource-limits.js';
import { matchRulesOf } from '../match/match-rules-of.js';

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
  /**
   * A health state, or `disabled`, or `unknown` before the first check: the newest the audit
   * log knows, from the last check or from a person's command after it (`state_source`).
   */
  state: string;
  reason: string | null;
  consecutive_failures: number;
  threshold: number;
  recovery_due: boolean;
  recovery_due_since: string | null;
  /** Age of the heartbeat when the state was recorded (none shown for a process turned off whose heartbeat names no live app). */
  heartbeat_age_seconds: number | null;
  heartbeat_timestamp: string | null;
  heartbeat_status: string | null;
  /**
   * The app's PID: one its trusted heartbeat proved live (healthy, timed out, error status)
   * when the state was recorded, or the instance the watchdog started while that very process
   * still runs. Never a PID the heartbeat names that is dead or another process's (see `heartbeat_pid`).
   */
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
  /** The incident open for it, as every notification of the outage names it (`details.incident_id`), and since when; null when none is open. */
  incident_id: string | null;
  incident_opened_at: string | null;
  /** What recorded `state`: `check`, or the command a person ran after the last check (`on`, `off`, `restart`, `reset`, `stop-all`, `start-all`); null before the first. */
  state_source: string | null;
  /** When `state` was recorded (the last check's time, or the command's). */
  state_at: string | null;
  /** The heartbeat's own state behind `state` (which may be `off`, `starting` or `gave_up` around it). */
  heartbeat_state: string | null;
  /** The PID the heartbeat named when the state was recorded, whatever it was (dead, another process's, untrusted). */
  heartbeat_pid: number | null;
  /** The instance the watchdog last started, while that very process (PID, start time, boot) still runs. */
  started_pid: number | null;
  /**
   * Resident memory of the app and its descendants at the last check that measured it
   * (docs/resource-limits.md), in bytes; `null` when not measured or no app PID is known now.
   */
  memory_bytes: number | null;
  /** CPU use between the last two checks, in percent of one core; `null` with no rate (yet). */
  cpu_percent: number | null;
  /** The descendants counted with the app in those figures. */
  usage_descendants: number | null;
  /** For an app found by `match` alone: how many processes matched when the state was recorded; `null` otherwise. */
  matches: number | null;
}

/** The configured processes joined with what the audit log says of them, in config order. */
export function buildStatus(
  config: WatchdogConfig,
  states: ReadonlyMap<string, ProcessStateRow>,
  lastRecoveries: ReadonlyMap<string, RecoveryRow> = new Map(),
  isAlive: (instance: StartedInstance) => boolean = () => false,
): ProcessStatus[] {
  return config.processes.map((process) => {
    const row = states.get(process.key);
    const current = row === undefined ? undefined : currentStateOf(row, isAlive);
    const threshold = process.consecutive_failures_threshold;
    const failures = row?.consecutive_failures ?? 0;
    const recovery = lastRecoveries.get(process.key);
    return {
      key: process.key,
      display_name: process.display_name,
      enabled: process.enabled,
      state: !process.enabled ? 'disabled' : (current?.state ?? 'unknown'),
      reason: !process.enabled
        ? 'enabled is false in the config'
        : current === undefined
          ? 'not checked yet'
          : current.reason,
      consecutive_failures: failures,
      threshold,
      recovery_due: process.enabled && row?.off_since == null && row?.gave_up_at == null && failures >= threshold,
      recovery_due_since: row?.recovery_due_since ?? null,
      heartbeat_age_seconds: current?.heartbeat_age_seconds ?? null,
      heartbeat_timestamp: current?.heartbeat_timestamp ?? null,
      heartbeat_status: current?.heartbeat_status ?? null,
      pid: current?.pid ?? null,
      iteration: current?.iteration ?? null,
      last_check_at: row?.last_check_at ?? null,
      warning: row?.last_warning ?? null,
      off_since: row?.off_since ?? null,
      off_by: row?.off_by ?? null,
      started_at: row?.started_at ?? null,
      grace_until: row?.grace_until ?? null,
      last_recovery: lastRecoveryOf(recovery),
      output_log: process.output_log,
      identity: identityOf(current?.identity ?? null),
      gave_up_at: row?.gave_up_at ?? null,
      gave_up_reason: row?.gave_up_reason ?? null,
      incident_id: row?.incident_id ?? null,
      incident_opened_at: row?.incident_opened_at ?? null,
      state_source: current?.state_source ?? null,
      state_at: current?.state_at ?? null,
      heartbeat_state: current?.heartbeat_state ?? null,
      heartbeat_pid: current?.heartbeat_pid ?? null,
      started_pid: current?.started_pid ?? null,
      ...usageOf(hasLimits(process) ? row : undefined, current?.pid ?? null),
      matches: matchRulesOf(process) === undefined ? null : (row?.last_match_count ?? null),
    };
  });
}

/** A last recovery as `status` shows it (a process's or a file system entry's); `null` without one. */
export function lastRecoveryOf(recovery: RecoveryRow | undefined): LastRecovery | null {
  if (recovery === undefined) return null;
  return {
    id: recovery.id,
    kind: recovery.kind,
    command: recovery.command,
    requested_by: recovery.requested_by,
    started_at: recovery.started_at,
    finished_at: recovery.finished_at,
    outcome: recovery.outcome,
    detail: recovery.detail,
  };
}

/** What the last check measured of a process with limits, while an app PID is known (a gone app uses nothing). */
function usageOf(
  row: ProcessStateRow | undefined,
  pid: number | null,
): Pick<ProcessStatus, 'memory_bytes' | 'cpu_percent' | 'usage_descendants'> {
  if (row === undefined || pid === null || row.last_memory_bytes == null)
    return { memory_bytes: null, cpu_percent: null, usage_descendants: null };
  return {
    memory_bytes: row.last_memory_bytes,
    cpu_percent: row.last_cpu_percent ?? null,
    usage_descendants: row.last_usage_descendants ?? null,
  };
}

/** `start_time,user` as stored → `start time + user`. */
function identityOf(stored: string | null): string | null {
  if (stored === null) return null;
  if (stored === 'pid') return describeIdentity([]);
  return describeIdentity(stored.split(',') as IdentityCheck[]);
}
