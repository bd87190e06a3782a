// assessCheck with crash-loop limits: how the guard's decisions (and a guard that already
// gave up) shape what a check records and whether a recovery runs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HealthVerdict } from '../../src/heartbeat/classify-heartbeat.js';
import { HEALTH_STATES } from '../../src/heartbeat/health-state.js';
import { assessCheck, NO_PREVIOUS_STATE, type PreviousState } from '../../src/recovery/assess-check.js';
import type { CrashLoopLimits, RecoveryBudget } from '../../src/recovery/crash-loop-guard.js';
import { verdictOf } from '../helpers/verdicts.js';

const NOW_MS = Date.parse('2026-06-30T12:00:00.000Z');
const LIMITS: CrashLoopLimits = { maxRecoveries: 3, windowSeconds: 3600, backoffSeconds: 60 };
const GAVE_UP_AT = '2026-06-30T11:30:00.000000+00:00';
const GAVE_UP_REASON = 'gave up: 3 recoveries within 60m 00s (max_recoveries 3)';

const timedOut: HealthVerdict = verdictOf('timed_out', 'last heartbeat 10m ago', {
  pid: 4321,
  heartbeatAgeSeconds: 600,
  heartbeatTimestamp: '2026-06-30T11:50:00.000000+00:00',
  iteration: 7,
  status: 'running',
});

/** The previous state of a process one failure below a threshold of 2, with the given recoveries behind it. */
const failing = (budget: RecoveryBudget, extra: Partial<PreviousState> = {}): PreviousState => ({
  ...NO_PREVIOUS_STATE,
  consecutiveFailures: 1,
  budget,
  ...extra,
});

const gaveUp = (extra: Partial<PreviousState> = {}): PreviousState =>
  failing(
    { recent: 3, failedInARow: 3, lastFailedMs: NOW_MS - 60_000 },
    { gaveUpAt: GAVE_UP_AT, gaveUpReason: GAVE_UP_REASON, ...extra },
  );

/** Wrapping changes the state and reason only: the heartbeat's details stay visible. */
function assertDetailsKept(wrapped: HealthVerdict, checked: HealthVerdict): void {
  assert.deepEqual(
    { ...wrapped, state: checked.state, reason: checked.reason },
    checked,
    'the heartbeat details are kept',
  );
}

describe('assessCheck with crash-loop limits', () => {
  it('a process the guard gave up on is recorded as gave_up, wrapping the heartbeat verdict', () => {
    const assessment = assessCheck(timedOut, gaveUp(), 2, NOW_MS, LIMITS);
    assert.equal(assessment.verdict.state, 'gave_up');
    assert.equal(
      assessment.verdict.reason,
      `${GAVE_UP_REASON} at ${GAVE_UP_AT}; \`watchdog on\` or \`watchdog reset\` resumes recoveries; heartbeat: timed_out (last heartbeat 10m ago)`,
    );
    assert.deepEqual(
      { failures: assessment.consecutiveFailures, due: assessment.recoveryDue, guard: assessment.guard },
      { failures: 0, due: false, guard: undefined },
    );
    assert.equal(assessment.checked, timedOut, 'the heartbeat verdict is kept for kill');
    assertDetailsKept(assessment.verdict, timedOut);
  });

  it('gave_up without a recorded reason says only when', () => {
    const assessment = assessCheck(timedOut, gaveUp({ gaveUpReason: null }), 2, NOW_MS, LIMITS);
    assert.match(
      assessment.verdict.reason,
      /^gave up at 2026-06-30T11:30:00\.000000\+00:00; `watchdog on` or `watchdog reset` resumes recoveries; heartbeat: timed_out/,
    );
  });

  it('gave_up holds whatever the heartbeat says, even healthy, and even without limits', () => {
    for (const state of HEALTH_STATES) {
      for (const limits of [LIMITS, undefined]) {
        const assessment = assessCheck(verdictOf(state), gaveUp({ consecutiveFailures: 9 }), 1, NOW_MS, limits);
        assert.deepEqual(
          [assessment.verdict.state, assessment.consecutiveFailures, assessment.recoveryDue],
          ['gave_up', 0, false],
          `${state} with ${limits === undefined ? 'no limits' : 'limits'}`,
        );
      }
    }
  });

  it('off wins over gave_up', () => {
    const assessment = assessCheck(
      timedOut,
      gaveUp({ offSince: '2026-06-30T11:45:00.000000+00:00', offBy: 'alice' }),
      2,
      NOW_MS,
      LIMITS,
    );
    assert.equal(assessment.verdict.state, 'off');
    assert.match(
      assessment.verdict.reason,
      /^turned off by alice at 2026-06-30T11:45:00\.000000\+00:00; heartbeat: timed_out/,
    );
    assert.deepEqual([assessment.consecutiveFailures, assessment.recoveryDue, assessment.guard], [0, false, undefined]);
  });

  it('a due recovery over the maximum gives up: state gave_up, nothing due, count 0, the guard said', () => {
    const assessment = assessCheck(
      timedOut,
      failing({ recent: 3, failedInARow: 1, lastFailedMs: NOW_MS - 3_600_000 }),
      2,
      NOW_MS,
      LIMITS,
    );
    assert.equal(assessment.verdict.state, 'gave_up');
    assert.equal(assessment.verdict.reason, `${GAVE_UP_REASON}; heartbeat: timed_out (last heartbeat 10m ago)`);
    assert.deepEqual(
      { failures: assessment.consecutiveFailures, due: assessment.recoveryDue, guard: assessment.guard },
      { failures: 0, due: false, guard: { kind: 'give_up', reason: GAVE_UP_REASON } },
    );
    assert.equal(assessment.checked, timedOut);
    assertDetailsKept(assessment.verdict, timedOut);
  });

  it('a due recovery within the backoff waits: the reason says until when, the state and count stay', () => {
    const assessment = assessCheck(
      timedOut,
      failing({ recent: 1, failedInARow: 1, lastFailedMs: NOW_MS - 10_000 }),
      2,
      NOW_MS,
      LIMITS,
    );
    assert.equal(assessment.verdict.state, 'timed_out');
    assert.equal(
      assessment.verdict.reason,
      'last heartbeat 10m ago; next recovery in 50s (backoff 60s after a failed recovery)',
    );
    assert.deepEqual(
      { failures: assessment.consecutiveFailures, due: assessment.recoveryDue, guard: assessment.guard },
      {
        failures: 2,
        due: false,
        guard: {
          kind: 'backoff',
          untilMs: NOW_MS + 50_000,
          reason: 'next recovery in 50s (backoff 60s after a failed recovery)',
        },
      },
    );
    assertDetailsKept(assessment.verdict, timedOut);
  });

  it('after the backoff the recovery is due', () => {
    const assessment = assessCheck(
      timedOut,
      failing({ recent: 1, failedInARow: 1, lastFailedMs: NOW_MS - 61_000 }),
      2,
      NOW_MS,
      LIMITS,
    );
    assert.deepEqual(
      {
        state: assessment.verdict.state,
        reason: assessment.verdict.reason,
        due: assessment.recoveryDue,
        guard: assessment.guard,
      },
      { state: 'timed_out', reason: 'last heartbeat 10m ago', due: true, guard: undefined },
    );
  });

  it('the guard is asked only when a recovery is due: below the threshold nothing is said', () => {
    const assessment = assessCheck(
      timedOut,
      { ...failing({ recent: 3, failedInARow: 3, lastFailedMs: NOW_MS }), consecutiveFailures: 0 },
      2,
      NOW_MS,
      LIMITS,
    );
    assert.deepEqual(
      {
        state: assessment.verdict.state,
        failures: assessment.consecutiveFailures,
        due: assessment.recoveryDue,
        guard: assessment.guard,
      },
      { state: 'timed_out', failures: 1, due: false, guard: undefined },
    );
  });

  it('a healthy check never consults the guard', () => {
    const healthy = verdictOf('healthy', 'heartbeat 2s ago, iteration 8', { pid: 4321 });
    const assessment = assessCheck(
      healthy,
      failing({ recent: 5, failedInARow: 5, lastFailedMs: NOW_MS }),
      2,
      NOW_MS,
      LIMITS,
    );
    assert.deepEqual(
      [assessment.verdict.state, assessment.consecutiveFailures, assessment.recoveryDue, assessment.guard],
      ['healthy', 0, false, undefined],
    );
  });

  it('without limits (the default) a full budget never holds a recovery back', () => {
    const assessment = assessCheck(
      timedOut,
      failing({ recent: 100, failedInARow: 100, lastFailedMs: NOW_MS }),
      2,
      NOW_MS,
    );
    assert.deepEqual(
      [assessment.verdict.state, assessment.recoveryDue, assessment.guard],
      ['timed_out', true, undefined],
    );
  });
});
