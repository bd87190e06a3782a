import type { Store } from './open-store.js';
import { beginRecovery, finishRecovery, type RecoveryStart } from './record-recovery.js';

/** Where a refusal went: a new `skipped` row, or the last one, for the same reason, counted again. */
export interface RefusalRecorded {
  recoveryId: number;
  /** How many refusals the row stands for now (1: a new row). */
  times: number;
}

/**
 * Records that cron refused a due recovery (`skipped`, with why). A refusal for the same
 * reason as the process's last recovery row (itself such a refusal) updates that row instead
 * of adding one: its `finished_at` moves to this refusal, its detail counts the refusals since
 * its `started_at`. A refusal repeated every minute for days keeps one row, and the row still
 * says what happened, from when to when.
 */
export function recordRefusal(
  db: Store,
  start: Omit<RecoveryStart, 'kind'> & { kind: 'recovery' },
  why: string,
): RefusalRecorded {
  const last = db
    .prepare<[string], { id: number; kind: string; command: string; outcome: string | null; detail: string | null }>(
      'SELECT id, kind, command, outcome, detail FROM recoveries WHERE process_key = ? ORDER BY id DESC LIMIT 1',
    )
    .get(start.processKey);
  const before =
    last !== undefined && last.kind === start.kind && last.command === start.command && last.outcome === 'skipped'
      ? timesRefused(last.detail, why)
      : undefined;
  if (last !== undefined && before !== undefined) {
    const times = before + 1;
    db.prepare('UPDATE recoveries SET finished_at = ?, detail = ? WHERE id = ?').run(
      start.startedAt,
      repeatedDetail(why, times, start.startedAt),
      last.id,
    );
    return { recoveryId: last.id, times };
  }
  const recoveryId = beginRecovery(db, start);
  finishRecovery(db, recoveryId, {
    finishedAt: start.startedAt,
    durationMs: 0,
    outcome: 'skipped',
    detail: why,
    startedPid: null,
  });
  return { recoveryId, times: 1 };
}

function repeatedDetail(why: string, times: number, lastAt: string): string {
  return `${why} (refused ${times} times in a row, the last at ${lastAt})`;
}

/** How many refusals for `why` a row's detail stands for; `undefined` when it is another reason. */
function timesRefused(detail: string | null, why: string): number | undefined {
  if (detail === why) return 1;
  if (detail === null || !detail.startsWith(`${why} (refused `)) return undefined;
  const times = /^ \(refused (\d+) times in a row, the last at [^)]*\)$/.exec(detail.slice(why.length))?.[1];
  return times === undefined ? undefined : Number(times);
}
