import type { Store } from './open-store.js';

/**
 * The incident open for a process (`process_state`) or an interface (`network_state`):
 * from the first event about a failure to the event that closes it. Its id is in every
 * event of it, so a receiver (a pager) can open it once and resolve it.
 */
export interface OpenIncident {
  id: string;
  /** When its first event was raised (UTC, ISO 8601). */
  openedAt: string;
  /** The recovery whose start was the incident's last success (null: none, or a failure came after it); processes only. */
  recoveryId: number | null;
}

/** Where a subject's incident is kept: a process's (or file system entry's) row, or an interface's. */
export type IncidentTable = 'process_state' | 'network_state';

const KEY_COLUMN: Record<IncidentTable, string> = { process_state: 'process_key', network_state: 'interface' };

interface IncidentColumns {
  incident_id: string | null;
  incident_opened_at: string | null;
  incident_recovery_id?: number | null;
}

/** The subject's open incident, or `undefined` when none is open (or it has no row). */
export function readOpenIncident(db: Store, table: IncidentTable, key: string): OpenIncident | undefined {
  const recovery = table === 'process_state' ? ', incident_recovery_id' : '';
  const row = db
    .prepare<[string], IncidentColumns>(
      `SELECT incident_id, incident_opened_at${recovery} FROM ${table} WHERE ${KEY_COLUMN[table]} = ?`,
    )
    .get(key);
  if (row?.incident_id === null || row?.incident_id === undefined) return undefined;
  return { id: row.incident_id, openedAt: row.incident_opened_at ?? '', recoveryId: row.incident_recovery_id ?? null };
}

/** The processes (and file system entries) with an incident open, by key. */
export function readOpenProcessIncidents(db: Store): Map<string, OpenIncident & { off: boolean }> {
  const rows = db
    .prepare<[], IncidentColumns & { process_key: string; off_since: string | null }>(
      'SELECT process_key, incident_id, incident_opened_at, incident_recovery_id, off_since FROM process_state WHERE incident_id IS NOT NULL',
    )
    .all();
  return new Map(
    rows.map((row) => [
      row.process_key,
      {
        id: row.incident_id ?? '',
        openedAt: row.incident_opened_at ?? '',
        recoveryId: row.incident_recovery_id ?? null,
        // Turned off (a person's `off`): a process or a file system entry alike.
        off: row.off_since !== null,
      },
    ]),
  );
}

/**
 * Opens (or, with `undefined`, closes) the subject's incident. The row is made when the
 * subject has none yet (an interface's first check may be its failure), with its other
 * columns at their defaults.
 */
export function writeIncident(db: Store, table: IncidentTable, key: string, incident: OpenIncident | undefined): void {
  const values = {
    key,
    id: incident?.id ?? null,
    openedAt: incident?.openedAt ?? null,
    recoveryId: incident?.recoveryId ?? null,
  };
  const recovery = table === 'process_state';
  db.prepare(
    `INSERT INTO ${table} (${KEY_COLUMN[table]}, incident_id, incident_opened_at${recovery ? ', incident_recovery_id' : ''})
     VALUES (@key, @id, @openedAt${recovery ? ', @recoveryId' : ''})
     ON CONFLICT (${KEY_COLUMN[table]}) DO UPDATE SET incident_id = excluded.incident_id,
       incident_opened_at = excluded.incident_opened_at${recovery ? ', incident_recovery_id = excluded.incident_recovery_id' : ''}`,
  ).run(recovery ? values : { key: values.key, id: values.id, openedAt: values.openedAt });
}
