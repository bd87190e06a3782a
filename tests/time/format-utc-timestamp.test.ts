import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';

describe('formatUtcTimestamp', () => {
  const cases: Array<[string, Date, string]> = [
    [
      'the Python format, microseconds from milliseconds',
      new Date(Date.UTC(2026, 1, 5, 6, 17, 29, 601)),
      '2026-02-05T06:17:29.601000+00:00',
    ],
    ['every field padded', new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 5)), '2026-01-01T00:00:00.005000+00:00'],
    [
      'the last millisecond of a year',
      new Date(Date.UTC(2025, 11, 31, 23, 59, 59, 999)),
      '2025-12-31T23:59:59.999000+00:00',
    ],
    ['the epoch', new Date(0), '1970-01-01T00:00:00.000000+00:00'],
    [
      'a year of fewer than four digits (a clock reset far back)',
      new Date(Date.UTC(999, 2, 3, 4, 5, 6, 7)),
      '0999-03-03T04:05:06.007000+00:00',
    ],
  ];
  for (const [name, date, expected] of cases) {
    it(name, () => {
      assert.equal(formatUtcTimestamp(date), expected);
      assert.equal(
        formatUtcTimestamp(date),
        `${date.toISOString().slice(0, 23)}000+00:00`,
        'the same as from toISOString()',
      );
    });
  }

  it('writes years past 9999 as it always did, from toISOString()', () => {
    const date = new Date(Date.UTC(10000, 0, 1));
    assert.equal(formatUtcTimestamp(date), '+010000-01-01T00:00:00.000+00:00');
  });

  it('refuses an invalid date, as toISOString() does', () => {
    assert.throws(() => formatUtcTimestamp(new Date(Number.NaN)), RangeError);
  });
});
