import { randomUUID } from 'node:crypto';
import type { Store } from '../../store/open-store.js';
import { readOpenIncident, writeIncident, type IncidentTable, type OpenIncident } from '../../store/incidents.js';
import type { WatchdogEvent } from '../watchdog-event.js';
import { decideIncidentStep } from './decide-incident-step.js';
import { recordRaised } from '../queue/raised-events.js';

/**
 * A new incident id: random (a UUID), so it is never given twice on the device, nor after
 * retention, a database restored from a backup or made afresh (a counter in the database
 * would start again from what it held): a pager deduplicates by host and id.
 */
export function newIncidentId(): string {
  return randomUUID();
}

/**
 * Keeps the incident of the event's subject (opens, closes, notes the recovery that last
 * started the app) and returns the event as it is raised, with `details.incident_id` when
 * it belongs to one; `undefined` when it must not be raised (it closes or reminds of an
 * incident that is no longer open). Run it in the transaction that queues the event: the
 * incident and the notification are kept together, or neither is.
 */
export function trackIncident(
  db: Store,
  event: WatchdogEvent,
  newId: () => string = newIncidentId,
): WatchdogEvent | undefined {
  const where = incidentPlaceOf(event);
  if (where === undefined) return event;
  const open = readOpenIncident(db, where.table, where.key);
  const step = decideIncidentStep({
    kind: event.kind,
    subject: where.table === 'network_state' ? 'interface' : 'process',
    details: event.details,
    open: open !== undefined,
  });
  switch (step.kind) {
    case 'none':
      return event;
    case 'drop':
      return undefined;
    case 'open': {
      const opened: OpenIncident = { id: newId(), openedAt: event.at, recoveryId: null };
      writeIncident(db, where.table, where.key, opened);
      recordRaised(db, 'incident_changed', where.key, event.at);
      return withIncidentId(event, opened.id);
    }
    case 'carry':
      if (open === undefined) return event;
      if (step.recoveryId !== undefined && step.recoveryId !== open.recoveryId)
        writeIncident(db, where.table, where.key, { ...open, recoveryId: step.recoveryId });
      return withIncidentId(event, open.id);
    case 'close':
      if (open === undefined) return event;
      writeIncident(db, where.table, where.key, undefined);
      recordRaised(db, 'incident_changed', where.key, event.at);
      return withIncidentId(event, open.id);
  }
}

function incidentPlaceOf(event: WatchdogEvent): { table: IncidentTable; key: string } | undefined {
  if (event.processKey !== undefined) return { table: 'process_state', key: event.processKey };
  if (event.interface !== undefined) return { table: 'network_state', key: event.interface };
  return undefined;
}

function withIncidentId(event: WatchdogEvent, id: string): WatchdogEvent {
  return { ...event, details: { ...event.details, incident_id: id } };
}
