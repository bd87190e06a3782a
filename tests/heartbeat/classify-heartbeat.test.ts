import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyHeartbeat, type HealthVerdict } from '../../src/heartbeat/classify-heartbeat.js';
import type { HealthState } from '../../src/heartbeat/health-state.js';
import { PID_MAX } from '../../src/heartbeat/parse-heartbeat.js';
import type { HeartbeatFileRead } from '../../src/heartbeat/read-heartbeat-file.js';
import type { ProcessLiveness } from '../../src/system/process-table.js';

/** The check's clock: 30 s after the heartbeat format's example timestamp. */
const NOW_MS = Date.UTC(2026, 1, 5, 6, 17, 59, 601);
const TIMESTAMP = '2026-02-05T06:17:29.601049+00:00';
const TIMEOUT = 60;
const SKEW = 60;

const ALIVE = 12345;
const ZOMBIE = 23456;
const DEAD = 34567;
const TABLE = new Map<number, ProcessLiveness>([
  [ALIVE, 'alive'],
  [ZOMBIE, 'zombie'],
  [DEAD, 'dead'],
]);

/** A timestamp `seconds` before the check (negative: in the future), as an app in UTC writes it. */
function agoSeconds(seconds: number): string {
  return new Date(NOW_MS - seconds * 1000).toISOString().replace('Z', '+00:00');
}

function beat(overrides: Record<string, unknown> = {}): HeartbeatFileRead {
  const text = JSON.stringify({
    process_key: 'web',
    pid: ALIVE,
    timestamp: TIMESTAMP,
    status: 'running',
    iteration: 42,
    ...overrides,
  });
  return { kind: 'read', text };
}

/** Classifies with a fake process table, recording every PID it is asked about. */
function classify(
  read: HeartbeatFileRead,
  options: {
    timeoutSeconds?: number;
    maxClockSkewSeconds?: number;
    configuredKeys?: string[];
    healthyStatuses?: string[];
  } = {},
) {
  const asked: number[] = [];
  const verdict = classifyHeartbeat({
    read,
    processKey: 'web',
    configuredKeys: new Set(options.configuredKeys ?? ['web']),
    timeoutSeconds: options.timeoutSeconds ?? TIMEOUT,
    maxClockSkewSeconds: options.maxClockSkewSeconds ?? SKEW,
    healthyStatuses: options.healthyStatuses,
    nowMs: NOW_MS,
    observe: () => ({
      startTicks: () => 1000,
      bootId: () => undefined,
      commandLine: () => '/usr/bin/app',
      uids: () => ({ real: 0, effective: 0 }),
    }),
    liveness: (pid) => {
      asked.push(pid);
      const liveness = TABLE.get(pid);
      if (liveness === undefined) throw new Error(`the fake process table does not know PID ${pid}`);
      return liveness;
    },
  });
  return { verdict, asked };
}

const NOTHING_SEEN = {
  pid: undefined,
  heartbeatTimestamp: undefined,
  heartbeatMs: undefined,
  heartbeatAgeSeconds: undefined,
  iteration: undefined,
  status: undefined,
  warning: undefined,
  pidStartTicks: undefined,
  bootId: undefined,
  writerUid: undefined,
  identity: undefined,
};

describe('classifyHeartbeat: the heartbeat cannot be used', () => {
  const pidReason = (got: string) => `heartbeat pid must be an integer between 2 and ${PID_MAX} (got ${got})`;
  // [name, read, state, reason, pid reported]
  const cases: [string, HeartbeatFileRead, HealthState, string | RegExp, number | undefined][] = [
    ['missing file', { kind: 'missing' }, 'no_heartbeat', 'no heartbeat file', undefined],
    [
      'unreadable file',
      { kind: 'unreadable', reason: 'heartbeat path is a directory' },
      'invalid_heartbeat',
      'heartbeat path is a directory',
      undefined,
    ],
    ['empty', { kind: 'read', text: '' }, 'invalid_heartbeat', 'heartbeat file is empty', undefined],
    ['whitespace', { kind: 'read', text: '\n  \n' }, 'invalid_heartbeat', 'heartbeat file is empty', undefined],
    [
      'truncated JSON',
      { kind: 'read', text: '{"process_key": "web", "pid": 123' },
      'invalid_heartbeat',
      /not valid JSON/,
      undefined,
    ],
    ['not JSON', { kind: 'read', text: 'OK' }, 'invalid_heartbeat', /not valid JSON/, undefined],
    [
      'JSON array',
      { kind: 'read', text: '[]' },
      'invalid_heartbeat',
      'heartbeat is not a JSON object (got [])',
      undefined,
    ],
    [
      'JSON string',
      { kind: 'read', text: '"web"' },
      'invalid_heartbeat',
      'heartbeat is not a JSON object (got "web")',
      undefined,
    ],
    [
      'JSON null',
      { kind: 'read', text: 'null' },
      'invalid_heartbeat',
      'heartbeat is not a JSON object (got null)',
      undefined,
    ],
    [
      'JSON number',
      { kind: 'read', text: '7' },
      'invalid_heartbeat',
      'heartbeat is not a JSON object (got 7)',
      undefined,
    ],
    [
      'missing keys',
      { kind: 'read', text: '{"pid": 12345, "status": "running"}' },
      'invalid_heartbeat',
      'heartbeat lacks process_key, timestamp, iteration',
      undefined,
    ],
    ['pid -1', beat({ pid: -1 }), 'invalid_heartbeat', pidReason('-1'), undefined],
    ['pid 0', beat({ pid: 0 }), 'invalid_heartbeat', pidReason('0'), undefined],
    ['pid 1', beat({ pid: 1 }), 'invalid_heartbeat', pidReason('1'), undefined],
    ['pid true', beat({ pid: true }), 'invalid_heartbeat', pidReason('true'), undefined],
    ['pid null', beat({ pid: null }), 'invalid_heartbeat', pidReason('null'), undefined],
    ['pid 1.5', beat({ pid: 1.5 }), 'invalid_heartbeat', pidReason('1.5'), undefined],
    ['pid "123"', beat({ pid: '123' }), 'invalid_heartbeat', pidReason('"123"'), undefined],
    ['pid 2**40', beat({ pid: 2 ** 40 }), 'invalid_heartbeat', pidReason(String(2 ** 40)), undefined],
    [
      'process_key not a string',
      beat({ process_key: 5 }),
      'invalid_heartbeat',
      'heartbeat process_key must be a string (got 5)',
      ALIVE,
    ],
    [
      'iteration negative',
      beat({ iteration: -3 }),
      'invalid_heartbeat',
      'heartbeat iteration must be a non-negative integer (got -3)',
      ALIVE,
    ],
    [
      'iteration a float',
      beat({ iteration: 0.5 }),
      'invalid_heartbeat',
      'heartbeat iteration must be a non-negative integer (got 0.5)',
      ALIVE,
    ],
    [
      'timestamp not a string',
      beat({ timestamp: 1770272249 }),
      'invalid_heartbeat',
      'heartbeat timestamp must be a string (got 1770272249)',
      ALIVE,
    ],
    [
      'timestamp naive',
      beat({ timestamp: '2026-02-05T06:17:29.601049' }),
      'invalid_heartbeat',
      /has no time zone/,
      ALIVE,
    ],
    [
      'timestamp garbage',
      beat({ timestamp: 'soon' }),
      'invalid_heartbeat',
      /"soon" is not an ISO 8601 date and time/,
      ALIVE,
    ],
  ];
  for (const [name, read, state, reason, pid] of cases) {
    it(name, () => {
      const { verdict, asked } = classify(read);
      assert.equal(verdict.state, state);
      if (typeof reason === 'string') assert.equal(verdict.reason, reason);
      else assert.match(verdict.reason, reason);
      assert.deepEqual(
        { ...verdict, state: undefined, reason: undefined },
        { ...NOTHING_SEEN, state: undefined, reason: undefined, pid },
      );
      assert.deepEqual(asked, [], 'an untrusted heartbeat must not reach the process table');
    });
  }
});

describe('classifyHeartbeat: clock skew', () => {
  it('refuses a timestamp further in the future than the allowed skew', () => {
    const timestamp = agoSeconds(-120);
    const { verdict, asked } = classify(beat({ timestamp }));
    assert.deepEqual(verdict, {
      state: 'invalid_heartbeat',
      reason: 'heartbeat timestamp is 2m 00s in the future (more than the 60s allowed for clock skew)',
      pid: ALIVE,
      heartbeatTimestamp: timestamp,
      heartbeatMs: Date.parse(timestamp),
      heartbeatAgeSeconds: -120,
      iteration: 42,
      status: 'running',
      warning: undefined,
      pidStartTicks: undefined,
      bootId: undefined,
      writerUid: undefined,
      identity: undefined,
    });
    assert.deepEqual(asked, []);
  });

  it('refuses a future timestamp even when the pid is dead', () => {
    const { verdict } = classify(beat({ timestamp: agoSeconds(-61), pid: DEAD }));
    assert.equal(verdict.state, 'invalid_heartbeat');
    assert.match(verdict.reason, /in the future/);
  });

  it('honours a configured skew of 0', () => {
    const { verdict } = classify(beat({ timestamp: agoSeconds(-1) }), { maxClockSkewSeconds: 0 });
    assert.equal(verdict.state, 'invalid_heartbeat');
    assert.equal(verdict.reason, 'heartbeat timestamp is 1s in the future (more than the 0s allowed for clock skew)');
  });

  for (const ahead of [1, 30, SKEW]) {
    it(`accepts a timestamp ${ahead}s in the future (within the skew)`, () => {
      const { verdict } = classify(beat({ timestamp: agoSeconds(-ahead) }));
      assert.equal(verdict.state, 'healthy');
      assert.equal(verdict.reason, 'heartbeat 0s ago, iteration 42');
      assert.equal(verdict.heartbeatAgeSeconds, -ahead);
    });
  }
});

describe('classifyHeartbeat: the Python order of states', () => {
  // [name, overrides, state, reason]
  const cases: [string, Record<string, unknown>, HealthState, string][] = [
    ['dead pid → stale_pid', { pid: DEAD }, 'stale_pid', `PID ${DEAD} is not running`],
    ['zombie → stale_pid', { pid: ZOMBIE }, 'stale_pid', `PID ${ZOMBIE} is a zombie (exited)`],
    [
      'alive but older than the timeout → timed_out',
      { timestamp: agoSeconds(90) },
      'timed_out',
      'last heartbeat 90s ago, timeout 60s',
    ],
    [
      'stale pid wins over timed out',
      { pid: DEAD, timestamp: agoSeconds(3600) },
      'stale_pid',
      `PID ${DEAD} is not running`,
    ],
    [
      'zombie wins over timed out',
      { pid: ZOMBIE, timestamp: agoSeconds(3600) },
      'stale_pid',
      `PID ${ZOMBIE} is a zombie (exited)`,
    ],
    [
      'status "error" → error_status',
      { status: 'error' },
      'error_status',
      'app reports status "error"; healthy: "running"',
    ],
    [
      'timed out wins over error status',
      { status: 'error', timestamp: agoSeconds(61) },
      'timed_out',
      'last heartbeat 61s ago, timeout 60s',
    ],
    ['stale pid wins over error status', { status: 'error', pid: DEAD }, 'stale_pid', `PID ${DEAD} is not running`],
    [
      'exactly at the timeout is still healthy',
      { timestamp: agoSeconds(TIMEOUT) },
      'healthy',
      'heartbeat 60s ago, iteration 42',
    ],
    // The Python Watchdog's rule: any status but "running" is error_status (it was healthy before issue 21).
    [
      'another status → error_status',
      { status: 'starting' },
      'error_status',
      'app reports status "starting"; healthy: "running"',
    ],
    [
      '"degraded" → error_status',
      { status: 'degraded' },
      'error_status',
      'app reports status "degraded"; healthy: "running"',
    ],
    [
      '"Running" → error_status (case counts)',
      { status: 'Running' },
      'error_status',
      'app reports status "Running"; healthy: "running"',
    ],
    [
      'status not a string → error_status',
      { status: 0 },
      'error_status',
      'app reports status 0, not a string; healthy: "running"',
    ],
    [
      'status null → error_status',
      { status: null },
      'error_status',
      'app reports status null, not a string; healthy: "running"',
    ],
    ['no status → error_status', { status: undefined }, 'error_status', 'heartbeat has no status; healthy: "running"'],
    [
      'timed out wins over no status',
      { status: undefined, timestamp: agoSeconds(61) },
      'timed_out',
      'last heartbeat 61s ago, timeout 60s',
    ],
    ['stale pid wins over no status', { status: undefined, pid: DEAD }, 'stale_pid', `PID ${DEAD} is not running`],
  ];
  for (const [name, overrides, state, reason] of cases) {
    it(name, () => {
      const { verdict } = classify(beat(overrides));
      assert.equal(verdict.state, state);
      assert.equal(verdict.reason, reason);
      assert.equal(verdict.pid, overrides.pid ?? ALIVE);
      assert.equal(verdict.heartbeatTimestamp, overrides.timestamp ?? TIMESTAMP);
    });
  }

  it('keeps a string status in the verdict, and none that is not a string', () => {
    assert.equal(classify(beat({ status: 'degraded' })).verdict.status, 'degraded');
    assert.equal(classify(beat({ status: 7 })).verdict.status, undefined);
    assert.equal(classify(beat({ status: undefined })).verdict.status, undefined);
  });

  it('asks the process table about the heartbeat pid only', () => {
    const { asked } = classify(beat({ pid: DEAD }));
    assert.deepEqual(asked, [DEAD]);
  });
});

describe('classifyHeartbeat: healthy_statuses', () => {
  const healthyStatuses = ['running', 'degraded'];
  // [name, status (undefined: no status key), state, reason]
  const cases: [string, unknown, HealthState, string][] = [
    ['a listed status is healthy', 'degraded', 'healthy', 'heartbeat 30s ago, iteration 42'],
    ['"running" still is', 'running', 'healthy', 'heartbeat 30s ago, iteration 42'],
    [
      'another is error_status, naming the accepted ones',
      'error',
      'error_status',
      'app reports status "error"; healthy: "running", "degraded"',
    ],
    ['case counts', 'DEGRADED', 'error_status', 'app reports status "DEGRADED"; healthy: "running", "degraded"'],
    ['no status is error_status', undefined, 'error_status', 'heartbeat has no status; healthy: "running", "degraded"'],
  ];
  for (const [name, status, state, reason] of cases) {
    it(name, () => {
      const { verdict } = classify(beat({ status }), { healthyStatuses });
      assert.equal(verdict.state, state);
      assert.equal(verdict.reason, reason);
      assert.equal(verdict.pid, ALIVE);
    });
  }

  it('without "running" in the list, "running" is error_status', () => {
    const { verdict } = classify(beat(), { healthyStatuses: ['ok'] });
    assert.equal(verdict.state, 'error_status');
    assert.equal(verdict.reason, 'app reports status "running"; healthy: "ok"');
  });
});

describe('classifyHeartbeat: healthy', () => {
  it('fills age, pid, iteration and status', () => {
    const { verdict, asked } = classify(beat());
    const expected: HealthVerdict = {
      state: 'healthy',
      reason: 'heartbeat 30s ago, iteration 42',
      pid: ALIVE,
      heartbeatTimestamp: TIMESTAMP,
      heartbeatMs: Date.parse(TIMESTAMP),
      heartbeatAgeSeconds: 30,
      iteration: 42,
      status: 'running',
      warning: undefined,
      pidStartTicks: undefined,
      bootId: undefined,
      writerUid: undefined,
      identity: [],
    };
    assert.deepEqual(verdict, expected);
    assert.deepEqual(asked, [ALIVE]);
  });

  it('stays healthy but warns when the heartbeat names another process key', () => {
    const { verdict } = classify(beat({ process_key: 'api' }));
    assert.equal(verdict.state, 'healthy');
    assert.equal(verdict.warning, 'heartbeat names process_key "api", expected "web"');
  });

  it("does not trust a heartbeat naming another configured process's key, and asks about none of its PIDs", () => {
    // A copy of (or a link to) another app's heartbeat: its PID is the other app's, never to be killed for this one.
    const { verdict, asked } = classify(beat({ process_key: 'api' }), { configuredKeys: ['web', 'api'] });
    assert.deepEqual(verdict, {
      ...NOTHING_SEEN,
      state: 'invalid_heartbeat',
      reason: 'heartbeat names process_key "api", another process of this config: not trusted as "web"\'s',
      pid: ALIVE,
    });
    assert.deepEqual(asked, []);
  });

  it('keeps the process key warning on a failure verdict', () => {
    const { verdict } = classify(beat({ process_key: 'api', pid: DEAD }));
    assert.equal(verdict.state, 'stale_pid');
    assert.equal(verdict.warning, 'heartbeat names process_key "api", expected "web"');
  });

  it('shortens a long process key in the warning: the heartbeat may hold 64 KiB of it', () => {
    const { verdict } = classify(beat({ process_key: 'k'.repeat(60_000) }));
    assert.equal(verdict.state, 'healthy');
    assert.equal(verdict.warning, `heartbeat names process_key "${'k'.repeat(76)}..., expected "web"`);
  });

  it('ignores extra keys', () => {
    const { verdict } = classify(beat({ start_time: 'yesterday', pid_of_child: -1, memory_mb: 512 }));
    assert.equal(verdict.state, 'healthy');
    assert.equal(verdict.pid, ALIVE);
    assert.equal(verdict.warning, undefined);
  });

  it('reads a timestamp in another zone as the same instant', () => {
    const { verdict } = classify(beat({ timestamp: '2026-02-05T11:47:29.601049+05:30' }));
    assert.equal(verdict.state, 'healthy');
    assert.equal(verdict.heartbeatAgeSeconds, 30);
  });
});
