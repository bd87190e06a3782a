import type { ChannelConfig, NotifyConfig } from './config/notify-types.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { AuditWriter } from '../store/audit-writer.js';
import {
  channelsWithPending,
  dropPendingBefore,
  dropPendingOfChannel,
  markAttemptFailed,
  markDelivered,
  readPending,
  type NotificationRow,
} from './queue/notification-rows.js';
import { clampDate } from '../time/clamp-date.js';
import { formatSeconds } from '../time/format-duration.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import type { SendOutcome } from './channels/send-outcome.js';
import type { EventPayload } from './watchdog-event.js';
import { formatCount } from '../display/format-count.js';

export interface DeliveryDeps {
  audit: AuditWriter;
  logger: Logger;
  /** The wall clock: dates attempts and ages the queue. */
  now: () => Date;
  /** The clock the delivery budget is measured on: one nothing steps. */
  monotonicMs: () => number;
  sleep: (ms: number) => Promise<void>;
  /** One attempt on one channel. */
  send: (
    channel: ChannelConfig,
    payload: EventPayload & { notification_id: number },
    timeoutMs: number,
  ) => Promise<SendOutcome>;
}

/** What a delivery pass did, for the log and the metrics. */
export interface DeliveryReport {
  delivered: number;
  /** Refused for good by the receiver. */
  failed: number;
  /** Still queued for a later tick. */
  waiting: number;
  /** Dropped as too old, or of a channel no longer in the config. */
  dropped: number;
}

/**
 * Sends what is queued, each channel oldest first, so the receiver sees events in the
 * order they happened (each with its original time). A channel whose oldest notification
 * cannot be delivered yet is left for the next tick (the uplink is probably down): the
 * rest of its queue waits behind it, and nothing is reordered. The whole pass stops once
 * `delivery_budget_seconds` is spent. Never throws: a failure is logged and counted.
 */
export async function deliverNotifications(notify: NotifyConfig, deps: DeliveryDeps): Promise<DeliveryReport> {
  const report: DeliveryReport = { delivered: 0, failed: 0, waiting: 0, dropped: 0 };
  try {
    report.dropped += dropStale(notify, deps);
    const deadline = deps.monotonicMs() + notify.delivery_budget_seconds * 1000;
    for (const [position, channel] of notify.channels.entries()) {
      const pending = readPending(deps.audit.db, channel.name);
      // An equal share of what is left, so one unreachable channel cannot starve the others;
      // what a channel does not use goes to those after it.
      const share = (deadline - deps.monotonicMs()) / (notify.channels.length - position);
      const channelDeadline = deps.monotonicMs() + share;
      for (const [index, row] of pending.entries()) {
        const left = channelDeadline - deps.monotonicMs();
        if (left <= 0) {
          report.waiting += pending.length - index;
          deps.logger.warn(
            `notify: ${channel.name}: ${formatCount(pending.length - index, 'notification')} ${pending.length - index === 1 ? 'waits' : 'wait'} for the next tick: its share of notify.delivery_budget_seconds (${notify.delivery_budget_seconds}s) is spent`,
          );
          break;
        }
        const outcome = await deliverOne(channel, row, channelDeadline, deps);
        if (outcome.kind === 'delivered') report.delivered += 1;
        else if (outcome.kind === 'refused') report.failed += 1;
        else {
          report.waiting += pending.length - index;
          break;
        }
      }
    }
  } catch (error) {
    deps.logger.error(`notify: delivery stopped: ${describeError(error)}`);
  }
  return report;
}

/** Drops what is too old to matter, and what waits for a channel the config no longer has. */
function dropStale(notify: NotifyConfig, deps: DeliveryDeps): number {
  const nowMs = deps.now().getTime();
  const before = formatUtcTimestamp(clampDate(nowMs - notify.max_age_hours * 3600 * 1000));
  const configured = new Set(notify.channels.map((channel) => channel.name));
  // Read first: with nothing waiting (most ticks) there is nothing to drop, and no write.
  if (channelsWithPending(deps.audit.db).length === 0) return 0;
  return deps.audit.write((db) => {
    let dropped = 0;
    for (const channel of channelsWithPending(db)) {
      const count = configured.has(channel)
        ? dropPendingBefore(db, channel, before, `not delivered within notify.max_age_hours (${notify.max_age_hours})`)
        : dropPendingOfChannel(db, channel, 'the channel is no longer in the config');
      if (count > 0)
        deps.logger.warn(
          `notify: ${channel}: dropped ${formatCount(count, 'notification')} ${configured.has(channel) ? `older than ${notify.max_age_hours} hours, never delivered` : 'of a channel no longer in the config'}`,
        );
      dropped += count;
    }
    return dropped;
  });
}

/** One notification: an attempt, and `retries` more after a growing wait while the answer may change. */
async function deliverOne(
  channel: ChannelConfig,
  row: NotificationRow,
  deadline: number,
  deps: DeliveryDeps,
): Promise<SendOutcome> {
  const parsed = parsePayload(row.payload);
  if (parsed === undefined) {
    // Not what this watchdog queued (a hand-edited database): kept for a person, never retried.
    deps.audit.write((db) =>
      markAttemptFailed(db, row.id, formatUtcTimestamp(deps.now()), 0, 'the queued payload is not JSON', 'failed'),
    );
    deps.logger.error(`notify: ${channel.name}: notification ${row.id} has a payload that is not JSON; marked failed`);
    return { kind: 'refused', detail: 'the queued payload is not JSON' };
  }
  const payload = { ...parsed, notification_id: row.id };
  let outcome: SendOutcome = { kind: 'retry', detail: 'not tried' };
  let attempts = 0;
  for (let attempt = 0; attempt <= channel.retries; attempt += 1) {
    if (attempt > 0) {
      const waitMs = channel.retry_backoff_seconds * 1000 * 2 ** (attempt - 1);
      if (deps.monotonicMs() + waitMs >= deadline) break;
      await deps.sleep(waitMs);
    }
    const left = deadline - deps.monotonicMs();
    if (left <= 0) break;
    outcome = await sendSafely(channel, payload, Math.min(channel.timeout_seconds * 1000, left), deps);
    attempts += 1;
    if (outcome.kind !== 'retry') break;
  }
  // The budget ran out before a first attempt: nothing to record, it waits as it was.
  if (attempts === 0) return outcome;
  const at = formatUtcTimestamp(deps.now());
  const what = `${row.event} of ${row.created_at}${row.subject === '' ? '' : ` (${row.subject})`}`;
  deps.audit.write((db) => {
    if (outcome.kind === 'delivered') markDelivered(db, row.id, at, attempts);
    else markAttemptFailed(db, row.id, at, attempts, outcome.detail, outcome.kind === 'refused' ? 'failed' : 'pending');
  });
  if (outcome.kind === 'delivered') deps.logger.info(`notify: ${channel.name}: sent ${what}: ${outcome.detail}`);
  else if (outcome.kind === 'refused')
    deps.logger.error(`notify: ${channel.name}: ${what} refused, not retried: ${outcome.detail}`);
  else {
    const late = formatSeconds(Math.max(0, Date.parse(at) - Date.parse(row.created_at)) / 1000);
    deps.logger.warn(
      `notify: ${channel.name}: cannot send ${what} yet (queued ${late} ago, ${formatCount(row.attempts + attempts, 'attempt')}); tried again next tick: ${outcome.detail}`,
    );
  }
  return outcome;
}

function parsePayload(text: string): EventPayload | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as EventPayload) : undefined;
  } catch {
    return undefined;
  }
}

/** An attempt that throws (a bug, a library's surprise) counts as one that may pass later. */
async function sendSafely(
  channel: ChannelConfig,
  payload: EventPayload & { notification_id: number },
  timeoutMs: number,
  deps: DeliveryDeps,
): Promise<SendOutcome> {
  try {
    return await deps.send(channel, payload, timeoutMs);
  } catch (error) {
    return { kind: 'retry', detail: `the watchdog could not send it: ${describeError(error)}` };
  }
}
