import { recordAuditEvent } from './audit-events.js';
import type { Store } from './open-store.js';

/** What a key of `process_state` is: a process, or a file system entry (they share the tables). */
export type SubjectKind = 'process' | 'filesystem';

const NAMES: Record<SubjectKind, string> = { process: 'a process', filesystem: 'a file system entry' };

/**
 * Makes a key's state that of a subject of another kind start afresh: a key moved from
 * `processes` to `filesystems` (or back) must not carry its `off`, give-up, failure count,
 * start or recovery budget across. Every column is emptied (an update, not a delete, which a
 * journal would lose), recoveries count from `at`, and an audit event says it. Run it in the
 * check's transaction.
 */
export function startSubjectAfresh(db: Store, key: string, was: string, kind: SubjectKind, at: string): void {
  const columns = db
    .prepare<[], { name: string }>('PRAGMA table_info(process_state)')
    .all()
    .map((column) => column.name)
    .filter((name) => name !== 'process_key' && name !== 'consecutive_failures');
  db.prepare(
    `UPDATE process_state SET ${columns.map((name) => `"${name}" = NULL`).join(', ')}, consecutive_failures = 0,
       recoveries_counted_since = @at, subject_kind = @kind WHERE process_key = @key`,
  ).run({ at, kind, key });
  const before = was in NAMES ? NAMES[was as SubjectKind] : was;
  recordAuditEvent(db, {
    at,
    kind: 'subject_changed',
    processKey: key,
    detail: `${key} was ${before}, now ${NAMES[kind]}: its state starts afresh (off, give-up, failures, recoveries)`,
  });
}

/** Records the kind of subject a key's state is of, when it is not yet. */
export function setSubjectKind(db: Store, key: string, kind: SubjectKind): void {
  db.prepare('UPDATE process_state SET subject_kind = ? WHERE process_key = ?').run(kind, key);
}
