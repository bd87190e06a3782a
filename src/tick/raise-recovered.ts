import type { RaiseEvent } from '../notify/watchdog-event.js';
import { readOpenProcessIncidents, type OpenIncident } from '../store/incidents.js';
import type { Store } from '../store/open-store.js';
import { formatSeconds } from '../time/format-duration.js';
import type { AssessedCheck } from './process-check.js';

/**
 * Raises `process_recovered` for each process (or file system entry) whose check is healthy
 * while it has an incident open: the event closes the incident in the transaction that
 * queues it, so a run killed before it is told at the next healthy check, and one killed
 * after it never twice. A failure that raised nothing (a blip below the threshold) opened
 * no incident, and is not told healed either.
 */
export function raiseRecovered(checks: readonly AssessedCheck[], at: string, db: Store, raise: RaiseEvent): void {
  if (!checks.some((check) => check.verdict.state === 'healthy')) return;
  const open = readOpenProcessIncidents(db);
  for (const check of checks) {
    const incident = open.get(check.process.key);
    if (check.verdict.state === 'healthy' && incident !== undefined) raise(recoveredEvent(check, incident, at));
  }
}

function recoveredEvent(check: AssessedCheck, incident: OpenIncident, at: string): Parameters<RaiseEvent>[0] {
  const { process, verdict } = check;
  const downSeconds = secondsBetween(incident.openedAt, at);
  const healer = incident.recoveryId === null ? 'by itself' : `by recovery #${incident.recoveryId}`;
  const down = downSeconds === null ? '' : ` after ${formatSeconds(downSeconds)} down`;
  return {
    kind: 'process_recovered',
    at,
    processKey: process.key,
    displayName: process.display_name,
    summary: `${process.key}: healthy again${down}, healed ${healer}: ${verdict.reason}`,
    details: {
      down_since: incident.openedAt,
      down_seconds: downSeconds,
      healed_by: incident.recoveryId === null ? 'itself' : 'recovery',
      recovery_id: incident.recoveryId,
      reason: verdict.reason,
    },
  };
}

/** Seconds from `from` to `to`; `null` when either cannot be read or the clock went back between them. */
export function secondsBetween(from: string, to: string): number | null {
  const seconds = (Date.parse(to) - Date.parse(from)) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}
