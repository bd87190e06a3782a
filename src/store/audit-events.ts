import type { Store } from './open-store.js';

/**
 * What happened to the watchdog itself, beside its checks and recoveries: `db_moved_aside`
 * (a corrupt database replaced by a fresh one), `journal_replayed` (rows kept while the
 * database could not take them, now written), `gave_up` (the crash-loop guard stopped
 * recovering a process), `reset` (a person resumed it), `thermal_<level>` (a thermal
 * zone changed level; the detail names the zone) and `subject_changed` (a key checked as a
 * process became a file system entry's, or back: its state started afresh).
 */
export type AuditEventKind =
  | 'db_moved_aside'
  | 'journal_replayed'
  | 'gave_up'
  | 'reset'
  | 'thermal_normal'
  | 'thermal_warning'
  | 'thermal_critical'
  | 'thermal_unreadable'
  | 'subject_changed';

export interface AuditEvent {
  at: string;
  kind: AuditEventKind;
  processKey?: string | undefined;
  detail: string;
}

export interface AuditEventRow {
  id: number;
  at: string;
  kind: string;
  process_key: string | null;
  detail: string | null;
}

export function recordAuditEvent(db: Store, event: AuditEvent): void {
  db.prepare('INSERT INTO audit_events (at, kind, process_key, detail) VALUES (?, ?, ?, ?)').run(
    event.at,
    event.kind,
    event.processKey ?? null,
    event.detail,
  );
}

/** The most recent events, newest first: all, or those of one process. */
export function readAuditEvents(
  db: Store,
  { processKey, limit }: { processKey?: string | undefined; limit: number },
): AuditEventRow[] {
  if (processKey === undefined)
    return db.prepare<[number], AuditEventRow>('SELECT * FROM audit_events ORDER BY id DESC LIMIT ?').all(limit);
  return db
    .prepare<[string, number], AuditEventRow>(
      'SELECT * FROM audit_events WHERE process_key = ? ORDER BY id DESC LIMIT ?',
    )
    .all(processKey, limit);
}
