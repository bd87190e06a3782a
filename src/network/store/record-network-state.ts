import type { Store } from '../../store/open-store.js';

/** What one check of the link leaves behind. */
export interface NetworkCheckRecord {
  checkedAt: string;
  state: string;
  reason: string;
  consecutiveFailures: number;
  failingSince: string | null;
  seenAt: string | null;
  /** A healthy link starts the count of failed ladder runs again. */
  resetLadderFailures: boolean;
}

export function recordNetworkCheck(db: Store, name: string, check: NetworkCheckRecord): void {
  db.prepare(
    `INSERT INTO network_state (interface, last_check_at, last_state, last_reason, consecutive_failures, failing_since, seen_at)
     VALUES (@name, @checkedAt, @state, @reason, @consecutiveFailures, @failingSince, @seenAt)
     ON CONFLICT (interface) DO UPDATE SET last_check_at = excluded.last_check_at, last_state = excluded.last_state,
       last_reason = excluded.last_reason, consecutive_failures = excluded.consecutive_failures,
       failing_since = excluded.failing_since, seen_at = excluded.seen_at,
       failed_ladder_runs = CASE WHEN @resetLadderFailures THEN 0 ELSE failed_ladder_runs END`,
  ).run({ name, ...check, resetLadderFailures: check.resetLadderFailures ? 1 : 0 });
}

/** What a finished ladder run leaves behind. */
export interface LadderRunRecord {
  at: string;
  ladderId: number;
  outcome: string;
  healedBy: string | null;
  failedLadderRuns: number;
}

export function recordLadderRun(db: Store, name: string, run: LadderRunRecord): void {
  db.prepare(
    `UPDATE network_state SET last_ladder_at = @at, last_ladder_id = @ladderId, last_ladder_outcome = @outcome,
       last_healed_by = COALESCE(@healedBy, last_healed_by), failed_ladder_runs = @failedLadderRuns
     WHERE interface = @name`,
  ).run({ name, ...run });
}

/** The state after a rung healed the link: failures start again from nothing. */
export function recordHealed(db: Store, name: string, checkedAt: string, state: string, reason: string): void {
  db.prepare(
    `UPDATE network_state SET last_check_at = ?, last_state = ?, last_reason = ?, consecutive_failures = 0, failing_since = NULL
     WHERE interface = ?`,
  ).run(checkedAt, state, reason, name);
}
