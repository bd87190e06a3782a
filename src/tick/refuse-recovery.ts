import type { RaiseEvent } from '../notify/watchdog-event.js';
import type { AuditWriter } from '../store/audit-writer.js';
import { readOpenIncident } from '../store/incidents.js';
import { linkCheckToRecovery } from '../store/process-control.js';
import { recordRefusal } from '../store/record-refusal.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import type { ProcessCheck } from './process-check.js';

/** A due recovery that may not start is recorded as a skipped recovery, with why, linked to its check. */
export function refuseRecovery(
  check: ProcessCheck,
  why: string,
  historyId: number | undefined,
  audit: AuditWriter,
  now: Date,
  raise: RaiseEvent,
): void {
  const at = formatUtcTimestamp(now);
  let told = true;
  audit.write((db) => {
    const recorded = recordRefusal(
      db,
      {
        processKey: check.process.key,
        kind: 'recovery',
        command: 'check',
        requestedBy: 'cron',
        triggerHealth: check.verdict.state,
        triggerReason: check.verdict.reason,
        startedAt: at,
      },
      why,
    );
    if (historyId !== undefined) linkCheckToRecovery(db, historyId, recorded.recoveryId);
    // Told once per run of refusals for the same reason (the row that counts them says the
    // rest), and again once the app was healthy in between: its incident closed, a healthy
    // check (which writes no recovery row) did not end the run, and the new outage would
    // otherwise be told to no one.
    told = recorded.times === 1 || readOpenIncident(db, 'process_state', check.process.key) === undefined;
  });
  if (!told) return;
  const { process, verdict } = check;
  raise({
    kind: 'recovery_refused',
    at,
    processKey: process.key,
    displayName: process.display_name,
    summary: `${process.key}: its recovery is due (${verdict.reason}) but refused: ${why}`,
    details: { reason: verdict.reason, refused_because: why },
  });
}
