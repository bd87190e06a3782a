import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import { isFailure } from '../heartbeat/health-state.js';
import {
  assessCheck,
  NO_CRASH_LOOP_LIMITS,
  NO_RECOVERIES,
  type Assessment,
  type BootClock,
} from '../recovery/assess-check.js';
import type { CrashLoopLimits } from '../recovery/crash-loop-guard.js';
import { recordAuditEvent } from './audit-events.js';
import type { Store } from './open-store.js';
import { previousStateOf, readRecoveryBudget, type PreviousRow as StatePreviousRow } from './read-state.js';

export interface CheckToRecord {
  processKey: string;
  verdict: HealthVerdict;
  /** Consecutive failures at which a recovery is due. */
  threshold: number;
  /** The crash-loop guard's limits for this process; none when left out. */
  limits?: CrashLoopLimits | undefined;
  /** The boot clock at the check, so the start grace survives a step of the wall clock. */
  clock?: BootClock | undefined;
}

export interface RecordedCheck extends Assessment {
  processKey: string;
  /** The `check_history` row, so a recovery can be linked to the check that triggered it. */
  historyId: number;
}

/** What `check_history.action_taken` says when the threshold is reached. */
export const ACTION_RECOVERY_DUE = 'recovery_due';
/** ...when the recovery that is due waits for its backoff. */
export const ACTION_BACKOFF = 'backoff';
/** ...when the crash-loop guard gives up on the process. */
export const ACTION_GAVE_UP = 'gave_up';

/** The identity checks that applied to the live PID, as `identity` columns store them (`start_time,user`; `pid` for none). */
export function identityColumnOf(verdict: Pick<HealthVerdict, 'identity'>): string | null {
  return verdict.identity === undefined ? null : verdict.identity.join(',') || 'pid';
}

type PreviousRow = StatePreviousRow & { recovery_due_since: string | null; recoveries_counted_since: string | null };

/**
 * Records one tick's checks in a single transaction: a `check_history` row each and the
 * updated `process_state`, each check weighed against the process's previous state
 * (consecutive failures, turned off, start grace).
 */
export function recordChecks(db: Store, checkedAt: string, checks: readonly CheckToRecord[]): RecordedCheck[] {
  const nowMs = Date.parse(checkedAt);
  const previousOf = db.prepare<[string], PreviousRow>(
    `SELECT consecutive_failures, recovery_due_since, off_since, off_by, started_at, grace_until, gave_up_at, gave_up_reason,
       recoveries_counted_since, started_boot_id, started_uptime_seconds, started_pid, started_pid_start_ticks FROM process_state WHERE process_key = ?`,
  );
  const giveUp = db.prepare('UPDATE process_state SET gave_up_at = ?, gave_up_reason = ? WHERE process_key = ?');
  const upsertState = db.prepare(`
    INSERT INTO process_state (process_key, consecutive_failures, last_check_at, last_health, last_pid,
      last_heartbeat_ts, last_iteration, last_reason, last_heartbeat_age_seconds, last_heartbeat_status,
      last_warning, recovery_due_since, last_identity, last_heartbeat_state, last_state_at, last_state_source)
    VALUES (@process_key, @consecutive_failures, @checked_at, @health, @pid, @heartbeat_ts, @iteration,
      @reason, @heartbeat_age_seconds, @heartbeat_status, @warning, @recovery_due_since, @identity, @heartbeat_state, @checked_at, 'check')
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
      recovery_due_since = excluded.recovery_due_since,
      last_identity = excluded.last_identity,
      last_heartbeat_state = excluded.last_heartbeat_state,
      last_state_at = excluded.last_state_at,
      last_state_source = excluded.last_state_source`);
  const insertHistory = db.prepare(`
    INSERT INTO check_history (process_key, checked_at, health, pid, heartbeat_ts, iteration, action_taken,
      reason, heartbeat_age_seconds, heartbeat_status, consecutive_failures, warning, identity)
    VALUES (@process_key, @checked_at, @health, @pid, @heartbeat_ts, @iteration, @action_taken,
      @reason, @heartbeat_age_seconds, @heartbeat_status, @consecutive_failures, @warning, @identity)`);

  return db
    .transaction((): RecordedCheck[] =>
      checks.map(({ processKey, verdict: checked, threshold, limits = NO_CRASH_LOOP_LIMITS, clock }) => {
        const previous = previousOf.get(processKey);
        // The crash-loop guard weighs past recoveries only for a failing check: a healthy one
        // (most of them, most ticks) needs no query.
        const budget = isFailure(checked.state)
          ? readRecoveryBudget(db, processKey, {
              nowMs,
              windowSeconds: limits.windowSeconds,
              countedSince: previous?.recoveries_counted_since ?? null,
              clock,
            })
          : NO_RECOVERIES;
        const assessment = assessCheck(checked, previousStateOf(previous, budget), threshold, nowMs, limits, clock);
        const { verdict, consecutiveFailures, recoveryDue, guard } = assessment;
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
          identity: identityColumnOf(verdict),
        };
        const waiting = guard?.kind === 'backoff';
        upsertState.run({
          ...row,
          heartbeat_state: assessment.checked.state,
          recovery_due_since: recoveryDue || waiting ? (previous?.recovery_due_since ?? checkedAt) : null,
        });
        if (guard?.kind === 'give_up') {
          giveUp.run(checkedAt, guard.reason, processKey);
          recordAuditEvent(db, { at: checkedAt, kind: 'gave_up', processKey, detail: verdict.reason });
        }
        const action = recoveryDue
          ? ACTION_RECOVERY_DUE
          : guard?.kind === 'backoff'
            ? ACTION_BACKOFF
            : guard?.kind === 'give_up'
              ? ACTION_GAVE_UP
              : null;
        const history = insertHistory.run({ ...row, action_taken: action });
        return { ...assessment, processKey, historyId: Number(history.lastInsertRowid) };
      }),
    )
    .immediate();
}
