import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clampDate, EARLIEST_TIMESTAMP_MS, LATEST_TIMESTAMP_MS } from '../../src/time/clamp-date.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';

describe('clampDate', () => {
  const cases: [name: string, ms: number, expected: string][] = [
    ['an ordinary instant as it is', Date.parse('2026-06-30T12:00:00.123Z'), '2026-06-30T12:00:00.123000+00:00'],
    ['the first instant of year 0000', EARLIEST_TIMESTAMP_MS, '0000-01-01T00:00:00.000000+00:00'],
    ['the last instant of year 9999', LATEST_TIMESTAMP_MS, '9999-12-31T23:59:59.999000+00:00'],
    [
      'now less a billion days: year 0000',
      Date.parse('2026-06-30T12:00:00Z') - 1e9 * 86_400_000,
      '0000-01-01T00:00:00.000000+00:00',
    ],
    [
      'now plus 1e300 seconds: year 9999',
      Date.parse('2026-06-30T12:00:00Z') + 1e300 * 1000,
      '9999-12-31T23:59:59.999000+00:00',
    ],
    ['-Infinity', -Infinity, '0000-01-01T00:00:00.000000+00:00'],
    ['Infinity', Infinity, '9999-12-31T23:59:59.999000+00:00'],
  ];
  for (const [name, ms, expected] of cases) {
    it(name, () => {
      assert.equal(formatUtcTimestamp(clampDate(ms)), expected);
    });
  }

  it('leaves NaN invalid: it is a bug, not a far date', () => {
    assert.ok(Number.isNaN(clampDate(Number.NaN).getTime()));
  });
});
