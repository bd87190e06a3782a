import type { AuditEventRow } from '../../store/audit-events.js';
import { renderTable } from '../../display/render-table.js';

/** `history --events`: what happened to the watchdog itself, newest first. */
export function formatAuditEvents(events: readonly AuditEventRow[]): string[] {
  return renderTable(
    ['ID', 'AT', 'EVENT', 'PROCESS', 'DETAIL'],
    events.map((event) => [String(event.id), event.at, event.kind, event.process_key ?? '-', event.detail ?? '']),
  );
}
