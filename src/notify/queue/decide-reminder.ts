export interface ReminderFacts {
  /** When the incident opened (UTC, ISO 8601). */
  openedAt: string;
  /** When the channel was last reminded of this incident (the last reminder queued, by id); `undefined`: never. */
  lastRemindedAt: string | undefined;
  nowMs: number;
  remindAfterSeconds: number;
}

/**
 * Whether a channel is reminded of an open incident now: `remindAfterSeconds` (0: never)
 * after its last reminder of it, or after the incident opened. Missed reminders are never
 * caught up (a clock stepped forward by hours reminds once), and a last time in the future
 * (the clock set back) reminds now, from which the next is counted: no storm, no silence.
 * Pure.
 *
 * @example isReminderDue({ openedAt: '2026-12-07T02:00:00Z', lastRemindedAt: undefined, nowMs: Date.parse('2026-12-07T03:00:00Z'), remindAfterSeconds: 3600 }) // true
 */
export function isReminderDue({ openedAt, lastRemindedAt, nowMs, remindAfterSeconds }: ReminderFacts): boolean {
  if (remindAfterSeconds <= 0) return false;
  // The last reminder is later than the opening by the order queued, whatever the clock said.
  const sinceMs = nowMs - Date.parse(lastRemindedAt ?? openedAt);
  if (!Number.isFinite(sinceMs) || sinceMs < 0) return true;
  return sinceMs >= remindAfterSeconds * 1000;
}
