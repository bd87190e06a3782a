import type { AuditWriter } from '../store/audit-writer.js';
import { writeIncident, type IncidentTable } from '../store/incidents.js';

/**
 * With no channel to tell (no `notify` section, or none left in it) no event is raised, so
 * an incident opened before would never be closed: its `process_recovered` would be told,
 * stale, days later, when a channel comes back. Such incidents are forgotten instead (no one
 * can be told of their end); an outage still under way then opens a new one at its next
 * event. Read first: nothing is written when none is open. Returns how many were forgotten.
 */
export function forgetUntoldIncidents(audit: AuditWriter): number {
  const open = [
    ...keysWithIncident(audit, 'process_state', 'process_key'),
    ...keysWithIncident(audit, 'network_state', 'interface'),
  ];
  if (open.length === 0) return 0;
  audit.write((db) => {
    for (const { table, key } of open) writeIncident(db, table, key, undefined);
  });
  return open.length;
}

function keysWithIncident(
  audit: AuditWriter,
  table: IncidentTable,
  column: 'process_key' | 'interface',
): { table: IncidentTable; key: string }[] {
  return audit.db
    .prepare<[], { key: string }>(`SELECT ${column} AS key FROM ${table} WHERE incident_id IS NOT NULL`)
    .all()
    .map(({ key }) => ({ table, key }));
}
