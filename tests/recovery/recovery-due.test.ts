import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HEALTH_STATES, type HealthState } from '../../src/heartbeat/health-state.js';
import { isRecoveryDue, nextConsecutiveFailures } from '../../src/recovery/recovery-due.js';

describe('nextConsecutiveFailures', () => {
  const cases: [previous: number, state: HealthState, expected: number][] = [
    [0, 'healthy', 0],
    [5, 'healthy', 0],
    [0, 'timed_out', 1],
    [1, 'no_heartbeat', 2],
    [2, 'stale_pid', 3],
    [3, 'error_status', 4],
    [4, 'invalid_heartbeat', 5],
    [2, 'over_limit', 3],
    [99, 'timed_out', 100],
    [0, 'check_error', 0],
    [3, 'check_error', 3],
    [0, 'starting', 0],
    [1, 'starting', 1],
    [4, 'off', 0],
  ];
  for (const [previous, state, expected] of cases) {
    it(`${previous} then ${state} → ${expected}`, () => {
      assert.equal(nextConsecutiveFailures(previous, state), expected);
    });
  }

  it('counts every state but healthy, check_error, starting and off as a failure', () => {
    const failing = HEALTH_STATES.filter((state) => nextConsecutiveFailures(0, state) === 1);
    assert.deepEqual(failing, [
      'timed_out',
      'no_heartbeat',
      'stale_pid',
      'error_status',
      'invalid_heartbeat',
      'over_limit',
      'not_running',
      'probe_failed',
      'low_space',
      'read_only',
      'fs_unavailable',
    ]);
  });

  it('follows a run of checks as the Python Watchdog counts them', () => {
    const states: HealthState[] = ['timed_out', 'timed_out', 'healthy', 'stale_pid', 'no_heartbeat', 'error_status'];
    const counts: number[] = [];
    let failures = 0;
    for (const state of states) {
      failures = nextConsecutiveFailures(failures, state);
      counts.push(failures);
    }
    assert.deepEqual(counts, [1, 2, 0, 1, 2, 3]);
  });
});

describe('isRecoveryDue', () => {
  const cases: [state: HealthState, failures: number, threshold: number, expected: boolean][] = [
    ['timed_out', 0, 2, false],
    ['timed_out', 1, 2, false],
    ['timed_out', 2, 2, true],
    ['stale_pid', 3, 2, true],
    ['no_heartbeat', 0, 1, false],
    ['no_heartbeat', 1, 1, true],
    ['invalid_heartbeat', 4, 5, false],
    ['error_status', 5, 5, true],
    // A check the watchdog could not complete never makes a recovery due, whatever the count.
    ['check_error', 5, 2, false],
    ['healthy', 0, 1, false],
    ['starting', 3, 2, false],
    ['off', 3, 2, false],
  ];
  for (const [state, failures, threshold, expected] of cases) {
    it(`${state}, ${failures} failures, threshold ${threshold} → ${expected}`, () => {
      assert.equal(isRecoveryDue(state, failures, threshold), expected);
    });
  }
});
