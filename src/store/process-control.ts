import type { Store } from './open-store.js';

/**
 * The persisted state a person or a recovery sets on a process: turned off, and the
 * start grace period. A process may have no `process_state` row yet (never checked).
 */

/** Turns a process off: later ticks record it as `off` and never recover it. */
export function setOff(db: Store, processKey: string, since: string, by: string): void {
  db.prepare(
    `INSERT INTO process_state (process_key, off_since, off_by, consecutive_failures) VALUES (?, ?, ?, 0)
     ON CONFLICT (process_key) DO UPDATE SET off_since = excluded.off_since, off_by = excluded.off_by,
       consecutive_failures = 0, recovery_due_since = NULL`,
  ).run(processKey, since, by);
}

/** Clears `off`; returns whether it was set. */
export function clearOff(db: Store, processKey: string): boolean {
  return db.prepare('UPDATE process_state SET off_since = NULL, off_by = NULL WHERE process_key = ? AND off_since IS NOT NULL').run(processKey).changes > 0;
}

/** After a start: the failure count starts again, and a missing heartbeat is excused until `graceUntil`. */
export function noteStarted(db: Store, processKey: string, startedAt: string, graceUntil: string): void {
  db.prepare(
    `INSERT INTO process_state (process_key, consecutive_failures, started_at, grace_until) VALUES (?, 0, ?, ?)
     ON CONFLICT (process_key) DO UPDATE SET consecutive_failures = 0, recovery_due_since = NULL,
       started_at = excluded.started_at, grace_until = excluded.grace_until`,
  ).run(processKey, startedAt, graceUntil);
}

/** Links the check that triggered a recovery to it. */
export function linkCheckToRecovery(db: Store, historyId: number, recoveryId: number): void {
  db.prepare("UPDATE check_history SET action_taken = 'recovery', recovery_id = ? WHERE id = ?").run(recoveryId, historyId);
}
