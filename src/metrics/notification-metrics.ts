import type { WatchdogConfig } from '../config/types.js';
import { readChannelRows } from '../notify/queue/notification-rows.js';
import { COUNTED_ROWS, countRows } from '../store/metric-counts.js';
import type { Store } from '../store/open-store.js';
import type { MetricFamily, Sample } from './prometheus-text.js';

/** What becomes of a notification that leaves the queue. */
const OUTCOMES = ['delivered', 'failed', 'dropped'] as const;

/**
 * The notification families (docs/notifications.md): how many left each channel's queue
 * delivered, refused for good or dropped, and when one was last delivered. Every configured
 * channel has all three outcomes, 0 included, so `increase()` sees its first refusal; a channel
 * no longer configured keeps its series while the audit log still has rows of it (its queue is
 * dropped when it goes). Empty without a `notify` section.
 */
export function notificationFamilies(db: Store, config: Pick<WatchdogConfig, 'notify'>): MetricFamily[] {
  if (config.notify === undefined) return [];
  const configured = config.notify.channels.map((channel) => channel.name);
  const counts = new Map(
    countRows(db, COUNTED_ROWS.notifications).map((count) => [
      JSON.stringify([count.labels.channel, count.labels.outcome]),
      count.value,
    ]),
  );
  const channels = [...configured, ...channelsWithRows(db).filter((channel) => !configured.includes(channel))];
  const kept = readChannelRows(db);
  return [
    {
      name: 'watchdog_notifications_total',
      type: 'counter',
      help: 'Notifications that left the queue, by channel and outcome (delivered; failed: refused for good by the receiver; dropped: max_queued, max_age_hours, or the channel left the config).',
      samples: channels.flatMap((channel) =>
        OUTCOMES.map((outcome): Sample => ({
          labels: { channel, outcome },
          value: counts.get(JSON.stringify([channel, outcome])) ?? 0,
        })),
      ),
    },
    {
      name: 'watchdog_notification_last_delivery_timestamp_seconds',
      type: 'gauge',
      help: 'When a notification of the channel was last delivered, in seconds since the epoch (absent before the first).',
      samples: configured.flatMap((channel) => {
        const at = kept.get(channel)?.last_delivered_at;
        return at == null ? [] : [{ labels: { channel }, value: Date.parse(at) / 1000 }];
      }),
    },
  ];
}

/** The channels the audit log still has counted notifications of (retention has not deleted them all). */
function channelsWithRows(db: Store): string[] {
  return db
    .prepare<[], { channel: string }>(
      `SELECT DISTINCT channel FROM notifications WHERE ${COUNTED_ROWS.notifications.where} ORDER BY channel`,
    )
    .all()
    .map((row) => row.channel);
}
