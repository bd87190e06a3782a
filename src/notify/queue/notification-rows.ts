import { COUNTED_ROWS, countRows } from '../../store/metric-counts.js';
import type { Store } from '../../store/open-store.js';

/**
 * The notification queue: one row per event and channel, `pending` until delivered, so a
 * notification raised while the uplink is down goes out on a later tick, in order.
 * `failed`: the receiver refused it for good; `dropped`: too old, or too many waiting.
 */
export type NotificationState = 'pending' | 'delivered' | 'failed' | 'dropped';

export interface NotificationRow {
  id: number;
  channel: string;
  event: string;
  subject: string;
  created_at: string;
  payload: string;
  state: NotificationState;
  attempts: number;
  last_attempt_at: string | null;
  last_error: string | null;
  delivered_at: string | null;
}

export interface QueuedNotification {
  channel: string;
  event: string;
  subject: string;
  createdAt: string;
  payload: string;
}

/**
 * The notification of `event` for the subject last queued for the channel that told, or
 * will tell, someone (the newest `pending` or `delivered` by id): its id and time. One
 * `dropped` or refused for good (`failed`) told no one, so it holds nothing back.
 */
export function lastQueued(
  db: Store,
  channel: string,
  event: string,
  subject: string,
): { id: number; at: string } | undefined {
  return db
    .prepare<[string, string, string], { id: number; at: string }>(
      "SELECT id, created_at AS at FROM notifications WHERE channel = ? AND event = ? AND subject = ? AND state IN ('pending', 'delivered') ORDER BY id DESC LIMIT 1",
    )
    .get(channel, event, subject);
}

/** Queues one notification; returns its id. */
export function queueNotification(db: Store, row: QueuedNotification): number {
  const result = db
    .prepare(
      "INSERT INTO notifications (channel, event, subject, created_at, payload, state) VALUES (?, ?, ?, ?, ?, 'pending')",
    )
    .run(row.channel, row.event, row.subject, row.createdAt, row.payload);
  return Number(result.lastInsertRowid);
}

/** The channel's undelivered notifications, oldest first. */
export function readPending(db: Store, channel: string): NotificationRow[] {
  return (
    db
      // In the order raised: the id, not the time, which a clock set right by NTP can make jump.
      .prepare<[string], NotificationRow>(
        "SELECT * FROM notifications WHERE channel = ? AND state = 'pending' ORDER BY id",
      )
      .all(channel)
  );
}

/** Channels that have undelivered notifications. */
export function channelsWithPending(db: Store): string[] {
  return db
    .prepare<[], { channel: string }>(
      "SELECT DISTINCT channel FROM notifications WHERE state = 'pending' ORDER BY channel",
    )
    .all()
    .map((row) => row.channel);
}

/** Delivered after `attempts` more attempts. */
export function markDelivered(db: Store, id: number, at: string, attempts: number): void {
  db.prepare(
    "UPDATE notifications SET state = 'delivered', attempts = attempts + ?, last_attempt_at = ?, delivered_at = ?, last_error = NULL WHERE id = ?",
  ).run(attempts, at, at, id);
  // Kept beside the rows, which retention deletes: the metrics and `status` tell the last delivery however old.
  db.prepare(
    `INSERT INTO notification_channels (channel, last_delivered_at) SELECT channel, ? FROM notifications WHERE id = ?
     ON CONFLICT (channel) DO UPDATE SET last_delivered_at = excluded.last_delivered_at`,
  ).run(at, id);
}

/** `attempts` more failed attempts: `failed` for good, or still `pending` for a later tick. */
export function markAttemptFailed(
  db: Store,
  id: number,
  at: string,
  attempts: number,
  error: string,
  state: 'pending' | 'failed',
): void {
  db.prepare(
    'UPDATE notifications SET state = ?, attempts = attempts + ?, last_attempt_at = ?, last_error = ? WHERE id = ?',
  ).run(state, attempts, at, error, id);
  if (state === 'failed')
    db.prepare(
      `INSERT INTO notification_channels (channel, last_refused_at, last_refused_id, last_refused_event, last_refused_subject, last_refused_created_at, last_refused_error)
         SELECT channel, ?, id, event, subject, created_at, ? FROM notifications WHERE id = ?
       ON CONFLICT (channel) DO UPDATE SET last_refused_at = excluded.last_refused_at, last_refused_id = excluded.last_refused_id,
         last_refused_event = excluded.last_refused_event, last_refused_subject = excluded.last_refused_subject,
         last_refused_created_at = excluded.last_refused_created_at, last_refused_error = excluded.last_refused_error`,
    ).run(at, error, id);
}

/** Drops the channel's pending notifications created before `before`; returns how many. */
export function dropPendingBefore(db: Store, channel: string, before: string, why: string): number {
  return db
    .prepare(
      "UPDATE notifications SET state = 'dropped', last_error = ? WHERE channel = ? AND state = 'pending' AND created_at < ?",
    )
    .run(why, channel, before).changes;
}

/** Drops the oldest pending notifications of the channel beyond `keep`; returns how many. */
export function dropPendingBeyond(db: Store, channel: string, keep: number, why: string): number {
  return db
    .prepare(
      `UPDATE notifications SET state = 'dropped', last_error = ? WHERE id IN (
         SELECT id FROM notifications WHERE channel = ? AND state = 'pending' ORDER BY id DESC LIMIT -1 OFFSET ?)`,
    )
    .run(why, channel, keep).changes;
}

/** Drops every pending notification of a channel the config no longer has; returns how many. */
export function dropPendingOfChannel(db: Store, channel: string, why: string): number {
  return db
    .prepare("UPDATE notifications SET state = 'dropped', last_error = ? WHERE channel = ? AND state = 'pending'")
    .run(why, channel).changes;
}

/** How many notifications of each channel wait, for the metrics. */
export function countPending(db: Store): Map<string, number> {
  const rows = db
    .prepare<[], { channel: string; count: number }>(
      "SELECT channel, COUNT(*) AS count FROM notifications WHERE state = 'pending' GROUP BY channel",
    )
    .all();
  return new Map(rows.map((row) => [row.channel, row.count]));
}

/**
 * When the notification that has waited longest by the clock of each channel with some
 * waiting was raised (the earliest time, which after a clock set back need not be the
 * first raised), for the metrics; as `status` tells it.
 */
export function oldestPending(db: Store): Map<string, string> {
  const rows = db
    .prepare<[], { channel: string; oldest: string }>(
      "SELECT channel, MIN(created_at) AS oldest FROM notifications WHERE state = 'pending' GROUP BY channel",
    )
    .all();
  return new Map(rows.map((row) => [row.channel, row.oldest]));
}

/** The most recent notifications, newest first: all, or those about one process. */
export function readNotifications(
  db: Store,
  { processKey, limit }: { processKey?: string | undefined; limit: number },
): NotificationRow[] {
  if (processKey === undefined)
    return db
      .prepare<[number], NotificationRow>('SELECT * FROM notifications ORDER BY created_at DESC, id DESC LIMIT ?')
      .all(limit);
  return db
    .prepare<[string, number], NotificationRow>(
      'SELECT * FROM notifications WHERE subject = ? ORDER BY created_at DESC, id DESC LIMIT ?',
    )
    .all(processKey, limit);
}

/** A channel's last notification refused for good, for `status`. */
export interface ChannelRefusal {
  /** When it was refused. */
  at: string;
  notification_id: number;
  event: string;
  /** The process, interface, zone or file system entry it was about ('' for none). */
  subject: string;
  /** When the event was raised. */
  raised_at: string;
  /** The receiver's answer (secrets redacted). */
  error: string | null;
}

/** How a channel's notifications stand, for `status`. */
export interface ChannelSummary {
  channel: string;
  pending: number;
  /** When the oldest one waiting was raised. */
  oldest_pending_at: string | null;
  /** Why the oldest one waiting has not gone out yet. */
  last_error: string | null;
  last_delivered_at: string | null;
  /** Delivered, refused for good and dropped, in all (those retention deleted included): what the metrics count. */
  delivered: number;
  failed: number;
  dropped: number;
  last_refusal: ChannelRefusal | null;
}

/** A channel before anything was queued for it (or with the audit log unreadable). */
export function emptyChannelSummary(channel: string): ChannelSummary {
  return {
    channel,
    pending: 0,
    oldest_pending_at: null,
    last_error: null,
    last_delivered_at: null,
    delivered: 0,
    failed: 0,
    dropped: 0,
    last_refusal: null,
  };
}

interface ChannelRow {
  last_delivered_at: string | null;
  last_refused_at: string | null;
  last_refused_id: number | null;
  last_refused_event: string | null;
  last_refused_subject: string | null;
  last_refused_created_at: string | null;
  last_refused_error: string | null;
}

/** Each channel's last delivery and refusal, kept beside the rows (which retention deletes). */
export function readChannelRows(db: Store): Map<string, ChannelRow & { channel: string }> {
  const rows = db.prepare<[], ChannelRow & { channel: string }>('SELECT * FROM notification_channels').all();
  return new Map(rows.map((row) => [row.channel, row]));
}

export function readChannelSummary(db: Store, channel: string): ChannelSummary {
  const waiting = db
    .prepare<[string], { pending: number; oldest: string | null }>(
      "SELECT COUNT(*) AS pending, MIN(created_at) AS oldest FROM notifications WHERE channel = ? AND state = 'pending'",
    )
    .get(channel);
  const head = db
    .prepare<[string], { last_error: string | null }>(
      "SELECT last_error FROM notifications WHERE channel = ? AND state = 'pending' ORDER BY id LIMIT 1",
    )
    .get(channel);
  const kept = readChannelRows(db).get(channel);
  const counts = new Map(
    countRows(db, COUNTED_ROWS.notifications)
      .filter((count) => count.labels.channel === channel)
      .map((count) => [count.labels.outcome, count.value]),
  );
  return {
    channel,
    pending: waiting?.pending ?? 0,
    oldest_pending_at: waiting?.oldest ?? null,
    last_error: head?.last_error ?? null,
    last_delivered_at: kept?.last_delivered_at ?? null,
    delivered: counts.get('delivered') ?? 0,
    failed: counts.get('failed') ?? 0,
    dropped: counts.get('dropped') ?? 0,
    last_refusal: refusalOf(kept),
  };
}

function refusalOf(row: ChannelRow | undefined): ChannelRefusal | null {
  if (row?.last_refused_at == null || row.last_refused_id === null) return null;
  return {
    at: row.last_refused_at,
    notification_id: row.last_refused_id,
    event: row.last_refused_event ?? '',
    subject: row.last_refused_subject ?? '',
    raised_at: row.last_refused_created_at ?? '',
    error: row.last_refused_error,
  };
}
