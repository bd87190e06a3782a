import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { Store } from './open-store.js';
import { HEALTH_SINCE_ON_CONFLICT, identityColumnOf } from './record-checks.js';

/** What a person's command found once it was done: the state it leaves a process in. */
export interface CommandState {
  processKey: string;
  /** When it was seen. */
  at: string;
  /** The command: `on`, `off`, `restart`, `reset`, `stop-all`, `start-all`. */
  command: string;
  /** The process weighed as a check would weigh it now (off, start grace, give-up), and the heartbeat's own verdict behind it. */
  assessment: { verdict: HealthVerdict; checked: HealthVerdict };
}

/**
 * Records the state a manual command leaves a process in, where `status` reads it: the
 * `last_*` columns of `process_state`, marked as the command's. Not a check: no
 * `check_history` row, and neither the last check's time nor the failure count changes (the
 * next tick counts from what the command left). The next check writes over it.
 */
export function recordCommandState(db: Store, state: CommandState): void {
  const { verdict, checked } = state.assessment;
  db.prepare(
    `INSERT INTO process_state (process_key, consecutive_failures, last_health, last_pid, last_heartbeat_ts, last_iteration, last_reason,
       last_heartbeat_age_seconds, last_heartbeat_status, last_warning, last_identity, last_heartbeat_state, last_state_at, last_state_source,
       last_match_count, last_health_since)
     VALUES (@processKey, 0, @health, @pid, @heartbeatTs, @iteration, @reason, @age, @status, @warning, @identity, @heartbeatState, @at, @command,
       @matchCount, @at)
     ON CONFLICT (process_key) DO UPDATE SET last_health_since = ${HEALTH_SINCE_ON_CONFLICT}, last_health = excluded.last_health, last_pid = excluded.last_pid,
       last_heartbeat_ts = excluded.last_heartbeat_ts, last_iteration = excluded.last_iteration, last_reason = excluded.last_reason,
       last_heartbeat_age_seconds = excluded.last_heartbeat_age_seconds, last_heartbeat_status = excluded.last_heartbeat_status,
       last_warning = excluded.last_warning, last_identity = excluded.last_identity, last_heartbeat_state = excluded.last_heartbeat_state,
       last_state_at = excluded.last_state_at, last_state_source = excluded.last_state_source,
       last_match_count = excluded.last_match_count`,
  ).run({
    processKey: state.processKey,
    health: verdict.state,
    pid: verdict.pid ?? null,
    heartbeatTs: verdict.heartbeatTimestamp ?? null,
    iteration: verdict.iteration ?? null,
    reason: verdict.reason,
    age: verdict.heartbeatAgeSeconds ?? null,
    status: verdict.status ?? null,
    warning: verdict.warning ?? null,
    identity: identityColumnOf(verdict),
    heartbeatState: checked.state,
    at: state.at,
    command: state.command,
    matchCount: verdict.matchCount ?? null,
  });
}
