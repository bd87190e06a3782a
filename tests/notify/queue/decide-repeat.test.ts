import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRepeat, REPEAT_RESET_BY, STORY_MARKS } from '../../../src/notify/queue/decide-repeat.js';
import { EVENT_KINDS } from '../../../src/notify/event-kinds.js';
import { formatUtcTimestamp } from '../../../src/time/format-utc-timestamp.js';

const NOW = Date.parse('2026-06-30T12:00:00.000Z');
const ago = (seconds: number): string => formatUtcTimestamp(new Date(NOW - seconds * 1000));

describe('isRepeat', () => {
  const table: [name: string, lastQueuedAt: string | undefined, repeatAfterSeconds: number, expected: boolean][] = [
    ['never queued before', undefined, 3600, false],
    ['a window of 0: always sent', ago(1), 0, false],
    ['a window of 0, queued this very moment', ago(0), 0, false],
    ['queued at this very moment', ago(0), 3600, true],
    ['queued within the window', ago(600), 3600, true],
    ['queued a millisecond before the window ends', ago(3599.999), 3600, true],
    ['queued exactly the window ago: sent again', ago(3600), 3600, false],
    ['queued after the window', ago(7200), 3600, false],
    ['queued "in the future" (the clock was set back): sent', ago(-60), 3600, false],
    ["the Python format's six fraction digits", '2026-06-30T11:59:00.123456+00:00', 3600, true],
  ];
  for (const [name, lastQueuedAt, repeatAfterSeconds, expected] of table) {
    it(name, () => {
      assert.equal(
        isRepeat({
          lastSame: lastQueuedAt === undefined ? undefined : { id: 7, at: lastQueuedAt },
          lastResetSeq: undefined,
          nowMs: NOW,
          repeatAfterSeconds,
        }),
        expected,
      );
    });
  }

  // The last same one was notification 7 (queued 10 minutes ago); a reset is raised after it when the
  // queue's ids stood at 7 or more then. Its time is not asked: a clock stepped in between would lie.
  const changes: [name: string, lastResetSeq: number | undefined, expected: boolean][] = [
    ['a change of state raised after the last one (ids at 9): news again', 9, false],
    ['a change of state raised right after it, nothing queued since (ids still at 7): news again', 7, false],
    ['a change of state raised before the last one (ids at 6): still a repeat', 6, true],
    ['no change of state: a repeat', undefined, true],
  ];
  for (const [name, lastResetSeq, expected] of changes) {
    it(name, () => {
      assert.equal(
        isRepeat({ lastSame: { id: 7, at: ago(600) }, lastResetSeq, nowMs: NOW, repeatAfterSeconds: 3600 }),
        expected,
      );
    });
  }
});

describe('REPEAT_RESET_BY', () => {
  it('makes a failure and a give-up news again after a person turned the process on or resumed its recoveries', () => {
    for (const event of ['recovery_started', 'recovery_failed', 'recovery_refused', 'gave_up'] as const) {
      assert.ok(REPEAT_RESET_BY[event].includes('process_on'), `process_on resets ${event}`);
      assert.ok(REPEAT_RESET_BY[event].includes('recoveries_resumed'), `recoveries_resumed resets ${event}`);
    }
  });

  it('names, for every event, only events that exist (or a story mark), never the event itself', () => {
    assert.deepEqual(Object.keys(REPEAT_RESET_BY).sort(), [...EVENT_KINDS].sort());
    for (const mark of STORY_MARKS)
      assert.ok(!(EVENT_KINDS as readonly string[]).includes(mark), `${mark} is no event`);
    for (const [event, resets] of Object.entries(REPEAT_RESET_BY)) {
      for (const reset of resets) {
        assert.ok(
          (EVENT_KINDS as readonly string[]).includes(reset) || (STORY_MARKS as readonly string[]).includes(reset),
          `${event}: ${reset} is an event or a story mark`,
        );
        assert.notEqual(reset, event, `${event} does not reset itself`);
      }
    }
  });

  it('pairs the changes of state both ways: off and on, degraded and healed, failed and succeeded', () => {
    for (const [a, b] of [
      ['process_off', 'process_on'],
      ['network_degraded', 'network_healed'],
      ['recovery_failed', 'recovery_succeeded'],
    ] as const) {
      assert.ok(REPEAT_RESET_BY[a].includes(b), `${b} resets ${a}`);
      assert.ok(REPEAT_RESET_BY[b].includes(a), `${a} resets ${b}`);
    }
  });
});
