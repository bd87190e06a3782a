import type { Store } from './open-store.js';

/**
 * The persisted state a person or a recovery sets on a process: turned off, and the
 * start grace period. A process may have no `process_state` row yet (never checked).
 */

/**
 * Turns a process off: later ticks record it as `off` and never recover it. The start grace
 * ends too: it excuses an instance coming up, and `off` stops that instance, so an `on`
 * right after must start the app, not wait for one that is gone.
 */
export function setOff(db: Store, processKey: string, since: string, by: string): void {
  db.prepare(
    `INSERT INTO process_state (process_key, off_since, off_by, consecutive_failures) VALUES (?, ?, ?, 0)
     ON CONFLICT (process_key) DO UPDATE SET off_since = excluded.off_since, off_by = excluded.off_by,
       consecutive_failures = 0, recovery_due_since = NULL, grace_until = NULL`,
  ).run(processKey, since, by);
}

/**
 * Ends the start grace of the last start: the instance it excused was stopped (a pipeline's
 * `kill` stopped the app), so nothing is coming up, and the next start must not wait for it.
 * The start record itself (when, which instance) is kept.
 */
export function endStartGrace(db: Store, processKey: string): void {
  db.prepare('UPDATE process_state SET grace_until = NULL WHERE process_key = ? AND grace_until IS NOT NULL').run(
    processKey,
  );
}

/** Clears `off`; returns whether it was set. */
export function clearOff(db: Store, processKey: string): boolean {
  return (
    db
      .prepare(
        'UPDATE process_state SET off_since = NULL, off_by = NULL WHERE process_key = ? AND off_since IS NOT NULL',
      )
      .run(processKey).changes > 0
  );
}

/**
 * Resumes a process the crash-loop guard gave up on: recoveries counted from `now` on,
 * so the guard has a fresh budget. Returns when it had given up, or `undefined` when it had not.
 */
export function clearGaveUp(db: Store, processKey: string, now: string): string | undefined {
  const row = db
    .prepare<[string], { gave_up_at: string | null }>('SELECT gave_up_at FROM process_state WHERE process_key = ?')
    .get(processKey);
  if (row?.gave_up_at == null) return undefined;
  db.prepare(
    `UPDATE process_state SET gave_up_at = NULL, gave_up_reason = NULL, recoveries_counted_since = ?, consecutive_failures = 0,
       recovery_due_since = NULL WHERE process_key = ?`,
  ).run(now, processKey);
  return row.gave_up_at;
}

/** `watchdog reset`: the failure count, the backoff and the crash-loop budget start again from `now`. */
export function resetRecoveryBudget(db: Store, processKey: string, now: string): void {
  db.prepare(
    `INSERT INTO process_state (process_key, consecutive_failures, recoveries_counted_since) VALUES (?, 0, ?)
     ON CONFLICT (process_key) DO UPDATE SET gave_up_at = NULL, gave_up_reason = NULL, consecutive_failures = 0,
       recovery_due_since = NULL, recoveries_counted_since = excluded.recoveries_counted_since`,
  ).run(processKey, now);
}

/**
 * The instance a start left running: its PID and start time (clock ticks since boot), and
 * the boot it ran in; the app itself, or the daemon a start command left behind.
 */
export interface StartedInstance {
  pid: number;
  startTicks: number;
  /** The boot it started in; `undefined` for rows written before it was recorded. */
  bootId?: string | undefined;
  /**
   * How it is known to be the app: it is the start command itself, still running after
   * `verify_delay` (`ran`), the daemon `pid_file` named, or a process left in the start
   * command's session (`session`: it may be a launcher whose daemon left that session).
   * `undefined` for the command as spawned, before its outcome, and for rows from before this was kept.
   */
  foundBy?: StartedFoundBy | undefined;
}

/** How a started instance was found: see {@link StartedInstance.foundBy}. */
export type StartedFoundBy = 'ran' | 'pid_file' | 'session';

const FOUND_BY: ReadonlySet<string> = new Set<StartedFoundBy>(['ran', 'pid_file', 'session']);

/** When a start happened on the boot clock, which no step of the wall clock moves. */
export interface StartedOnBoot {
  bootId: string;
  uptimeSeconds: number;
}

/**
 * After a start: the failure count starts again, a missing heartbeat is excused until
 * `graceUntil` (judged on the boot clock when `onBoot` is known), and the started instance
 * is remembered, so `kill` can find it even when it never writes a heartbeat.
 */
export function noteStarted(
  db: Store,
  processKey: string,
  startedAt: string,
  graceUntil: string,
  instance: StartedInstance | undefined,
  onBoot?: StartedOnBoot | undefined,
): void {
  db.prepare(
    `INSERT INTO process_state (process_key, consecutive_failures, started_at, grace_until, started_pid, started_pid_start_ticks,
       started_boot_id, started_uptime_seconds, started_found_by)
     VALUES (@processKey, 0, @startedAt, @graceUntil, @pid, @startTicks, @bootId, @uptimeSeconds, @foundBy)
     ON CONFLICT (process_key) DO UPDATE SET consecutive_failures = 0, recovery_due_since = NULL,
       started_at = excluded.started_at, grace_until = excluded.grace_until,
       started_pid = excluded.started_pid, started_pid_start_ticks = excluded.started_pid_start_ticks,
       started_boot_id = excluded.started_boot_id, started_uptime_seconds = excluded.started_uptime_seconds,
       started_found_by = excluded.started_found_by`,
  ).run({
    processKey,
    startedAt,
    graceUntil,
    pid: instance?.pid ?? null,
    startTicks: instance?.startTicks ?? null,
    bootId: onBoot?.bootId ?? instance?.bootId ?? null,
    uptimeSeconds: onBoot?.uptimeSeconds ?? null,
    foundBy: instance?.foundBy ?? null,
  });
}

/**
 * Before a start command is spawned: a start is under way, so a run after a SIGKILL here
 * finds the process `starting` (its grace open, on the boot clock when `onBoot` is known)
 * and starts no second copy. The instance is not known yet; the failure count is left as
 * it is until the start is known to have run.
 */
export function noteStartUnderWay(
  db: Store,
  processKey: string,
  startedAt: string,
  graceUntil: string,
  onBoot: StartedOnBoot | undefined,
): void {
  db.prepare(
    `INSERT INTO process_state (process_key, started_at, grace_until, started_pid, started_pid_start_ticks, started_boot_id, started_uptime_seconds)
     VALUES (@processKey, @startedAt, @graceUntil, NULL, NULL, @bootId, @uptimeSeconds)
     ON CONFLICT (process_key) DO UPDATE SET started_at = excluded.started_at, grace_until = excluded.grace_until,
       started_pid = NULL, started_pid_start_ticks = NULL, started_boot_id = excluded.started_boot_id,
       started_uptime_seconds = excluded.started_uptime_seconds, started_found_by = NULL`,
  ).run({
    processKey,
    startedAt,
    graceUntil,
    bootId: onBoot?.bootId ?? null,
    uptimeSeconds: onBoot?.uptimeSeconds ?? null,
  });
}

/**
 * A start's command was just spawned: its instance is remembered at once, before
 * `verify_delay`, so a watchdog stopped or killed during it leaves the instance on record.
 * Only that start's record is changed; the failure count waits for the start's outcome.
 */
export function noteSpawned(db: Store, processKey: string, startedAt: string, instance: StartedInstance): void {
  db.prepare(
    `UPDATE process_state SET started_pid = @pid, started_pid_start_ticks = @startTicks,
       started_boot_id = COALESCE(started_boot_id, @bootId), started_found_by = NULL WHERE process_key = @processKey AND started_at = @startedAt`,
  ).run({ pid: instance.pid, startTicks: instance.startTicks, bootId: instance.bootId ?? null, processKey, startedAt });
}

/** What a start under way replaces, put back when the start fails. */
export interface StartRecord {
  started_at: string | null;
  grace_until: string | null;
  started_pid: number | null;
  started_pid_start_ticks: number | null;
  started_boot_id: string | null;
  started_uptime_seconds: number | null;
  started_found_by: string | null;
}

/** The start record as it is now (all empty for a process never started). */
export function readStartRecord(db: Store, processKey: string): StartRecord {
  const row = db
    .prepare<[string], StartRecord>(
      'SELECT started_at, grace_until, started_pid, started_pid_start_ticks, started_boot_id, started_uptime_seconds, started_found_by FROM process_state WHERE process_key = ?',
    )
    .get(processKey);
  return (
    row ?? {
      started_at: null,
      grace_until: null,
      started_pid: null,
      started_pid_start_ticks: null,
      started_boot_id: null,
      started_uptime_seconds: null,
      started_found_by: null,
    }
  );
}

/**
 * A start that failed opens no grace (nothing is coming up): the record is put back as it
 * was before that start, if it is still that start's.
 */
export function restoreStartRecord(db: Store, processKey: string, startedAt: string, before: StartRecord): void {
  db.prepare(
    `UPDATE process_state SET started_at = @started_at, grace_until = @grace_until, started_pid = @started_pid,
       started_pid_start_ticks = @started_pid_start_ticks, started_boot_id = @started_boot_id,
       started_uptime_seconds = @started_uptime_seconds, started_found_by = @started_found_by
       WHERE process_key = @processKey AND started_at = @startedAt`,
  ).run({ ...before, processKey, startedAt });
}

/** The instance the watchdog last started for a process, if it recorded one. */
export function readStartedInstance(db: Store, processKey: string): StartedInstance | undefined {
  const row = db
    .prepare<[string], StartedRow>(
      'SELECT started_pid, started_pid_start_ticks, started_boot_id, started_found_by FROM process_state WHERE process_key = ?',
    )
    .get(processKey);
  return startedInstanceOf(row);
}

type StartedRow = {
  started_pid: number | null;
  started_pid_start_ticks: number | null;
  started_boot_id?: string | null;
  started_found_by?: string | null;
};

/** The started instance of a `process_state` row, when both its PID and start time are known. */
export function startedInstanceOf(row: StartedRow | undefined): StartedInstance | undefined {
  if (row?.started_pid == null || row.started_pid_start_ticks == null) return undefined;
  const instance = { pid: row.started_pid, startTicks: row.started_pid_start_ticks };
  const foundBy = row.started_found_by;
  const found = foundBy != null && FOUND_BY.has(foundBy) ? { foundBy: foundBy as StartedFoundBy } : {};
  // Rows written before the boot was recorded have none.
  return row.started_boot_id == null
    ? { ...instance, ...found }
    : { ...instance, bootId: row.started_boot_id, ...found };
}

/** Links the check that triggered a recovery to it. */
export function linkCheckToRecovery(db: Store, historyId: number, recoveryId: number): void {
  db.prepare("UPDATE check_history SET action_taken = 'recovery', recovery_id = ? WHERE id = ?").run(
    recoveryId,
    historyId,
  );
}
