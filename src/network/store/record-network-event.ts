import type { Store } from '../../store/open-store.js';

/**
 * What `network_events` records, one row each: a change of the link's state (`link_down`
 * with the failure, `link_up` when it is back, `check_error`), a ladder run (`ladder_start`,
 * one `rung` row per rung, `ladder_end`), a reboot held by a guard (`reboot_held`, the
 * guard in `rung`) and a reboot (`reboot`). `link_set_down` is a bounce's note, written
 * before it sets the link down (the device in `detail`, outcome `down`), completed `up` (or
 * `up_failed`) once it set it up again: one still `down` was left down by a run that died.
 */
export type NetworkEventKind =
  | 'link_down'
  | 'link_up'
  | 'check_error'
  | 'ladder_start'
  | 'rung'
  | 'ladder_end'
  | 'reboot_held'
  | 'reboot'
  | 'link_set_down';

/** When and in which boot: every event carries it. */
export interface EventStamp {
  at: string;
  bootId: string | undefined;
  uptimeSeconds: number | undefined;
}

export interface NetworkEventInput {
  interface: string;
  kind: NetworkEventKind;
  ladderId?: number | undefined;
  /** The rung's name, or for `reboot_held` the guard's. */
  rung?: string | undefined;
  outcome?: string | undefined;
  detail?: string | undefined;
  durationMs?: number | undefined;
  exitCode?: number | null | undefined;
  outputTail?: string | undefined;
}

/** Appends one event; returns its id. */
export function recordNetworkEvent(db: Store, stamp: EventStamp, event: NetworkEventInput): number {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO network_events (at, boot_id, uptime_seconds, interface, kind, ladder_id, rung, outcome, detail, duration_ms, exit_code, output_tail)
       VALUES (@at, @bootId, @uptimeSeconds, @interface, @kind, @ladderId, @rung, @outcome, @detail, @durationMs, @exitCode, @outputTail)`,
    )
    .run({
      at: stamp.at,
      bootId: stamp.bootId ?? null,
      uptimeSeconds: stamp.uptimeSeconds ?? null,
      interface: event.interface,
      kind: event.kind,
      ladderId: event.ladderId ?? null,
      rung: event.rung ?? null,
      outcome: event.outcome ?? null,
      detail: event.detail ?? null,
      durationMs: event.durationMs === undefined ? null : Math.round(event.durationMs),
      exitCode: event.exitCode ?? null,
      outputTail: event.outputTail === undefined || event.outputTail === '' ? null : event.outputTail,
    });
  return Number(lastInsertRowid);
}

/** Completes an event written before its outcome was known (a reboot is recorded before its command runs). */
export function completeNetworkEvent(
  db: Store,
  id: number,
  outcome: Pick<NetworkEventInput, 'outcome' | 'detail' | 'durationMs' | 'exitCode' | 'outputTail'>,
): void {
  db.prepare(
    `UPDATE network_events SET outcome = @outcome, detail = COALESCE(@detail, detail), duration_ms = @durationMs,
       exit_code = @exitCode, output_tail = @outputTail WHERE id = @id`,
  ).run({
    id,
    outcome: outcome.outcome ?? null,
    detail: outcome.detail ?? null,
    durationMs: outcome.durationMs === undefined ? null : Math.round(outcome.durationMs),
    exitCode: outcome.exitCode ?? null,
    outputTail: outcome.outputTail === undefined || outcome.outputTail === '' ? null : outcome.outputTail,
  });
}
