import type { EventKind } from '../event-kinds.js';

/**
 * What changes a story without being told to anyone: recorded among the raised events
 * (`raised_events`) for its subject, never queued. `recoveries_resumed`: a person cleared a
 * give-up or reset the crash-loop guard (`on`, `restart`, `reset`), so the next failure and
 * the next give-up are news, though `reset` and `restart` raise no event of their own.
 * `incident_changed`: an incident opened or closed, so the events of the next incident are
 * not repeats of the last one's (a pager would get a close for an incident never opened).
 */
export const STORY_MARKS = ['recoveries_resumed', 'incident_changed'] as const;

export type StoryMark = (typeof STORY_MARKS)[number];

/**
 * The events after which an event is news again even within `repeat_after_seconds`: a
 * change of state in between. `off` → `on` → `off` within the hour is three messages; a
 * crash loop's `recovery_started`, `recovery_failed`, `recovery_started`... is one of each.
 */
export const REPEAT_RESET_BY: Readonly<Record<EventKind, readonly (EventKind | StoryMark)[]>> = {
  // After `process_recovered`, a failure is a new incident: news again; so it is after a
  // person turned the process on or resumed its recoveries.
  recovery_started: ['incident_changed', 'process_recovered', 'process_on', 'recoveries_resumed'],
  recovery_succeeded: ['incident_changed', 'recovery_failed', 'gave_up'],
  recovery_failed: ['incident_changed', 'recovery_succeeded', 'process_recovered', 'process_on', 'recoveries_resumed'],
  recovery_refused: [
    'incident_changed',
    'recovery_succeeded',
    'recovery_started',
    'process_recovered',
    'process_on',
    'recoveries_resumed',
  ],
  gave_up: ['incident_changed', 'process_on', 'recovery_succeeded', 'process_recovered', 'recoveries_resumed'],
  process_off: ['incident_changed', 'process_on'],
  process_on: ['incident_changed', 'process_off', 'gave_up'],
  // Once per incident; a recovery after a new failure is news.
  process_recovered: ['incident_changed', 'recovery_started', 'recovery_failed', 'recovery_refused', 'gave_up'],
  // Reminders keep their own rhythm, remind_after_seconds (src/notify/queue/queue-reminder.ts).
  process_still_down: [],
  network_degraded: ['network_healed'],
  network_healed: ['network_degraded'],
  reboot_done: ['network_healed'],
  reboot_failed: ['reboot_done', 'network_healed'],
  reboot_suppressed: ['reboot_done', 'network_healed'],
  // A zone's every change of level is news: hysteresis, not the repeat rule, keeps a
  // temperature hovering at a threshold from flapping.
  thermal_warning: ['thermal_normal', 'thermal_critical', 'thermal_unreadable'],
  thermal_critical: ['thermal_normal', 'thermal_warning', 'thermal_unreadable'],
  thermal_normal: ['thermal_warning', 'thermal_critical', 'thermal_unreadable'],
  thermal_unreadable: ['thermal_normal', 'thermal_warning', 'thermal_critical'],
  filesystem_failing: ['filesystem_healthy'],
  filesystem_healthy: ['filesystem_failing'],
};

export interface RepeatFacts {
  /** The same event for the same subject last queued for the channel and still waiting or delivered: its id (ids follow the order raised) and time. */
  lastSame: { id: number; at: string } | undefined;
  /**
   * The last notification id given out when one of the events that make it news again
   * (`REPEAT_RESET_BY`) was last raised for the subject, for any channel or none.
   */
  lastResetSeq: number | undefined;
  nowMs: number;
  repeatAfterSeconds: number;
}

/**
 * Whether an event is held back as a repeat: the same event for the same process (or
 * interface) was queued for the channel less than `repeatAfterSeconds` ago, and nothing
 * that changed the story was raised since, whichever channels were told of it. "Since" is
 * judged by order, not by time, so a clock stepped between the two cannot hide the change.
 * A last time in the future means the clock was set back: sent rather than held for an
 * unknown time. Pure.
 */
export function isRepeat({ lastSame, lastResetSeq, nowMs, repeatAfterSeconds }: RepeatFacts): boolean {
  if (lastSame === undefined || repeatAfterSeconds <= 0) return false;
  if (lastResetSeq !== undefined && lastResetSeq >= lastSame.id) return false;
  const sinceMs = nowMs - Date.parse(lastSame.at);
  return sinceMs >= 0 && sinceMs < repeatAfterSeconds * 1000;
}
