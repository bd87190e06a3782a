import type { NotifyConfig } from '../config/notify-types.js';
import { describeError } from '../../errors.js';
import type { Logger } from '../../logging/logger.js';
import type { AuditWriter } from '../../store/audit-writer.js';
import { dropPendingBeyond, lastQueued, queueNotification } from './notification-rows.js';
import { lastRaised, recordRaised } from './raised-events.js';
import type { Store } from '../../store/open-store.js';
import { isRepeat, REPEAT_RESET_BY } from './decide-repeat.js';
import { payloadOf, subjectOf, type RaiseEvent, type WatchdogEvent } from '../watchdog-event.js';
import { trackIncident } from '../incident/track-incident.js';

export interface QueueOutcome {
  /** Channels it was queued for. */
  queued: string[];
  /** Channels that had the same event for the same subject within their `repeat_after_seconds`. */
  repeats: string[];
}

/**
 * Queues `event` for every channel that subscribes to it, unless it would repeat itself
 * there (see `isRepeat`); keeps each channel's queue within `max_queued` (the oldest go).
 * Records that it was raised, whether or not a channel takes it: what changes the story
 * for one channel may be an event only another is told of.
 */
export function queueEvent(
  db: Store,
  notify: NotifyConfig,
  event: WatchdogEvent,
  host: string,
  nowMs: number,
): QueueOutcome {
  const subject = subjectOf(event);
  const payload = JSON.stringify(payloadOf(event, host));
  const outcome: QueueOutcome = { queued: [], repeats: [] };
  const lastReset = lastRaised(db, REPEAT_RESET_BY[event.kind], subject);
  for (const channel of notify.channels) {
    if (!channel.events.has(event.kind)) continue;
    const repeat = isRepeat({
      lastSame: lastQueued(db, channel.name, event.kind, subject),
      lastResetSeq: lastReset?.raised_seq,
      nowMs,
      repeatAfterSeconds: channel.repeat_after_seconds,
    });
    if (repeat) {
      outcome.repeats.push(channel.name);
      continue;
    }
    queueNotification(db, { channel: channel.name, event: event.kind, subject, createdAt: event.at, payload });
    dropPendingBeyond(
      db,
      channel.name,
      notify.max_queued,
      `more than notify.max_queued (${notify.max_queued}) notifications waited`,
    );
    outcome.queued.push(channel.name);
  }
  recordRaised(db, event.kind, subject, event.at);
  return outcome;
}

/** An event that closes or reminds of an incident no longer open (told already): queued for no channel. */
const NOT_TOLD: QueueOutcome = { queued: [], repeats: [] };

export interface NotifierDeps {
  audit: AuditWriter;
  /** The name events give as their host; asked only when an event is raised. */
  host: () => string;
  now: () => Date;
  logger: Logger;
  /** A new incident's id; random by default (src/notify/incident/track-incident.ts). For testing. */
  newIncidentId?: () => string;
}

/**
 * The tick's (or a manual command's) way to raise events: each is queued at once in the
 * audit log (so the journal keeps it when the database cannot), sent at the end of the
 * run. A failure to queue is logged, never thrown: telling must not stop healing.
 */
export function notifierFor(notify: NotifyConfig | undefined, deps: NotifierDeps): RaiseEvent {
  if (notify === undefined || notify.channels.length === 0) return () => undefined;
  return (event) => {
    try {
      // The incident is kept in the transaction that queues the event: both are kept, or neither.
      const outcome = deps.audit.write((db) => {
        const told = trackIncident(db, event, deps.newIncidentId);
        return told === undefined ? NOT_TOLD : queueEvent(db, notify, told, deps.host(), deps.now().getTime());
      });
      if (outcome.queued.length > 0)
        deps.logger.debug(`notify: ${event.kind} queued for ${outcome.queued.join(', ')}: ${event.summary}`);
      if (outcome.repeats.length > 0)
        deps.logger.info(
          `notify: ${event.kind} not sent again to ${outcome.repeats.join(', ')} (repeat_after_seconds): ${event.summary}`,
        );
    } catch (error) {
      deps.logger.error(`notify: cannot queue ${event.kind} (${event.summary}): ${describeError(error)}`);
    }
  };
}
