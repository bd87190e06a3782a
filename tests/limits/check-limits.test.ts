import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyLimits, checkLimits, describeUsage, type LimitCheck } from '../../src/limits/check-limits.js';
import { measureTree } from '../../src/limits/measure-tree.js';
import { FAKE_BOOT_ID, fakeSystem, type FakeProcess } from '../helpers/fake-system.js';
import { verdictOf } from '../helpers/verdicts.js';

const MIB = 1024 * 1024;
const APP = 500;
/** The app, its two children, a grandchild; a stranger; a process that took a dead child's PID before the app started. */
const TABLE: FakeProcess[] = [
  { pid: APP, startTime: 1000, rssBytes: 40 * MIB, cpuTicks: 100 },
  { pid: 501, ppid: APP, startTime: 1010, rssBytes: 20 * MIB, cpuTicks: 10 },
  { pid: 502, ppid: APP, startTime: 1020, rssBytes: 20 * MIB, cpuTicks: 10 },
  { pid: 503, ppid: 501, startTime: 1030, rssBytes: 20 * MIB, cpuTicks: 10 },
  { pid: 504, ppid: APP, startTime: 900, rssBytes: 999 * MIB, cpuTicks: 999 },
  { pid: 600, ppid: 1, startTime: 800, rssBytes: 999 * MIB, cpuTicks: 999 },
  { pid: 505, ppid: APP, startTime: 1040, state: 'Z' },
];
/** A healthy heartbeat of the app, with its start time and boot. */
const HEALTHY = verdictOf('healthy', 'heartbeat 1s ago', { pid: APP, pidStartTicks: 1000, bootId: FAKE_BOOT_ID });

describe('measureTree', () => {
  it('sums the app and its descendants, born after their parents; never a stranger, a zombie or an older PID', () => {
    const { processes } = fakeSystem({ processes: TABLE });
    assert.deepEqual(measureTree({ pid: APP, startTicks: 1000 }, processes), {
      rssBytes: 100 * MIB,
      cpuTicks: 130,
      descendants: 3,
    });
  });

  it('counts a descendant only while it is still the process the walk found (a PID reused during the walk adds nothing)', () => {
    const { processes } = fakeSystem({ processes: TABLE });
    const reused = {
      ...processes,
      usage: (pid: number) => {
        const usage = processes.usage(pid);
        // 502 exited and its PID went to another process between the table and the reading.
        return pid === 502 && usage !== undefined ? { ...usage, startTime: 5000, rssBytes: 4096 * MIB } : usage;
      },
    };
    assert.deepEqual(measureTree({ pid: APP, startTicks: 1000 }, reused), {
      rssBytes: 80 * MIB,
      cpuTicks: 120,
      descendants: 2,
    });
  });

  it('measures nothing when the root is gone or is another process now', () => {
    const { processes } = fakeSystem({ processes: TABLE });
    assert.equal(measureTree({ pid: APP, startTicks: 999 }, processes), undefined);
    assert.equal(measureTree({ pid: 777, startTicks: 1000 }, processes), undefined);
  });
});

describe('checkLimits', () => {
  it('judges a healthy heartbeat’s app, keeps its sample, and has no CPU rate at its first check', () => {
    const { processes } = fakeSystem({ processes: TABLE });
    const check = checkLimits(
      { max_memory_mb: 64, max_cpu_percent: 50 },
      HEALTHY,
      { started: undefined, previous: undefined },
      processes,
    );
    assert.deepEqual(check.judgement, {
      over: true,
      reason: 'memory 100 MB over max_memory_mb 64 (app and 3 descendants)',
    });
    assert.deepEqual(check.record, {
      memoryBytes: 100 * MIB,
      cpuPercent: null,
      descendants: 3,
      sample: { pid: APP, startTicks: 1000, bootId: FAKE_BOOT_ID, cpuTicks: 130, uptimeSeconds: 86_400 },
    });
    assert.equal(
      describeUsage(check),
      `memory 100 MB, cpu: no rate yet: the first sample of this app (app and 3 descendants, PID ${APP})`,
    );
  });

  it('takes the rate from the previous sample of the same instance', () => {
    const { processes } = fakeSystem({ processes: TABLE });
    const previous = { pid: APP, startTicks: 1000, bootId: FAKE_BOOT_ID, cpuTicks: 30, uptimeSeconds: 86_300 };
    const check = checkLimits(
      { max_memory_mb: undefined, max_cpu_percent: 0.5 },
      HEALTHY,
      { started: undefined, previous },
      processes,
    );
    assert.equal(check.record.cpuPercent, 1);
    assert.deepEqual(check.judgement, {
      over: true,
      reason: 'cpu 1% over max_cpu_percent 0.5 in the last 100 s (app and 3 descendants)',
    });
  });

  it('measures the started instance while it runs, and judges it when the heartbeat names it', () => {
    const { processes } = fakeSystem({ processes: TABLE });
    const legacy = verdictOf('healthy', 'heartbeat 1s ago', { pid: APP });
    const started = { pid: APP, startTicks: 1000, bootId: FAKE_BOOT_ID };
    const check = checkLimits(
      { max_memory_mb: 64, max_cpu_percent: undefined },
      legacy,
      { started, previous: undefined },
      processes,
    );
    assert.equal(check.measured?.by, 'started');
    assert.equal(check.judgement.over, true);
    const gone = checkLimits(
      { max_memory_mb: 64, max_cpu_percent: undefined },
      legacy,
      { started: { ...started, startTicks: 1001 }, previous: undefined },
      processes,
    );
    assert.equal(gone.measured, undefined, 'a started instance whose PID another process has is not the app');
    assert.match(gone.notMeasured ?? '', /^not measured: PID 500 is not proven to be the app/);
  });

  it('a process table that cannot be read measures nothing and says why (never a failure of the app)', () => {
    const { processes } = fakeSystem({ processes: TABLE });
    const failing = {
      ...processes,
      all: () => {
        throw new Error('cannot parse a procfs stat line');
      },
    };
    const check = checkLimits(
      { max_memory_mb: 1, max_cpu_percent: undefined },
      HEALTHY,
      { started: undefined, previous: undefined },
      failing,
    );
    assert.deepEqual(check, {
      measured: undefined,
      notMeasured: 'not measured: the watchdog could not read the process table: cannot parse a procfs stat line',
      judgement: { over: false },
      record: { memoryBytes: null, cpuPercent: null, descendants: null, sample: undefined },
    });
  });
});

describe('applyLimits', () => {
  const over: LimitCheck = {
    measured: {
      pid: APP,
      by: 'heartbeat',
      judged: true,
      memoryBytes: 100 * MIB,
      descendants: 0,
      cpu: { kind: 'none', why: 'x', keepPrevious: false },
    },
    notMeasured: undefined,
    judgement: { over: true, reason: 'memory 100 MB over max_memory_mb 64 (app alone)' },
    record: { memoryBytes: 100 * MIB, cpuPercent: null, descendants: 0, sample: undefined },
  };
  const cases: [what: string, verdict: ReturnType<typeof verdictOf>, check: LimitCheck | undefined, state: string][] = [
    ['healthy and over: over_limit', HEALTHY, over, 'over_limit'],
    ['healthy and under: healthy', HEALTHY, { ...over, judgement: { over: false } }, 'healthy'],
    ['no limits check: as it was', HEALTHY, undefined, 'healthy'],
    ['a heartbeat failure wins', verdictOf('timed_out', 'late', { pid: APP }), over, 'timed_out'],
    [
      'a heartbeat read again that names another PID (a new instance): as it is',
      verdictOf('healthy', 'ok', { pid: 900 }),
      over,
      'healthy',
    ],
  ];
  for (const [what, verdict, check, state] of cases) {
    it(what, () => {
      const applied = applyLimits(verdict, check);
      assert.equal(applied.state, state);
      assert.equal(
        applied.reason,
        state === 'over_limit' ? 'memory 100 MB over max_memory_mb 64 (app alone)' : verdict.reason,
      );
      assert.equal(applied.pid, verdict.pid, 'the PID is the heartbeat’s: the kill targets it as for any failure');
    });
  }
});
