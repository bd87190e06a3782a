import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isReminderDue, type ReminderFacts } from '../../../src/notify/queue/decide-reminder.js';

const OPENED = '2026-12-07T02:00:00.000000+00:00';
const at = (minutes: number): number => Date.parse(OPENED) + minutes * 60_000;
const iso = (minutes: number): string => new Date(at(minutes)).toISOString();

describe('isReminderDue', () => {
  const cases: [string, Omit<ReminderFacts, 'openedAt'> & { openedAt?: string }, boolean][] = [
    ['off (0) never reminds', { lastRemindedAt: undefined, nowMs: at(10_000), remindAfterSeconds: 0 }, false],
    [
      'not before the interval after the opening',
      { lastRemindedAt: undefined, nowMs: at(59), remindAfterSeconds: 3600 },
      false,
    ],
    ['the interval after the opening', { lastRemindedAt: undefined, nowMs: at(60), remindAfterSeconds: 3600 }, true],
    ['counted from the last reminder', { lastRemindedAt: iso(60), nowMs: at(119), remindAfterSeconds: 3600 }, false],
    [
      'the interval after the last reminder',
      { lastRemindedAt: iso(60), nowMs: at(120), remindAfterSeconds: 3600 },
      true,
    ],
    // A clock stepped forward by hours: one reminder (the next counts from it), not one per missed interval.
    [
      'clock stepped forward: due once',
      { lastRemindedAt: iso(60), nowMs: at(60 * 24), remindAfterSeconds: 3600 },
      true,
    ],
    // A clock set back: the last reminder is in the future; reminded now rather than silent for hours.
    ['last reminder in the future: now', { lastRemindedAt: iso(600), nowMs: at(61), remindAfterSeconds: 3600 }, true],
    [
      'opening in the future, no reminder yet: now',
      { lastRemindedAt: undefined, nowMs: at(-300), remindAfterSeconds: 3600 },
      true,
    ],
    [
      'an unreadable time: now',
      { openedAt: 'garbage', lastRemindedAt: undefined, nowMs: at(1), remindAfterSeconds: 3600 },
      true,
    ],
  ];
  for (const [name, facts, expected] of cases) {
    it(`${name}: ${String(expected)}`, () => assert.equal(isReminderDue({ openedAt: OPENED, ...facts }), expected));
  }
});
