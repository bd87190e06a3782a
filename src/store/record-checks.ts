import type { Statement } from 'better-sqlite3';
import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { HealthState } from '../heartbeat/health-state.js';
import { recordAuditEvent } from './audit-events.js';
import type { Store } from './open-store.js';

/**
 * `last_health_since` in an upsert of `process_state` whose new state and time are
 * `excluded.last_health` and `excluded.last_state_at`: kept while the state stays (never later
 * than the new time: a clock set back), the new time when the state changes. NULL (not
 * known, from before schema 19) stays NULL until the state changes.
 */
export const HEALTH_SINCE_ON_CONFLICT = `CASE WHEN process_state.last_health IS excluded.last_health
      THEN MIN(process_state.last_health_since, excluded.last_state_at) ELSE excluded.last_state_at END`;

/** What `check_history.action_taken` says when the threshold is reached. */
export const ACTION_RECOVERY_DUE = 'recovery_due';
/** ...when the recovery that is due waits for its backoff. */
export const ACTION_BACKOFF = 'backoff';
/** ...when the crash-loop guard gives up on the process. */
export const ACTION_GAVE_UP = 'gave_up';

export type CheckAction = typeof ACTION_RECOVERY_DUE | typeof ACTION_BACKOFF | typeof ACTION_GAVE_UP;

/** One check as it is recorded: its `check_history` row and the `process_state` columns it sets. */
export interface CheckRecord {
  processKey: string;
  checkedAt: string;
  /** The verdict as recorded (`off`, `starting`, `gave_up` included): the `health`, `reason`... columns. */
  verdict: HealthVerdict;
  /** `last_heartbeat_state`: the heartbeat's own state behind the verdict. */
  heartbeatState: HealthState;
  consecutiveFailures: number;
  actionTaken: CheckAction | null;
  /** `recovery_due_since`. */
  recoveryDueSince: string | null;
  /** Set when the crash-loop guard gave up at this check: `gave_up_at`, `gave_up_reason` and a `gave_up` audit event. */
  gaveUpReason: string | undefined;
}

/** The identity checks that applied to the live PID, as `identity` columns store them (`start_time,user`; `pid` for none). */
export function identityColumnOf(verdict: Pick<HealthVerdict, 'identity'>): string | null {
  return verdict.identity === undefined ? null : verdict.identity.join(',') || 'pid';
}

interface CheckStatements {
  upsertState: Statement;
  giveUp: Statement;
  insertHistory: Statement;
}

/** Prepared once per connection: a tick records a check of every process. */
const prepared = new WeakMap<Store, CheckStatements>();

function statementsOf(db: Store): CheckStatements {
  let statements = prepared.get(db);
  if (statements !== undefined) return statements;
  statements = {
    giveUp: db.prepare('UPDATE process_state SET gave_up_at = ?, gave_up_reason = ? WHERE process_key = ?'),
    upsertState: db.prepare(`
    INSERT INTO process_state (process_key, consecutive_failures, last_check_at, last_health, last_pid,
      last_heartbeat_ts, last_iteration, last_reason, last_heartbeat_age_seconds, last_heartbeat_status,
      last_warning, recovery_due_since, last_identity, last_heartbeat_state, last_state_at, last_state_source,
      last_match_count, last_health_since)
    VALUES (@process_key, @consecutive_failures, @checked_at, @health, @pid, @heartbeat_ts, @iteration,
      @reason, @heartbeat_age_seconds, @heartbeat_status, @warning, @recovery_due_since, @identity, @heartbeat_state, @checked_at, 'check',
      @match_count, @checked_at)
    ON CONFLICT (process_key) DO UPDATE SET
      last_health_since = ${HEALTH_SINCE_ON_CONFLICT},
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
      last_state_source = excluded.last_state_source,
      last_match_count = excluded.last_match_count`),
    insertHistory: db.prepare(`
    INSERT INTO check_history (process_key, checked_at, health, pid, heartbeat_ts, iteration, action_taken,
      reason, heartbeat_age_seconds, heartbeat_status, consecutive_failures, warning, identity)
    VALUES (@process_key, @checked_at, @health, @pid, @heartbeat_ts, @iteration, @action_taken,
      @reason, @heartbeat_age_seconds, @heartbeat_status, @consecutive_failures, @warning, @identity)`),
  };
  prepared.set(db, statements);
  return statements;
}

/**
 * Records one check: a `check_history` row and the process's `process_state`. Returns the
 * history row's id, so a recovery can be linked to the check that triggered it. A tick calls
 * it inside the transaction that read what the check was weighed against.
 */
export function recordCheck(db: Store, check: CheckRecord): number {
  const { upsertState, giveUp, insertHistory } = statementsOf(db);
  const { verdict, processKey, checkedAt } = check;
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
    consecutive_failures: check.consecutiveFailures,
    identity: identityColumnOf(verdict),
  };
  upsertState.run({
    ...row,
    heartbeat_state: check.heartbeatState,
    recovery_due_since: check.recoveryDueSince,
    match_count: verdict.matchCount ?? null,
  });
  if (check.gaveUpReason !== undefined) {
    giveUp.run(checkedAt, check.gaveUpReason, processKey);
    recordAuditEvent(db, { at: checkedAt, kind: 'gave_up', processKey, detail: verdict.reason });
  }
  const history = insertHistory.run({ ...row, action_taken: check.actionTaken });
  return Number(history.lastInsertRowid);
}
