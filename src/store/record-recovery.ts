import type { Store } from './open-store.js';

/** Why a pipeline ran: `recovery` by cron, `restart`/`start`/`stop` by a person. */
export type RecoveryKind = 'recovery' | 'restart' | 'start' | 'stop';

/** `running` until it ends; `interrupted` when the watchdog died before it ended; `skipped` when a manual command found nothing to do. */
export type RecoveryOutcome = 'running' | 'succeeded' | 'failed' | 'interrupted' | 'skipped';

export interface RecoveryStart {
  processKey: string;
  kind: RecoveryKind;
  /** The CLI command that ran it: `check`, `restart`, `on`, `off`, `stop-all`, `start-all`. */
  command: string;
  /** `cron` (the `check` tick) or the user who ran the command. */
  requestedBy: string;
  /** The health state that triggered it. */
  triggerHealth: string | null;
  triggerReason: string | null;
  startedAt: string;
  /** The boot it started in, and the boot clock then (`/proc/uptime`): the crash-loop guard weighs it on them. */
  bootId?: string | null | undefined;
  startedUptimeSeconds?: number | null | undefined;
}

/**
 * How one action of a pipeline ended. `refused` and `nothing_to_kill` are not failures:
 * the pipeline goes on as if there were nothing to kill. `skipped` is an action that
 * did not run because an earlier built-in action failed.
 */
export type ActionOutcome = 'ok' | 'failed' | 'refused' | 'nothing_to_kill' | 'skipped';

/** One action as it ran, as a `recovery_actions` row records it. */
export interface RecoveryActionRecord {
  action: string;
  outcome: ActionOutcome;
  startedAt: string;
  durationMs: number;
  /** The process signalled or started. */
  pid: number | undefined;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** What happened, in words. */
  detail: string;
  /** The end of what the command printed. */
  outputTail: string | null;
}

export interface RecoveryEnd {
  finishedAt: string;
  durationMs: number;
  /** `interrupted`: the watchdog was asked to stop (SIGTERM...) and closed it with what it had done. */
  outcome: Exclude<RecoveryOutcome, 'running'>;
  detail: string | null;
  /** The PID of the started instance. */
  startedPid: number | null;
  /** The boot clock when it ended (in the boot it started in). */
  finishedUptimeSeconds?: number | null | undefined;
}

/** Inserts a recovery as `running`, before its first action, and returns its id. */
export function beginRecovery(db: Store, start: RecoveryStart): number {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO recoveries (process_key, kind, command, requested_by, trigger_health, trigger_reason, started_at, outcome,
         boot_id, started_uptime_seconds)
       VALUES (@processKey, @kind, @command, @requestedBy, @triggerHealth, @triggerReason, @startedAt, 'running',
         @bootId, @startedUptimeSeconds)`,
    )
    .run({ ...start, bootId: start.bootId ?? null, startedUptimeSeconds: start.startedUptimeSeconds ?? null });
  const id = Number(lastInsertRowid);
  db.prepare(
    `INSERT INTO process_state (process_key, last_recovery_id) VALUES (?, ?)
     ON CONFLICT (process_key) DO UPDATE SET last_recovery_id = excluded.last_recovery_id`,
  ).run(start.processKey, id);
  return id;
}

/** Records one action of a recovery as it ends. */
export function recordRecoveryAction(
  db: Store,
  recoveryId: number,
  position: number,
  action: RecoveryActionRecord,
): void {
  db.prepare(
    `INSERT INTO recovery_actions (recovery_id, position, action, started_at, duration_ms, outcome, pid, exit_code, signal, timed_out, detail, output_tail)
     VALUES (@recoveryId, @position, @action, @startedAt, @durationMs, @outcome, @pid, @exitCode, @signal, @timedOut, @detail, @outputTail)`,
  ).run({
    recoveryId,
    position,
    action: action.action,
    startedAt: action.startedAt,
    durationMs: Math.round(action.durationMs),
    outcome: action.outcome,
    pid: action.pid ?? null,
    exitCode: action.exitCode,
    signal: action.signal,
    timedOut: action.timedOut ? 1 : 0,
    detail: action.detail,
    outputTail: action.outputTail,
  });
}

/** Marks a recovery finished. */
export function finishRecovery(db: Store, recoveryId: number, end: RecoveryEnd): void {
  db.prepare(
    `UPDATE recoveries SET finished_at = @finishedAt, duration_ms = @durationMs, outcome = @outcome, detail = @detail,
       started_pid = @startedPid, finished_uptime_seconds = @finishedUptimeSeconds WHERE id = @recoveryId`,
  ).run({
    ...end,
    durationMs: Math.round(end.durationMs),
    finishedUptimeSeconds: end.finishedUptimeSeconds ?? null,
    recoveryId,
  });
}

/** Whether a recovery is still `running`: read before {@link markInterruptedRecoveries}, so a tick that finds none writes nothing. */
export function hasRunningRecoveries(db: Store): boolean {
  return db.prepare("SELECT 1 FROM recoveries WHERE outcome = 'running' LIMIT 1").get() !== undefined;
}

/**
 * Marks recoveries still `running` as `interrupted`: called with the lock held, so no
 * live watchdog is running them; the one that was died (killed, power cut) mid-pipeline.
 */
export function markInterruptedRecoveries(db: Store, now: string): number {
  return db
    .prepare(
      `UPDATE recoveries SET outcome = 'interrupted', finished_at = ?,
         detail = 'the watchdog stopped before this recovery ended (killed, crashed or power cut)'
       WHERE outcome = 'running'`,
    )
    .run(now).changes;
}
