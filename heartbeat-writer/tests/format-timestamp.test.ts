import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTimestamp } from '../src/format-timestamp.js';

const cases: ReadonlyArray<readonly [string, Date, string]> = [
  [
    'milliseconds padded to microseconds',
    new Date(Date.UTC(2026, 1, 5, 6, 17, 29, 601)),
    '2026-02-05T06:17:29.601000+00:00',
  ],
  ['zero fraction still printed', new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 0)), '2026-01-01T00:00:00.000000+00:00'],
  [
    'small milliseconds keep leading zeros',
    new Date(Date.UTC(2025, 11, 31, 23, 59, 59, 7)),
    '2025-12-31T23:59:59.007000+00:00',
  ],
  ['a local offset never leaks in', new Date('2026-07-01T02:30:00.250+02:00'), '2026-07-01T00:30:00.250000+00:00'],
];

for (const [name, date, expected] of cases) {
  test(`formatTimestamp: ${name}`, () => {
    assert.equal(formatTimestamp(date), expected);
  });
}

test('formatTimestamp: the current time round-trips through Date to the millisecond', () => {
  const now = new Date();
  const text = formatTimestamp(now);
  assert.match(text, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/);
  assert.equal(Date.parse(text), now.getTime(), text);
});
