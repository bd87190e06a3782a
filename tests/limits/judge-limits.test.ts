import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CpuRate } from '../../src/limits/decide-cpu-rate.js';
import { judgeLimits, type LimitJudgement, type UsageFigures } from '../../src/limits/judge-limits.js';
import type { ResourceLimits } from '../../src/limits/resource-limits.js';

const MIB = 1024 * 1024;
const NO_RATE: CpuRate = { kind: 'none', why: 'no rate yet: the first sample of this app', keepPrevious: false };
const rate = (percent: number, seconds = 60): CpuRate => ({ kind: 'rate', percent, seconds });
const limits = (memory?: number, cpu?: number): ResourceLimits => ({ max_memory_mb: memory, max_cpu_percent: cpu });

describe('judgeLimits', () => {
  const cases: [what: string, figures: UsageFigures, limits: ResourceLimits, expected: LimitJudgement][] = [
    ['no limits: never over', { memoryBytes: 9000 * MIB, descendants: 0, cpu: rate(900) }, limits(), { over: false }],
    [
      'memory over, with its descendants',
      { memoryBytes: 612 * MIB, descendants: 3, cpu: NO_RATE },
      limits(500),
      { over: true, reason: 'memory 612 MB over max_memory_mb 500 (app and 3 descendants)' },
    ],
    [
      'memory over, the app alone',
      { memoryBytes: 501 * MIB, descendants: 0, cpu: NO_RATE },
      limits(500),
      { over: true, reason: 'memory 501 MB over max_memory_mb 500 (app alone)' },
    ],
    [
      'just over: rounded up, never shown as the limit itself',
      { memoryBytes: 500 * MIB + 1, descendants: 1, cpu: NO_RATE },
      limits(500),
      { over: true, reason: 'memory 501 MB over max_memory_mb 500 (app and 1 descendant)' },
    ],
    ['at the limit: not over', { memoryBytes: 500 * MIB, descendants: 0, cpu: NO_RATE }, limits(500), { over: false }],
    ['under', { memoryBytes: 80 * MIB, descendants: 2, cpu: rate(10) }, limits(500, 50), { over: false }],
    [
      'cpu over',
      { memoryBytes: 80 * MIB, descendants: 2, cpu: rate(186.2, 61) },
      limits(undefined, 150),
      { over: true, reason: 'cpu 187% over max_cpu_percent 150 in the last 61 s (app and 2 descendants)' },
    ],
    [
      'cpu at the limit: not over',
      { memoryBytes: 0, descendants: 0, cpu: rate(150) },
      limits(undefined, 150),
      { over: false },
    ],
    [
      'no cpu rate yet: never over, however busy',
      { memoryBytes: 0, descendants: 0, cpu: NO_RATE },
      limits(undefined, 1),
      { over: false },
    ],
    [
      'both over: both figures',
      { memoryBytes: 700 * MIB, descendants: 1, cpu: rate(250) },
      limits(500, 100),
      {
        over: true,
        reason:
          'memory 700 MB over max_memory_mb 500, cpu 250% over max_cpu_percent 100 in the last 60 s (app and 1 descendant)',
      },
    ],
    [
      'memory over, cpu under: only memory',
      { memoryBytes: 700 * MIB, descendants: 0, cpu: rate(20) },
      limits(500, 100),
      { over: true, reason: 'memory 700 MB over max_memory_mb 500 (app alone)' },
    ],
  ];
  for (const [what, figures, set, expected] of cases) {
    it(what, () => assert.deepEqual(judgeLimits(figures, set), expected));
  }
});
