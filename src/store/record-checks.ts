import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import { assessCheck, type Assessment } from '../recovery/assess-check.js';
import type { Store } from './open-store.js';
import { previousStateOf, type ProcessStateRow } from './read-state.js';

export interface CheckToRecord {
  processKey: string;
  verdict: HealthVerdict;
  /** Consecutive failures at which a recovery is due. */
  threshold: number;
}

export interface RecordedCheck extends Assessment {
  processKey: string;
  /** The `check_history` row, so a recovery can be linked to the check that triggered it. */
  historyId: number;
}

/** What `check_history.action_taken` says when the threshold is reached. */
export const ACTION_RECOVERY_DUE = 'recovery_due';

type PreviousRow = Pick<ProcessStateRow, 'recovery_due_since' | 'off_since' | 'off_by' | 'started_at' | 'grace_until'> & {
  consecutive_failures: number | null;
};

/**
 * Records one tick's checks in a single transaction: a `check_history` row each and the
 * updated `process_state`, each check weighed against the process's previous state
 * (consecutive failures, turned off, start grace).
 */
export function recordChecks(db: Store, checkedAt: string, checks: readonly CheckToRecord[]): RecordedCheck[] {
  const nowMs = Date.parse(checkedAt);
  const previousOf = db.prepare<[string], PreviousRow>(
    'SELECT consecutive_failures, recovery_due_since, off_since, off_by, started_at, grace_until FROM process_state WHERE process_key = ?',
  );
  const upsertState = db.prepare(`
    INSERT INTO process_state (process_key, consecutive_failures, last_check_at, last_health, last_pid,
      last_heartbeat_ts, last_iteration, last_reason, last_heartbeat_age_seconds, last_heartbeat_status,
      last_warning, recovery_due_since)
    VALUES (@process_key, @consecutive_failures, @checked_at, @health, @pid, @heartbeat_ts, @iteration,
      @reason, @heartbeat_age_seconds, @heartbeat_status, @warning, @recovery_due_since)
    ON CONFLICT (process_key) DO UPDATE SET
      consecutive_failures = excluded.consecutive_failures,
      last_check_at = excluded.last_check_at,
      last_health = excluded.last_health,
      last_pid = excluded.last_pid,
      last_heartbeat_ts = excluded.last_heartbeat_ts,
      last_iteration = excluded.last_iteration,
      last_reason = excluded.last_reason,
      last_heartbeat_age_seconds = excluded.last_heartbeat_age_seconds,
      last_heartbeat_status = excluded.last_heartbeat_status,
      last_warning = excluded.last_warning,
      recovery_due_since = excluded.recovery_due_since`);
  const insertHistory = db.prepare(`
    INSERT INTO check_history (process_key, checked_at, health, pid, heartbeat_ts, iteration, action_taken,
      reason, heartbeat_age_seconds, heartbeat_status, consecutive_failures, warning)
    VALUES (@process_key, @checked_at, @health, @pid, @heartbeat_ts, @iteration, @action_taken,
      @reason, @heartbeat_age_seconds, @heartbeat_status, @consecutive_failures, @warning)`);

  return db
    .transaction((): RecordedCheck[] =>
      checks.map(({ processKey, verdict: checked, threshold }) => {
        const previous = previousOf.get(processKey);
        const assessment = assessCheck(checked, previousStateOf(previous), threshold, nowMs);
        const { verdict, consecutiveFailures, recoveryDue } = assessment;
        const row = {
          process_key: processKey,
          checked_at: checkedAt,
          health: verdict.state,
          pid: verdict.pid ?? null,
          heartbeat_ts: verdict.heartbeatTimestamp ?? null,
          iteration: verdict.iteration ?? null,
          reason: verdict.reason,
          heartbeat_age_seconds: verdict.heartbeatAgeSeconds ?? null,
          heartbeat_status: verdict.status ?? null,
          warning: verdict.warning ?? null,
          consecutive_failures: consecutiveFailures,
        };
        upsertState.run({ ...row, recovery_due_since: recoveryDue ? (previous?.recovery_due_since ?? checkedAt) : null });
        const history = insertHistory.run({ ...row, action_taken: recoveryDue ? ACTION_RECOVERY_DUE : null });
        return { ...assessment, processKey, historyId: Number(history.lastInsertRowid) };
      }),
    )
    .immediate();
}
