import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHeartbeat, PID_MAX, type HeartbeatParse } from '../../src/heartbeat/parse-heartbeat.js';

const GOOD = {
  process_key: 'my_server',
  pid: 12345,
  timestamp: '2026-02-05T06:17:29.601049+00:00',
  status: 'running',
  iteration: 42,
};

function beat(overrides: Record<string, unknown>): string {
  return JSON.stringify({ ...GOOD, ...overrides });
}

function without(...keys: string[]): string {
  return JSON.stringify(Object.fromEntries(Object.entries(GOOD).filter(([key]) => !keys.includes(key))));
}

describe('parseHeartbeat: accepted', () => {
  it('parses the Python format', () => {
    assert.deepEqual(parseHeartbeat(JSON.stringify(GOOD)), {
      ok: true,
      heartbeat: {
        ...GOOD,
        epochMs: Date.UTC(2026, 1, 5, 6, 17, 29, 601),
        pid_start_ticks: undefined,
        boot_id: undefined,
      },
    });
  });

  it('ignores extra keys', () => {
    const result = parseHeartbeat(beat({ start_time: 1770272200, host: 'pi', nested: { a: [1] } }));
    assert.deepEqual(result, {
      ok: true,
      heartbeat: {
        ...GOOD,
        epochMs: Date.UTC(2026, 1, 5, 6, 17, 29, 601),
        pid_start_ticks: undefined,
        boot_id: undefined,
      },
    });
  });

  it('accepts surrounding whitespace and a trailing newline', () => {
    assert.equal(parseHeartbeat(`\n  ${JSON.stringify(GOOD)}\n`).ok, true);
  });

  for (const pid of [2, 300, PID_MAX]) {
    it(`accepts pid ${pid}`, () => {
      const result = parseHeartbeat(beat({ pid }));
      assert.equal(result.ok && result.heartbeat.pid, pid);
    });
  }

  it('accepts iteration 0 and any status string', () => {
    const result = parseHeartbeat(beat({ iteration: 0, status: '' }));
    assert.equal(result.ok, true);
    assert.equal(result.ok && result.heartbeat.iteration, 0);
    assert.equal(result.ok && result.heartbeat.status, '');
  });

  // The status says whether the app is well, not whether its PID can be trusted: the health
  // rule judges it (judge-status.test.ts), as the Python tool's `data.get("status")` did.
  for (const [name, text, status] of [
    ['no status', without('status'), undefined],
    ['status null', beat({ status: null }), null],
    ['status a number', beat({ status: 1 }), 1],
    ['status an object', beat({ status: { ok: true } }), { ok: true }],
  ] as const) {
    it(`accepts ${name} and keeps it as written`, () => {
      const result = parseHeartbeat(text);
      assert.equal(result.ok, true, result.ok ? '' : result.reason);
      assert.deepEqual(result.ok && result.heartbeat.status, status);
    });
  }
});

describe('parseHeartbeat: refused', () => {
  const pidReason = (got: string) => `heartbeat pid must be an integer between 2 and ${PID_MAX} (got ${got})`;
  // [name, text, exact reason, pid reported with the failure]
  const cases: [name: string, text: string, reason: string, pid: number | undefined][] = [
    ['empty file', '', 'heartbeat file is empty', undefined],
    ['whitespace only', ' \n\t\n', 'heartbeat file is empty', undefined],
    [
      'truncated JSON',
      JSON.stringify(GOOD).slice(0, 30),
      'heartbeat file is not valid JSON (truncated or corrupt)',
      undefined,
    ],
    ['not JSON', 'pid=12345', 'heartbeat file is not valid JSON (truncated or corrupt)', undefined],
    ['a JSON array', '[12345]', 'heartbeat is not a JSON object (got [12345])', undefined],
    ['a JSON string', '"running"', 'heartbeat is not a JSON object (got "running")', undefined],
    ['JSON null', 'null', 'heartbeat is not a JSON object (got null)', undefined],
    ['a JSON number', '12345', 'heartbeat is not a JSON object (got 12345)', undefined],
    ['an empty object', '{}', 'heartbeat lacks process_key, pid, timestamp, iteration', undefined],
    ['no pid', without('pid'), 'heartbeat lacks pid', undefined],
    [
      'no timestamp nor iteration',
      without('timestamp', 'iteration'),
      'heartbeat lacks timestamp, iteration',
      undefined,
    ],
    ['pid -1', beat({ pid: -1 }), pidReason('-1'), undefined],
    ['pid 0', beat({ pid: 0 }), pidReason('0'), undefined],
    ['pid 1', beat({ pid: 1 }), pidReason('1'), undefined],
    ['pid true', beat({ pid: true }), pidReason('true'), undefined],
    ['pid null', beat({ pid: null }), pidReason('null'), undefined],
    ['pid 1.5', beat({ pid: 1.5 }), pidReason('1.5'), undefined],
    ['pid "123"', beat({ pid: '123' }), pidReason('"123"'), undefined],
    ['pid 2**40', beat({ pid: 2 ** 40 }), pidReason('1099511627776'), undefined],
    ['pid above PID_MAX', beat({ pid: PID_MAX + 1 }), pidReason(String(PID_MAX + 1)), undefined],
    ['pid 1e400 (Infinity)', JSON.stringify(GOOD).replace('12345', '1e400'), pidReason('null'), undefined],
    ['pid an object', beat({ pid: { value: 5 } }), pidReason('{"value":5}'), undefined],
    ['process_key a number', beat({ process_key: 7 }), 'heartbeat process_key must be a string (got 7)', 12345],
    ['process_key null', beat({ process_key: null }), 'heartbeat process_key must be a string (got null)', 12345],
    [
      'iteration negative',
      beat({ iteration: -1 }),
      'heartbeat iteration must be a non-negative integer (got -1)',
      12345,
    ],
    [
      'iteration a float',
      beat({ iteration: 4.5 }),
      'heartbeat iteration must be a non-negative integer (got 4.5)',
      12345,
    ],
    [
      'iteration a string',
      beat({ iteration: '42' }),
      'heartbeat iteration must be a non-negative integer (got "42")',
      12345,
    ],
    [
      'iteration beyond safe integers',
      beat({ iteration: 2 ** 53 }),
      'heartbeat iteration must be a non-negative integer (got 9007199254740992)',
      12345,
    ],
    [
      'timestamp a number',
      beat({ timestamp: 1770272249.6 }),
      'heartbeat timestamp must be a string (got 1770272249.6)',
      12345,
    ],
    ['timestamp null', beat({ timestamp: null }), 'heartbeat timestamp must be a string (got null)', 12345],
    [
      'timestamp naive',
      beat({ timestamp: '2026-02-05T06:17:29.601049' }),
      'heartbeat timestamp "2026-02-05T06:17:29.601049" has no time zone (write it in UTC with +00:00)',
      12345,
    ],
    [
      'timestamp garbage',
      beat({ timestamp: 'now' }),
      'heartbeat timestamp "now" is not an ISO 8601 date and time',
      12345,
    ],
    [
      'timestamp an impossible date',
      beat({ timestamp: '2026-02-30T06:17:29+00:00' }),
      'heartbeat timestamp "2026-02-30T06:17:29+00:00" is not a valid date and time',
      12345,
    ],
    [
      'a long value is shortened in the reason',
      beat({ process_key: ['a'.repeat(100)] }),
      `heartbeat process_key must be a string (got ["${'a'.repeat(35)}...)`,
      12345,
    ],
  ];
  for (const [name, text, reason, pid] of cases) {
    it(name, () => {
      const expected: HeartbeatParse = pid === undefined ? { ok: false, reason } : { ok: false, reason, pid };
      assert.deepEqual(parseHeartbeat(text), expected);
    });
  }

  it('checks the pid before the other fields', () => {
    assert.deepEqual(parseHeartbeat(beat({ pid: 0, process_key: 1, timestamp: 'x' })), {
      ok: false,
      reason: `heartbeat pid must be an integer between 2 and ${PID_MAX} (got 0)`,
    });
  });
});
