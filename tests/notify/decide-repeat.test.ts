import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRepeat } from '../../src/notify/decide-repeat.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';

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
      assert.equal(isRepeat(lastQueuedAt, NOW, repeatAfterSeconds), expected);
    });
  }
});
