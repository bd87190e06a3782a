import { describeError } from '../../errors.js';
import type { NotifyConfig } from '../config/notify-types.js';
import type { Store } from '../../store/open-store.js';
import { readOpenIncident } from '../../store/incidents.js';
import { trackIncident } from '../incident/track-incident.js';
import { payloadOf, subjectOf, type RaiseEvent, type WatchdogEvent } from '../watchdog-event.js';
import { isReminderDue } from './decide-reminder.js';
import { dropPendingBeyond, queueNotification } from './notification-rows.js';
import { lastReminderAt } from './reminder-rows.js';
import type { NotifierDeps } from './queue-event.js';

/**
 * The channels a reminder of the process's open incident is due for (`remind_after_seconds`
 * after their last one of it, or after it opened; see `isReminderDue`). Reads only.
 */
export function channelsToRemind(db: Store, notify: NotifyConfig, event: WatchdogEvent, nowMs: number): string[] {
  if (event.processKey === undefined) return [];
  const incident = readOpenIncident(db, 'process_state', event.processKey);
  if (incident === undefined) return [];
  const subject = subjectOf(event);
  return notify.channels
    .filter(
      (channel) =>
        channel.events.has(event.kind) &&
        isReminderDue({
          openedAt: incident.openedAt,
          lastRemindedAt: lastReminderAt(db, channel.name, event.kind, subject, incident.id),
          nowMs,
          remindAfterSeconds: channel.remind_after_seconds,
        }),
    )
    .map((channel) => channel.name);
}

/**
 * The cron tick's way to remind (`process_still_down`): queued for each channel it is due
 * for, with the incident's id, outside `repeat_after_seconds` (a reminder is a repeat by
 * design; it keeps its own rhythm). Nothing is written when none is due: a tick that
 * changes nothing opens no write transaction. Never throws.
 */
export function reminderFor(notify: NotifyConfig | undefined, deps: NotifierDeps): RaiseEvent {
  if (notify === undefined || notify.channels.length === 0) return () => undefined;
  return (event) => {
    try {
      const nowMs = deps.now().getTime();
      if (channelsToRemind(deps.audit.db, notify, event, nowMs).length === 0) return;
      const queued = deps.audit.write((db) => {
        const told = trackIncident(db, event);
        if (told === undefined) return [];
        const due = channelsToRemind(db, notify, told, nowMs);
        const payload = JSON.stringify(payloadOf(told, deps.host()));
        for (const channel of due) {
          queueNotification(db, { channel, event: told.kind, subject: subjectOf(told), createdAt: told.at, payload });
          dropPendingBeyond(
            db,
            channel,
            notify.max_queued,
            `more than notify.max_queued (${notify.max_queued}) notifications waited`,
          );
        }
        return due;
      });
      if (queued.length > 0)
        deps.logger.info(`notify: ${event.kind} queued for ${queued.join(', ')}: ${event.summary}`);
    } catch (error) {
      deps.logger.error(`notify: cannot queue ${event.kind} (${event.summary}): ${describeError(error)}`);
    }
  };
}
