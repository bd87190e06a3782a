import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  budgetOf,
  crashLoopLimitsOf,
  decideCrashLoop,
  type CrashLoopDecision,
  type CrashLoopLimits,
  type PastRecovery,
  type RecoveryBudget,
} from '../../src/recovery/crash-loop-guard.js';
import { processConfig } from '../helpers/process-config.js';

const NOW_MS = Date.parse('2026-06-30T12:00:00.000Z');
const HOUR = 3600;

/** An ISO time `seconds` before NOW_MS. */
const ago = (seconds: number): string => new Date(NOW_MS - seconds * 1000).toISOString();

/** A recovery that started `startedAgo` seconds ago and took 5 s (still running: no end). */
function past(
  outcome: string,
  startedAgo: number,
  finishedAgo: number | null = outcome === 'running' ? null : startedAgo - 5,
): PastRecovery {
  return { startedAt: ago(startedAgo), finishedAt: finishedAgo === null ? null : ago(finishedAgo), outcome };
}

describe('budgetOf', () => {
  interface Case {
    name: string;
    /** Newest first, as the store hands them over. */
    recoveries: PastRecovery[];
    windowSeconds?: number;
    countedSinceMs?: number;
    expected: RecoveryBudget;
  }
  const cases: Case[] = [
    {
      name: 'no recoveries: a full budget',
      recoveries: [],
      expected: { recent: 0, failedInARow: 0, lastFailedMs: undefined },
    },
    {
      name: 'recoveries dated after now (recorded before the clock was set back) are not within the window',
      recoveries: [
        past('succeeded', -30 * 86400),
        past('succeeded', -25 * 86400),
        past('succeeded', -20 * 86400),
        past('succeeded', -30),
      ],
      expected: { recent: 1, failedInARow: 0, lastFailedMs: undefined },
    },
    {
      name: 'a reset dated after now (the clock was set back since) limits nothing',
      recoveries: [past('succeeded', 60), past('succeeded', 120)],
      countedSinceMs: NOW_MS + 86400 * 1000,
      expected: { recent: 2, failedInARow: 0, lastFailedMs: undefined },
    },
    {
      name: 'counts recoveries that started within the window, not older ones',
      recoveries: [
        past('succeeded', 60),
        past('succeeded', 1800),
        past('succeeded', HOUR + 1),
        past('failed', 2 * HOUR),
      ],
      expected: { recent: 2, failedInARow: 0, lastFailedMs: undefined },
    },
    {
      name: 'one that started exactly at the window edge counts',
      recoveries: [past('succeeded', HOUR)],
      expected: { recent: 1, failedInARow: 0, lastFailedMs: undefined },
    },
    {
      name: 'a shorter window counts fewer',
      recoveries: [past('succeeded', 60), past('succeeded', 1800)],
      windowSeconds: 600,
      expected: { recent: 1, failedInARow: 0, lastFailedMs: undefined },
    },
    {
      name: 'failed ones in a row, newest first; the latest one ended 5 s after it began',
      recoveries: [past('failed', 100), past('failed', 400), past('succeeded', 900)],
      expected: { recent: 3, failedInARow: 2, lastFailedMs: NOW_MS - 95_000 },
    },
    {
      name: 'an interrupted one (the watchdog died mid-pipeline) neither adds to the row nor ends it',
      recoveries: [past('interrupted', 100), past('failed', 400), past('failed', 700), past('succeeded', 900)],
      expected: { recent: 4, failedInARow: 2, lastFailedMs: NOW_MS - 395_000 },
    },
    {
      name: 'an interrupted one between failures does not break the row',
      recoveries: [past('failed', 100), past('interrupted', 400), past('failed', 700)],
      expected: { recent: 3, failedInARow: 2, lastFailedMs: NOW_MS - 95_000 },
    },
    {
      name: 'interrupted ones alone are no failures (but count towards the maximum)',
      recoveries: [past('interrupted', 100), { startedAt: ago(300), finishedAt: null, outcome: 'interrupted' }],
      expected: { recent: 2, failedInARow: 0, lastFailedMs: undefined },
    },
    {
      name: 'the row stops at a success',
      recoveries: [past('failed', 100), past('succeeded', 400), past('failed', 700), past('failed', 1000)],
      expected: { recent: 4, failedInARow: 1, lastFailedMs: NOW_MS - 95_000 },
    },
    {
      name: 'a success as the latest: no failures in a row',
      recoveries: [past('succeeded', 100), past('failed', 400)],
      expected: { recent: 2, failedInARow: 0, lastFailedMs: undefined },
    },
    {
      name: 'a running one as the latest neither adds to the row nor ends it',
      recoveries: [past('running', 10), past('failed', 400)],
      expected: { recent: 2, failedInARow: 1, lastFailedMs: NOW_MS - 395_000 },
    },
    {
      name: 'failures in a row count beyond the window (the backoff keeps growing)',
      recoveries: [past('failed', 2 * HOUR), past('failed', 3 * HOUR)],
      expected: { recent: 0, failedInARow: 2, lastFailedMs: NOW_MS - (2 * HOUR - 5) * 1000 },
    },
    {
      name: 'a failed one with no end recorded: its start is when it failed',
      recoveries: [{ startedAt: ago(300), finishedAt: null, outcome: 'failed' }],
      expected: { recent: 1, failedInARow: 1, lastFailedMs: NOW_MS - 300_000 },
    },
    {
      name: 'an end that is not a time: when it failed is not known',
      recoveries: [{ startedAt: ago(300), finishedAt: 'soon', outcome: 'failed' }],
      expected: { recent: 1, failedInARow: 1, lastFailedMs: undefined },
    },
    {
      name: 'a reset (countedSince) gives a fresh budget: only later recoveries count',
      recoveries: [past('failed', 60), past('failed', 600), past('failed', 1200)],
      countedSinceMs: NOW_MS - 900_000,
      expected: { recent: 2, failedInARow: 2, lastFailedMs: NOW_MS - 55_000 },
    },
    {
      name: 'a reset after every recovery: nothing counts',
      recoveries: [past('failed', 60), past('failed', 600)],
      countedSinceMs: NOW_MS - 30_000,
      expected: { recent: 0, failedInARow: 0, lastFailedMs: undefined },
    },
    {
      name: 'a reset older than the window: the window decides what is recent',
      recoveries: [past('succeeded', 60), past('succeeded', 2 * HOUR)],
      countedSinceMs: NOW_MS - 10 * HOUR * 1000,
      expected: { recent: 1, failedInARow: 0, lastFailedMs: undefined },
    },
  ];
  for (const { name, recoveries, windowSeconds = HOUR, countedSinceMs, expected } of cases) {
    it(name, () => {
      assert.deepEqual(budgetOf(recoveries, NOW_MS, windowSeconds, countedSinceMs), expected);
    });
  }
});

describe('budgetOf on the boot clock', () => {
  const BOOT = '0b8a1f0e-6c1d-4d6e-9c3a-1f2e3d4c5b6a';
  const UPTIME = 50_000;
  const clock = { bootId: BOOT, uptimeSeconds: UPTIME };
  /**
   * A recovery of this boot that started `bootAgo` seconds ago by the boot clock, and took
   * 5 s, while its wall time reads `wallAgo` seconds ago (the wall clock stepped since).
   */
  function stepped(outcome: string, bootAgo: number, wallAgo: number, bootId: string | null = BOOT): PastRecovery {
    return {
      ...past(outcome, wallAgo),
      bootId,
      startedUptimeSeconds: UPTIME - bootAgo,
      finishedUptimeSeconds: UPTIME - bootAgo + 5,
    };
  }
  interface Case {
    name: string;
    recoveries: PastRecovery[];
    expected: RecoveryBudget;
  }
  const cases: Case[] = [
    {
      name: "a forward step of 6 h does not push the last hour's recoveries out of the window",
      recoveries: [
        stepped('succeeded', 60, 6 * HOUR + 60),
        stepped('succeeded', 600, 6 * HOUR + 600),
        stepped('succeeded', 1200, 6 * HOUR + 1200),
      ],
      expected: { recent: 3, failedInARow: 0, lastFailedMs: undefined },
    },
    {
      name: 'a backward step of 6 h does not make them look like the future',
      recoveries: [stepped('succeeded', 60, -6 * HOUR + 60), stepped('succeeded', 600, -6 * HOUR + 600)],
      expected: { recent: 2, failedInARow: 0, lastFailedMs: undefined },
    },
    {
      name: "a failure's end is placed by the boot clock: the backoff survives a forward step",
      recoveries: [stepped('failed', 65, 6 * HOUR + 65)],
      expected: { recent: 1, failedInARow: 1, lastFailedMs: NOW_MS - 60_000 },
    },
    {
      name: 'a boot id in another case is the same boot',
      recoveries: [stepped('succeeded', 60, 6 * HOUR + 60, BOOT.toUpperCase())],
      expected: { recent: 1, failedInARow: 0, lastFailedMs: undefined },
    },
    {
      name: 'a recovery of an earlier boot keeps its wall time',
      recoveries: [
        stepped('succeeded', 60, 6 * HOUR + 60, 'another-boot'),
        stepped('succeeded', 120, 1200, 'another-boot'),
      ],
      expected: { recent: 1, failedInARow: 0, lastFailedMs: undefined },
    },
    {
      name: 'a row recorded without the boot clock keeps its wall time',
      recoveries: [past('succeeded', 6 * HOUR), past('succeeded', 60)],
      expected: { recent: 1, failedInARow: 0, lastFailedMs: undefined },
    },
  ];
  for (const { name, recoveries, expected } of cases) {
    it(name, () => {
      assert.deepEqual(budgetOf(recoveries, NOW_MS, HOUR, undefined, clock), expected);
    });
  }

  it('without a readable boot clock, wall time decides as before', () => {
    const recoveries = [stepped('succeeded', 60, 6 * HOUR + 60)];
    assert.deepEqual(budgetOf(recoveries, NOW_MS, HOUR, undefined, { bootId: undefined, uptimeSeconds: undefined }), {
      recent: 0,
      failedInARow: 0,
      lastFailedMs: undefined,
    });
  });
});

describe('decideCrashLoop', () => {
  const LIMITS: CrashLoopLimits = { maxRecoveries: 3, windowSeconds: HOUR, backoffSeconds: 60 };
  const budget = (recent: number, failedInARow = 0, lastFailedAgoSeconds?: number): RecoveryBudget => ({
    recent,
    failedInARow,
    lastFailedMs: lastFailedAgoSeconds === undefined ? undefined : NOW_MS - lastFailedAgoSeconds * 1000,
  });

  interface Case {
    name: string;
    budget: RecoveryBudget;
    limits?: Partial<CrashLoopLimits>;
    expected: CrashLoopDecision;
  }
  const cases: Case[] = [
    { name: 'no recoveries yet: allow', budget: budget(0), expected: { kind: 'allow' } },
    { name: 'below the maximum, none failed: allow', budget: budget(2), expected: { kind: 'allow' } },
    {
      name: 'at the maximum within the window: give up',
      budget: budget(3),
      expected: { kind: 'give_up', reason: 'gave up: 3 recoveries within 60m 00s (max_recoveries 3)' },
    },
    {
      name: 'above the maximum: give up',
      budget: budget(5, 1, 10),
      limits: { windowSeconds: 600 },
      expected: { kind: 'give_up', reason: 'gave up: 5 recoveries within 10m 00s (max_recoveries 3)' },
    },
    {
      name: 'giving up wins over a backoff',
      budget: budget(3, 3, 1),
      expected: { kind: 'give_up', reason: 'gave up: 3 recoveries within 60m 00s (max_recoveries 3)' },
    },
    {
      name: 'one failed recovery 10 s ago: wait the backoff',
      budget: budget(1, 1, 10),
      expected: {
        kind: 'backoff',
        untilMs: NOW_MS + 50_000,
        reason: 'next recovery in 50s (backoff 60s after a failed recovery)',
      },
    },
    {
      name: 'two failed in a row: the backoff doubles',
      budget: budget(2, 2, 10),
      expected: {
        kind: 'backoff',
        untilMs: NOW_MS + 110_000,
        reason: 'next recovery in 110s (backoff 2m 00s after 2 failed recoveries in a row)',
      },
    },
    {
      name: 'four failed in a row: doubled three times',
      budget: budget(2, 4, 0),
      limits: { maxRecoveries: 10 },
      expected: {
        kind: 'backoff',
        untilMs: NOW_MS + 480_000,
        reason: 'next recovery in 8m 00s (backoff 8m 00s after 4 failed recoveries in a row)',
      },
    },
    {
      name: 'the doubled backoff is capped at the window',
      budget: budget(2, 10, 100),
      limits: { maxRecoveries: 20, windowSeconds: 600 },
      expected: {
        kind: 'backoff',
        untilMs: NOW_MS + 500_000,
        reason: 'next recovery in 8m 20s (backoff 10m 00s after 10 failed recoveries in a row)',
      },
    },
    { name: 'the backoff is over: allow', budget: budget(1, 1, 61), expected: { kind: 'allow' } },
    { name: 'exactly at the end of the backoff: allow', budget: budget(1, 1, 60), expected: { kind: 'allow' } },
    {
      name: 'backoff 0: a failed recovery is retried at once',
      budget: budget(1, 2, 1),
      limits: { backoffSeconds: 0 },
      expected: { kind: 'allow' },
    },
    {
      name: 'the clock was set back (the failure seems to be in the future): the wait is over',
      budget: budget(1, 1, -3600),
      expected: { kind: 'allow' },
    },
    {
      name: 'a failure even 1 s in the future means the clock was set back: the wait is over',
      budget: budget(1, 1, -1),
      expected: { kind: 'allow' },
    },
    {
      name: 'failures whose end is not known: allow',
      budget: { recent: 1, failedInARow: 1, lastFailedMs: undefined },
      expected: { kind: 'allow' },
    },
  ];
  for (const { name, budget: given, limits, expected } of cases) {
    it(name, () => {
      assert.deepEqual(decideCrashLoop(given, { ...LIMITS, ...limits }, NOW_MS), expected);
    });
  }
});

describe('crashLoopLimitsOf', () => {
  it("takes a process's three settings", () => {
    assert.deepEqual(
      crashLoopLimitsOf(
        processConfig({ max_recoveries: 5, recovery_window_seconds: 900, recovery_backoff_seconds: 30 }),
      ),
      {
        maxRecoveries: 5,
        windowSeconds: 900,
        backoffSeconds: 30,
      },
    );
  });
});
