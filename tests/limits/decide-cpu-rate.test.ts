import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideCpuRate, type CpuRate, type CpuSample } from '../../src/limits/decide-cpu-rate.js';

const BOOT = '0b0e1d00-0000-4000-8000-000000000001';
/** PID 42 of this boot, 100 s of CPU time, taken at 1000 s of uptime. */
const PREVIOUS: CpuSample = { pid: 42, startTicks: 5000, bootId: BOOT, cpuTicks: 10_000, uptimeSeconds: 1000 };

function later(fields: Partial<CpuSample>): CpuSample {
  return { ...PREVIOUS, uptimeSeconds: 1060, ...fields };
}

describe('decideCpuRate', () => {
  const cases: [what: string, previous: CpuSample | undefined, current: CpuSample, expected: CpuRate][] = [
    [
      'one core busy for the minute between ticks',
      PREVIOUS,
      later({ cpuTicks: 16_000 }),
      { kind: 'rate', percent: 100, seconds: 60 },
    ],
    ['two cores busy: 200', PREVIOUS, later({ cpuTicks: 22_000 }), { kind: 'rate', percent: 200, seconds: 60 }],
    ['idle', PREVIOUS, later({}), { kind: 'rate', percent: 0, seconds: 60 }],
    [
      'the boot id compared without case',
      PREVIOUS,
      later({ cpuTicks: 13_000, bootId: BOOT.toUpperCase() }),
      { kind: 'rate', percent: 50, seconds: 60 },
    ],
    [
      'a missing previous sample: the first of this app',
      undefined,
      later({ cpuTicks: 16_000 }),
      { kind: 'none', why: 'no rate yet: the first sample of this app', keepPrevious: false },
    ],
    [
      'a reset instance: same PID, another start time (restarted)',
      PREVIOUS,
      later({ startTicks: 9000, cpuTicks: 50 }),
      { kind: 'none', why: 'no rate yet: the first sample of this instance (PID 42)', keepPrevious: false },
    ],
    [
      'another PID',
      PREVIOUS,
      later({ pid: 43 }),
      { kind: 'none', why: 'no rate yet: the first sample of this instance (PID 43)', keepPrevious: false },
    ],
    [
      'another boot (the same start ticks, as an app started early at every boot has)',
      PREVIOUS,
      later({ bootId: '0b0e1d00-0000-4000-8000-000000000002', uptimeSeconds: 1100, cpuTicks: 900_000 }),
      { kind: 'none', why: 'no rate yet: the first sample of this instance (PID 42)', keepPrevious: false },
    ],
    [
      'a boot that could not be read at one sample',
      PREVIOUS,
      later({ bootId: undefined }),
      { kind: 'none', why: 'no rate yet: the first sample of this instance (PID 42)', keepPrevious: false },
    ],
    [
      'a boot clock that did not move on',
      PREVIOUS,
      later({ uptimeSeconds: 1000, cpuTicks: 16_000 }),
      { kind: 'none', why: 'no rate: the boot clock did not move on since the last sample', keepPrevious: false },
    ],
    [
      'a boot clock that went back',
      PREVIOUS,
      later({ uptimeSeconds: 900 }),
      { kind: 'none', why: 'no rate: the boot clock did not move on since the last sample', keepPrevious: false },
    ],
    [
      'two samples less than a second apart: the previous one is kept',
      PREVIOUS,
      later({ uptimeSeconds: 1000.5, cpuTicks: 10_050 }),
      { kind: 'none', why: 'no rate yet: less than 1 s since the last sample', keepPrevious: true },
    ],
    [
      'a descendant left the tree, its CPU time with it',
      PREVIOUS,
      later({ cpuTicks: 9000 }),
      { kind: 'none', why: 'no rate: a descendant left the tree since the last sample', keepPrevious: false },
    ],
  ];
  for (const [what, previous, current, expected] of cases) {
    it(what, () => assert.deepEqual(decideCpuRate(previous, current), expected));
  }
});
