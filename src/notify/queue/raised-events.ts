import type { Store } from '../../store/open-store.js';

/**
 * When each event was last raised for its subject, whatever the channels subscribe to (a
 * table `raised_events`): a channel told of `gave_up` alone must still know that a person
 * ran `on` since it was last told. Written in the transaction that queues the event.
 */
export interface RaisedEvent {
  event: string;
  subject: string;
  raised_at: string;
  /**
   * The last notification id given out when it was raised: ids follow the order events are
   * raised in, which the wall clock (stepped by NTP) does not.
   */
  raised_seq: number;
}

/** The highest notification id given out so far (deleted ones included); 0 before the first. */
export function notificationSeq(db: Store): number {
  return (
    db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'notifications'").get()?.seq ?? 0
  );
}

/** Records that `event` was raised for `subject` now (its order: {@link notificationSeq}). */
export function recordRaised(db: Store, event: string, subject: string, at: string): void {
  db.prepare(
    `INSERT INTO raised_events (raised_key, event, subject, raised_at, raised_seq) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (raised_key) DO UPDATE SET raised_at = excluded.raised_at, raised_seq = excluded.raised_seq`,
  ).run(`${event} ${subject}`, event, subject, at, notificationSeq(db));
}

/** The last raised of `events` for `subject` (by order, not time); `undefined` for none. */
export function lastRaised(db: Store, events: readonly string[], subject: string): RaisedEvent | undefined {
  if (events.length === 0) return undefined;
  return db
    .prepare<unknown[], RaisedEvent>(
      `SELECT event, subject, raised_at, raised_seq FROM raised_events
        WHERE raised_key IN (${events.map(() => '?').join(', ')}) ORDER BY raised_seq DESC LIMIT 1`,
    )
    .get(...events.map((event) => `${event} ${subject}`));
}
