import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LinkState } from '../../../src/network/link/classify-link.js';
import { decideLadder, type LadderDecision, type LadderFacts } from '../../../src/network/ladder/decide-ladder.js';

const NOW_MS = Date.parse('2026-02-05T06:17:29.601Z');
const MINUTE_MS = 60_000;

/** A failure at the threshold, the ladder never run before, interval 5 minutes. */
function facts(overrides: Partial<LadderFacts> = {}): LadderFacts {
  return {
    state: 'no_carrier',
    consecutiveFailures: 2,
    threshold: 2,
    lastLadderAtMs: undefined,
    nowMs: NOW_MS,
    intervalMinutes: 5,
    ...overrides,
  };
}

interface Case {
  name: string;
  facts: LadderFacts;
  expected: LadderDecision['kind'];
}

const FAILURES: LinkState[] = ['no_carrier', 'admin_down', 'missing', 'no_ipv4', 'unreachable'];

const cases: Case[] = [
  {
    name: 'up is healthy, even with failures left over',
    facts: facts({ state: 'up', consecutiveFailures: 9, threshold: 1 }),
    expected: 'healthy',
  },
  {
    name: 'up with no failures is healthy',
    facts: facts({ state: 'up', consecutiveFailures: 0 }),
    expected: 'healthy',
  },
  {
    name: 'check_error is not judged, even past the threshold',
    facts: facts({ state: 'check_error', consecutiveFailures: 9, threshold: 1 }),
    expected: 'not_judged',
  },
  ...FAILURES.flatMap((state): Case[] => [
    {
      name: `${state}: below the threshold waits`,
      facts: facts({ state, consecutiveFailures: 1, threshold: 2 }),
      expected: 'wait',
    },
    {
      name: `${state}: at the threshold, never run before, runs`,
      facts: facts({ state, consecutiveFailures: 2, threshold: 2 }),
      expected: 'run',
    },
  ]),
  { name: 'above the threshold runs', facts: facts({ consecutiveFailures: 5, threshold: 2 }), expected: 'run' },
  {
    name: 'threshold 1: the first failure runs',
    facts: facts({ consecutiveFailures: 1, threshold: 1 }),
    expected: 'run',
  },
  {
    name: 'below a threshold of 3, even long after the last run',
    facts: facts({ consecutiveFailures: 2, threshold: 3, lastLadderAtMs: NOW_MS - 60 * MINUTE_MS }),
    expected: 'wait',
  },
  {
    name: 'ran 2 minutes ago, interval 5: waits',
    facts: facts({ lastLadderAtMs: NOW_MS - 2 * MINUTE_MS }),
    expected: 'wait',
  },
  { name: 'ran just now, interval 5: waits', facts: facts({ lastLadderAtMs: NOW_MS }), expected: 'wait' },
  {
    name: 'ran 1 ms short of the interval: waits',
    facts: facts({ lastLadderAtMs: NOW_MS - 5 * MINUTE_MS + 1 }),
    expected: 'wait',
  },
  {
    name: 'ran exactly one interval ago: runs',
    facts: facts({ lastLadderAtMs: NOW_MS - 5 * MINUTE_MS }),
    expected: 'run',
  },
  {
    name: 'ran an hour ago, interval 5: runs',
    facts: facts({ lastLadderAtMs: NOW_MS - 60 * MINUTE_MS }),
    expected: 'run',
  },
  {
    name: 'last run in the future (clock set back): runs',
    facts: facts({ lastLadderAtMs: NOW_MS + 10 * MINUTE_MS }),
    expected: 'run',
  },
  { name: 'last run 1 ms in the future: runs', facts: facts({ lastLadderAtMs: NOW_MS + 1 }), expected: 'run' },
  {
    name: 'interval 0, ran just now: runs',
    facts: facts({ intervalMinutes: 0, lastLadderAtMs: NOW_MS }),
    expected: 'run',
  },
  {
    name: 'interval 0, below the threshold: still waits for it',
    facts: facts({ intervalMinutes: 0, consecutiveFailures: 1 }),
    expected: 'wait',
  },
  {
    name: 'fractional interval 0.5, ran 20 s ago: waits',
    facts: facts({ intervalMinutes: 0.5, lastLadderAtMs: NOW_MS - 20_000 }),
    expected: 'wait',
  },
  {
    name: 'fractional interval 0.5, ran 30 s ago: runs',
    facts: facts({ intervalMinutes: 0.5, lastLadderAtMs: NOW_MS - 30_000 }),
    expected: 'run',
  },
];

describe('decideLadder', () => {
  for (const { name, facts: given, expected } of cases) {
    it(name, () => {
      assert.equal(decideLadder(given).kind, expected);
    });
  }
});

describe('decideLadder: reasons', () => {
  it('below the threshold: the count and the threshold', () => {
    assert.deepEqual(decideLadder(facts({ consecutiveFailures: 1, threshold: 3 })), {
      kind: 'wait',
      reason: '1 consecutive failed check, threshold 3: the ladder waits for the threshold',
    });
  });

  it('within the interval: how long ago it ran, the interval and the time left', () => {
    assert.deepEqual(decideLadder(facts({ consecutiveFailures: 4, lastLadderAtMs: NOW_MS - 2 * MINUTE_MS })), {
      kind: 'wait',
      reason:
        '4 consecutive failed checks, threshold 2; the ladder ran 2m 00s ago and runs at most every 5m 00s (next in 3m 00s)',
    });
  });

  it('a run names the count', () => {
    assert.deepEqual(decideLadder(facts({ consecutiveFailures: 3 })), {
      kind: 'run',
      reason: '3 consecutive failed checks, threshold 2',
    });
  });

  it('healthy and not_judged carry nothing else', () => {
    assert.deepEqual(decideLadder(facts({ state: 'up' })), { kind: 'healthy' });
    assert.deepEqual(decideLadder(facts({ state: 'check_error' })), { kind: 'not_judged' });
  });
});
