import type { FoldedRun, FoldedUsage } from '../store/folded-checks.js';
import type { ProcessStateRow } from '../store/read-state.js';
import { identityColumnOf, type CheckRecord } from '../store/record-checks.js';
import type { SubjectKind } from '../store/subject-kind.js';

/** The recorded states a run of unchanged checks may hold: those a key stays in, tick after tick. */
const FOLDABLE_STATES: ReadonlySet<string> = new Set(['healthy', 'off', 'gave_up']);

/**
 * Whether a check changes nothing the database holds of its key but when it ran and what the
 * heartbeat says of itself at every beat (its time, iteration, age; and, when healthy, the
 * reason that quotes them). Such a check may wait in memory, folded with the others of its
 * run (docs/storage-writes.md); any other (a failure counted, a recovery due, a new PID, a
 * person's command since the last check, a key new or of the other kind) is written at once.
 */
export function isUnchangedCheck(
  row: ProcessStateRow | undefined,
  record: CheckRecord,
  kind: SubjectKind,
): row is ProcessStateRow {
  if (row === undefined || row.last_check_at === null) return false;
  const { verdict } = record;
  return (
    FOLDABLE_STATES.has(verdict.state) &&
    row.last_health === verdict.state &&
    (row.subject_kind ?? null) === kind &&
    row.last_state_source === 'check' &&
    row.last_heartbeat_state === record.heartbeatState &&
    row.consecutive_failures === record.consecutiveFailures &&
    record.actionTaken === null &&
    record.recoveryDueSince === null &&
    row.recovery_due_since === null &&
    record.gaveUpReason === undefined &&
    row.last_pid === (verdict.pid ?? null) &&
    row.last_identity === identityColumnOf(verdict) &&
    row.last_heartbeat_status === (verdict.status ?? null) &&
    row.last_warning === (verdict.warning ?? null) &&
    (row.last_match_count ?? null) === (verdict.matchCount ?? null) &&
    (verdict.state === 'healthy' || row.last_reason === verdict.reason)
  );
}

/**
 * The run an unchanged check belongs to: the key's waiting run extended when it continues
 * the same database row (`after`), else a new run of this one check.
 */
export function foldCheck(
  waiting: FoldedRun | undefined,
  row: ProcessStateRow,
  record: CheckRecord,
  usage?: FoldedUsage,
): FoldedRun {
  const { verdict } = record;
  const continues = waiting !== undefined && waiting.after === row.last_check_at;
  return {
    after: row.last_check_at,
    first: continues ? waiting.first : record.checkedAt,
    last: record.checkedAt,
    count: continues ? waiting.count + 1 : 1,
    heartbeatTs: verdict.heartbeatTimestamp ?? null,
    iteration: verdict.iteration ?? null,
    ageSeconds: verdict.heartbeatAgeSeconds ?? null,
    reason: verdict.reason,
    ...(usage === undefined ? {} : { usage }),
  };
}
