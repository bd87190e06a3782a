import type { RaiseEvent } from '../notify/watchdog-event.js';
import { readOpenProcessIncidents } from '../store/incidents.js';
import type { Store } from '../store/open-store.js';
import { formatSeconds } from '../time/format-duration.js';
import type { AssessedCheck } from './process-check.js';
import { secondsBetween } from './raise-recovered.js';

/**
 * Offers a reminder (`process_still_down`) of each process (or file system entry) checked
 * in this tick that has an incident open and is still not healthy: down, starting, or given
 * up on. `remind` queues it for the channels it is due for (`remind_after_seconds`), if
 * any. A process turned off has no incident open (`off` closed it); one disabled or removed
 * is not checked, so not reminded of.
 */
export function raiseReminders(checks: readonly AssessedCheck[], at: string, db: Store, remind: RaiseEvent): void {
  const down = checks.filter((check) => check.verdict.state !== 'healthy' && check.verdict.state !== 'off');
  if (down.length === 0) return;
  const open = readOpenProcessIncidents(db);
  for (const { process, verdict } of down) {
    const incident = open.get(process.key);
    if (incident === undefined) continue;
    const downSeconds = secondsBetween(incident.openedAt, at);
    const since = downSeconds === null ? `since ${incident.openedAt}` : `for ${formatSeconds(downSeconds)}`;
    remind({
      kind: 'process_still_down',
      at,
      processKey: process.key,
      displayName: process.display_name,
      summary: `${process.key}: still ${verdict.state} ${since}: ${verdict.reason}`,
      details: {
        down_since: incident.openedAt,
        down_seconds: downSeconds,
        state: verdict.state,
        reason: verdict.reason,
      },
    });
  }
}
