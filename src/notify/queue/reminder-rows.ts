import type { Store } from '../../store/open-store.js';

/**
 * When the channel was last reminded of the incident: the `created_at` of the last such
 * reminder queued (by id, the order queued: a clock set back cannot hide a later one).
 */
export function lastReminderAt(
  db: Store,
  channel: string,
  event: string,
  subject: string,
  incidentId: string,
): string | undefined {
  return db
    .prepare<[string, string, string, string], { created_at: string }>(
      `SELECT created_at FROM notifications
       WHERE channel = ? AND subject = ? AND event = ? AND json_extract(payload, '$.details.incident_id') = ?
       ORDER BY id DESC LIMIT 1`,
    )
    .get(channel, subject, event, incidentId)?.created_at;
}
