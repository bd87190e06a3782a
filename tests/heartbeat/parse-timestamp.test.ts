import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTimestamp } from '../../src/heartbeat/parse-timestamp.js';

/** 2026-02-05 06:17:29.601 UTC, the instant of the heartbeat format's example. */
const INSTANT = Date.UTC(2026, 1, 5, 6, 17, 29, 601);

describe('parseTimestamp: accepted', () => {
  const cases: [input: string, epochMs: number][] = [
    ['2026-02-05T06:17:29.601049+00:00', INSTANT],
    ['2026-02-05T06:17:29.601Z', INSTANT],
    ['2026-02-05T06:17:29.601z', INSTANT],
    ['2026-02-05T06:17:29Z', INSTANT - 601],
    ['2026-02-05T06:17:29+00:00', INSTANT - 601],
    ['2026-02-05 06:17:29.601049+00:00', INSTANT],
    ['2026-02-05T11:47:29.601049+05:30', INSTANT],
    ['2026-02-04T22:17:29.601049-08:00', INSTANT],
    ['2026-02-05T06:17:29.601049-00:00', INSTANT],
    ['2026-02-05T11:47:29.601049+0530', INSTANT],
    ['2026-02-05T06:17:29.6+00:00', INSTANT - 1],
    ['2026-02-05T06:17:29.601999999+00:00', INSTANT + 0],
    ['2026-02-05T06:17+00:00', Date.UTC(2026, 1, 5, 6, 17, 0)],
    ['2024-02-29T00:00:00+00:00', Date.UTC(2024, 1, 29)],
    ['2026-12-31T23:59:59-01:00', Date.UTC(2027, 0, 1, 0, 59, 59)],
    ['  2026-02-05T06:17:29.601049+00:00\n', INSTANT],
  ];
  for (const [input, epochMs] of cases) {
    it(`${JSON.stringify(input)} → ${new Date(epochMs).toISOString()}`, () => {
      assert.deepEqual(parseTimestamp(input), { ok: true, epochMs });
    });
  }
});

describe('parseTimestamp: refused', () => {
  const cases: [input: string, reason: RegExp][] = [
    [
      '2026-02-05T06:17:29.601049',
      /^timestamp "2026-02-05T06:17:29\.601049" has no time zone \(write it in UTC with \+00:00\)$/,
    ],
    ['2026-02-05 06:17:29', /has no time zone/],
    ['yesterday', /^timestamp "yesterday" is not an ISO 8601 date and time$/],
    ['', /^timestamp "" is not an ISO 8601 date and time$/],
    ['1770272249', /is not an ISO 8601 date and time$/],
    ['2026-02-05', /is not an ISO 8601 date and time$/],
    ['2026-02-05T06:17:29+00:00 extra', /is not an ISO 8601 date and time$/],
    ['2026-2-5T06:17:29+00:00', /is not an ISO 8601 date and time$/],
    ['Thu, 05 Feb 2026 06:17:29 GMT', /is not an ISO 8601 date and time$/],
    ['2026-02-30T00:00:00+00:00', /^timestamp "2026-02-30T00:00:00\+00:00" is not a valid date and time$/],
    ['2026-02-29T00:00:00+00:00', /is not a valid date and time$/],
    ['2026-13-01T00:00:00+00:00', /is not a valid date and time$/],
    ['2026-00-10T00:00:00+00:00', /is not a valid date and time$/],
    ['2026-02-05T25:00:00+00:00', /is not a valid date and time$/],
    ['2026-02-05T24:00:00+00:00', /is not a valid date and time$/],
    ['2026-02-05T06:60:00+00:00', /is not a valid date and time$/],
    ['2026-02-05T06:17:60+00:00', /is not a valid date and time$/],
  ];
  for (const [input, reason] of cases) {
    it(JSON.stringify(input), () => {
      const result = parseTimestamp(input);
      assert.equal(result.ok, false);
      assert.match(result.ok ? '' : result.reason, reason);
    });
  }
});

describe('parseTimestamp: a long value', () => {
  it('is shortened in the reason, however long', () => {
    assert.deepEqual(parseTimestamp(`2026-02-05T06:17:29${'9'.repeat(60_000)}`), {
      ok: false,
      reason: `timestamp "2026-02-05T06:17:29${'9'.repeat(17)}... is not an ISO 8601 date and time`,
    });
  });
});

describe('parseTimestamp: impossible offsets', () => {
  // Python's datetime refuses offsets of 24 hours or more, and minutes above 59.
  for (const input of ['2026-02-05T06:17:29+99:00', '2026-02-05T06:17:29+24:00', '2026-02-05T06:17:29+05:75']) {
    it(JSON.stringify(input), () => {
      const result = parseTimestamp(input);
      assert.equal(result.ok, false);
      assert.match(result.ok ? '' : result.reason, /invalid time zone offset/);
    });
  }
});
