import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HealthVerdict } from '../../src/heartbeat/classify-heartbeat.js';
import { HEALTH_STATES, type HealthState } from '../../src/heartbeat/health-state.js';
import {
  assessCheck,
  NO_PREVIOUS_STATE,
  type GraceClock,
  type PreviousState,
} from '../../src/recovery/assess-check.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import { verdictOf } from '../helpers/verdicts.js';

const STARTED_MS = Date.parse('2026-06-30T12:00:00Z');
const STARTED_AT = formatUtcTimestamp(new Date(STARTED_MS));
const GRACE_UNTIL_MS = STARTED_MS + 60_000;
const GRACE_UNTIL = formatUtcTimestamp(new Date(GRACE_UNTIL_MS));
/** Half-way through the grace period. */
const IN_GRACE_MS = STARTED_MS + 30_000;

const BOOT = '0f0e0d0c-0b0a-4908-8706-050403020100';
/** A start recorded on the boot clock, 1000 s after boot. */
const onBoot = (consecutiveFailures: number): PreviousState => ({
  ...afterStart(consecutiveFailures),
  startedBootId: BOOT,
  startedUptimeSeconds: 1000,
});

const afterStart = (consecutiveFailures: number): PreviousState => ({
  ...NO_PREVIOUS_STATE,
  consecutiveFailures,
  startedAt: STARTED_AT,
  graceUntil: GRACE_UNTIL,
});

/** A verdict of a heartbeat written `ageSeconds` before the check at `nowMs`. */
const beat = (state: HealthState, ageSeconds: number, reason = `${state} heartbeat`): HealthVerdict =>
  verdictOf(state, reason, {
    pid: 4321,
    heartbeatAgeSeconds: ageSeconds,
    heartbeatTimestamp: 'as written',
    iteration: 7,
    status: 'running',
  });

interface Case {
  name: string;
  checked: HealthVerdict;
  previous: PreviousState;
  nowMs: number;
  threshold?: number;
  /** The boot clock at the check; none: the wall clock alone judges the grace. */
  clock?: GraceClock;
  state: HealthState;
  failures: number;
  due: boolean;
  reason?: RegExp;
  /** The state is the heartbeat's, with a note after its reason (a start grace that no longer holds). */
  noted?: true;
}

const cases: Case[] = [
  // Off: whatever the heartbeat says, nothing counts and nothing is due.
  {
    name: 'off wraps a failing verdict, naming who turned it off and when',
    checked: beat('timed_out', 600, 'last heartbeat 10m ago'),
    previous: {
      ...NO_PREVIOUS_STATE,
      consecutiveFailures: 5,
      offSince: '2026-06-30T11:00:00.000000+00:00',
      offBy: 'alice',
    },
    nowMs: IN_GRACE_MS,
    state: 'off',
    failures: 0,
    due: false,
    reason:
      /^turned off by alice at 2026-06-30T11:00:00\.000000\+00:00; heartbeat: timed_out \(last heartbeat 10m ago\)$/,
  },
  {
    name: 'off without a recorded user says only when',
    checked: verdictOf('no_heartbeat', 'no heartbeat file'),
    previous: {
      ...NO_PREVIOUS_STATE,
      consecutiveFailures: 1,
      offSince: '2026-06-30T11:00:00.000000+00:00',
      offBy: null,
    },
    nowMs: IN_GRACE_MS,
    state: 'off',
    failures: 0,
    due: false,
    reason: /^turned off at 2026-06-30T11:00:00\.000000\+00:00; heartbeat: no_heartbeat \(no heartbeat file\)$/,
  },
  {
    name: 'off wrapping a failed health probe names the probe, not a heartbeat',
    checked: verdictOf('probe_failed', 'health probe failed: tcp 127.0.0.1:1883: ECONNREFUSED (after 1 ms)'),
    previous: { ...NO_PREVIOUS_STATE, offSince: '2026-06-30T11:00:00.000000+00:00', offBy: 'alice' },
    nowMs: IN_GRACE_MS,
    state: 'off',
    failures: 0,
    due: false,
    reason:
      /^turned off by alice at 2026-06-30T11:00:00\.000000\+00:00; health probe: probe_failed \(health probe failed: tcp /,
  },
  {
    name: 'off wins over the start grace period',
    checked: verdictOf('no_heartbeat', 'no heartbeat file'),
    previous: { ...afterStart(3), offSince: '2026-06-30T12:00:10.000000+00:00', offBy: 'bob' },
    nowMs: IN_GRACE_MS,
    state: 'off',
    failures: 0,
    due: false,
    reason: /^turned off by bob/,
  },

  // Start grace: the new instance has not written its first heartbeat yet.
  {
    name: 'no heartbeat within the grace period is starting, failures unchanged',
    checked: verdictOf('no_heartbeat', 'no heartbeat file'),
    previous: afterStart(1),
    nowMs: IN_GRACE_MS,
    threshold: 1,
    state: 'starting',
    failures: 1,
    due: false,
    reason: /^started 30s ago, waiting for its first heartbeat \(30s of grace left\); no heartbeat file$/,
  },
  {
    name: 'an app found by match that nothing matches yet within the grace period is starting',
    checked: verdictOf('not_running', 'no process matches /mosquitto/'),
    previous: afterStart(1),
    nowMs: IN_GRACE_MS,
    threshold: 1,
    state: 'starting',
    failures: 1,
    due: false,
    reason: /^started 30s ago, waiting for a matching process \(30s of grace left\); no process matches \/mosquitto\/$/,
  },
  {
    name: 'a probe failing inside the start grace is starting: the new instance may not answer yet',
    checked: verdictOf('probe_failed', 'health probe failed: tcp 127.0.0.1:1883: ECONNREFUSED (after 1 ms)'),
    previous: afterStart(1),
    nowMs: IN_GRACE_MS,
    threshold: 2,
    state: 'starting',
    failures: 1,
    due: false,
    reason:
      /^started 30s ago, waiting for its health probe to answer \(30s of grace left\); health probe failed: tcp 127\.0\.0\.1:1883: ECONNREFUSED \(after 1 ms\)$/,
  },
  {
    name: 'a probe failing after the start grace counts',
    checked: verdictOf('probe_failed', 'health probe failed: tcp 127.0.0.1:1883: ECONNREFUSED (after 1 ms)'),
    previous: afterStart(1),
    nowMs: GRACE_UNTIL_MS + 1000,
    threshold: 2,
    state: 'probe_failed',
    failures: 2,
    due: true,
  },
  {
    name: "the old instance's timed-out heartbeat (older than the start) within grace is starting",
    checked: beat('timed_out', 40, 'last heartbeat 40s ago'),
    previous: afterStart(2),
    nowMs: IN_GRACE_MS,
    state: 'starting',
    failures: 2,
    due: false,
    reason: /waiting for its first heartbeat .*; last heartbeat 40s ago$/,
  },
  {
    name: "the old instance's stale heartbeat within grace is starting",
    checked: beat('stale_pid', 31),
    previous: afterStart(0),
    nowMs: IN_GRACE_MS,
    state: 'starting',
    failures: 0,
    due: false,
  },
  {
    name: "the old instance's error_status heartbeat within grace is starting",
    checked: beat('error_status', 35),
    previous: afterStart(1),
    nowMs: IN_GRACE_MS,
    state: 'starting',
    failures: 1,
    due: false,
  },
  {
    name: 'a heartbeat that cannot be trusted within grace (a first beat half written) is starting',
    checked: verdictOf('invalid_heartbeat', 'heartbeat is not valid JSON'),
    previous: afterStart(1),
    nowMs: IN_GRACE_MS,
    state: 'starting',
    failures: 1,
    due: false,
    reason: /waiting for its first heartbeat .*; heartbeat is not valid JSON$/,
  },
  {
    name: 'a clock set back to before the start ends the grace (it would last as long as the step)',
    checked: verdictOf('no_heartbeat', 'no heartbeat file'),
    previous: afterStart(1),
    nowMs: STARTED_MS - 3_600_000,
    state: 'no_heartbeat',
    failures: 2,
    due: true,
  },
  {
    name: 'a new heartbeat (younger than the start) that timed out is counted',
    checked: beat('timed_out', 10),
    previous: afterStart(1),
    nowMs: IN_GRACE_MS,
    state: 'timed_out',
    failures: 2,
    due: true,
  },
  {
    name: 'a new heartbeat whose PID is gone is counted',
    checked: beat('stale_pid', 5),
    previous: afterStart(0),
    nowMs: IN_GRACE_MS,
    state: 'stale_pid',
    failures: 1,
    due: false,
  },
  {
    name: 'a healthy check within grace resets the count',
    checked: beat('healthy', 1),
    previous: afterStart(4),
    nowMs: IN_GRACE_MS,
    state: 'healthy',
    failures: 0,
    due: false,
  },
  {
    name: 'a check_error within grace stays check_error and keeps the count',
    checked: verdictOf('check_error', 'the watchdog could not check this process'),
    previous: afterStart(1),
    nowMs: IN_GRACE_MS,
    state: 'check_error',
    failures: 1,
    due: false,
  },
  {
    name: 'no heartbeat at the very end of the grace period is counted',
    checked: verdictOf('no_heartbeat', 'no heartbeat file'),
    previous: afterStart(1),
    nowMs: GRACE_UNTIL_MS,
    state: 'no_heartbeat',
    failures: 2,
    due: true,
  },
  {
    name: 'an old heartbeat after the grace period is counted',
    checked: beat('timed_out', 600),
    previous: afterStart(0),
    nowMs: GRACE_UNTIL_MS + 1,
    state: 'timed_out',
    failures: 1,
    due: false,
  },
  {
    name: 'an app found by match that nothing matches after the grace period is not_running, counted',
    checked: verdictOf('not_running', 'no process matches /mosquitto/'),
    previous: afterStart(1),
    nowMs: GRACE_UNTIL_MS + 1,
    state: 'not_running',
    failures: 2,
    due: true,
  },
  {
    name: 'a grace period whose start is not a time is ignored',
    checked: verdictOf('no_heartbeat', 'no heartbeat file'),
    previous: { ...afterStart(1), startedAt: 'yesterday' },
    nowMs: IN_GRACE_MS,
    state: 'no_heartbeat',
    failures: 2,
    due: true,
  },
  {
    name: 'a start with no grace recorded is no grace',
    checked: verdictOf('no_heartbeat', 'no heartbeat file'),
    previous: { ...afterStart(0), graceUntil: null },
    nowMs: IN_GRACE_MS,
    state: 'no_heartbeat',
    failures: 1,
    due: false,
  },

  // The grace on the boot clock: a step of the wall clock neither stretches nor ends it.
  {
    name: 'a wall clock stepped back hours within grace: still starting, by the boot clock (30 s in)',
    checked: verdictOf('no_heartbeat', 'no heartbeat file'),
    previous: onBoot(1),
    nowMs: STARTED_MS - 3 * 3_600_000,
    clock: { bootId: BOOT, uptimeSeconds: 1030 },
    state: 'starting',
    failures: 1,
    due: false,
    reason: /^started 30s ago, waiting for its first heartbeat \(30s of grace left\)/,
  },
  {
    name: 'a wall clock stepped forward hours within grace: still starting, by the boot clock',
    checked: verdictOf('no_heartbeat', 'no heartbeat file'),
    previous: onBoot(1),
    nowMs: STARTED_MS + 3 * 3_600_000,
    clock: { bootId: BOOT, uptimeSeconds: 1010 },
    state: 'starting',
    failures: 1,
    due: false,
  },
  {
    name: 'a wall clock stepped back hours after the grace ended on the boot clock: counted',
    checked: verdictOf('no_heartbeat', 'no heartbeat file'),
    previous: onBoot(1),
    nowMs: STARTED_MS + 30_000 - 3 * 3_600_000,
    clock: { bootId: BOOT, uptimeSeconds: 1061 },
    state: 'no_heartbeat',
    failures: 2,
    due: true,
  },
  {
    name: 'the same boot id in capitals is the same boot',
    checked: verdictOf('no_heartbeat', 'no heartbeat file'),
    previous: onBoot(0),
    nowMs: IN_GRACE_MS,
    clock: { bootId: BOOT.toUpperCase(), uptimeSeconds: 1030 },
    state: 'starting',
    failures: 0,
    due: false,
  },
  {
    name: 'another boot: the started instance died with the reboot, no grace',
    checked: verdictOf('no_heartbeat', 'no heartbeat file'),
    previous: onBoot(1),
    nowMs: IN_GRACE_MS,
    clock: { bootId: '11111111-2222-4333-8444-555555555555', uptimeSeconds: 20 },
    state: 'no_heartbeat',
    failures: 2,
    due: true,
  },
  // The started instance died during its grace: the grace excuses nothing (issue 21).
  {
    name: 'the started instance is gone (died in its grace): no heartbeat is counted, and the reason says why',
    checked: verdictOf('no_heartbeat', 'no heartbeat file'),
    previous: { ...onBoot(1), startedInstance: { pid: 77, startTicks: 900, bootId: BOOT } },
    nowMs: IN_GRACE_MS,
    clock: { bootId: BOOT, uptimeSeconds: 1030, isGone: (instance) => instance.pid === 77 },
    state: 'no_heartbeat',
    failures: 2,
    due: true,
    reason: /^no heartbeat file; PID 77, started 30s ago, has exited: no start grace$/,
    noted: true,
  },
  {
    name: "the started instance is gone: the old instance's heartbeat is counted as what it is",
    checked: beat('stale_pid', 600, 'PID 4321 is not running'),
    previous: { ...onBoot(0), startedInstance: { pid: 77, startTicks: 900, bootId: BOOT } },
    nowMs: IN_GRACE_MS,
    clock: { bootId: BOOT, uptimeSeconds: 1030, isGone: () => true },
    state: 'stale_pid',
    failures: 1,
    due: false,
    reason: /^PID 4321 is not running; PID 77, started 30s ago, has exited: no start grace$/,
    noted: true,
  },
  {
    name: 'the started instance may still live (not proven gone): starting',
    checked: verdictOf('no_heartbeat', 'no heartbeat file'),
    previous: { ...onBoot(1), startedInstance: { pid: 77, startTicks: 900, bootId: BOOT } },
    nowMs: IN_GRACE_MS,
    clock: { bootId: BOOT, uptimeSeconds: 1030, isGone: () => false },
    state: 'starting',
    failures: 1,
    due: false,
  },
  {
    name: 'no instance recorded (a start under way, or handed over): the grace holds, whatever the table says',
    checked: verdictOf('no_heartbeat', 'no heartbeat file'),
    previous: onBoot(1),
    nowMs: IN_GRACE_MS,
    clock: { bootId: BOOT, uptimeSeconds: 1030, isGone: () => true },
    state: 'starting',
    failures: 1,
    due: false,
  },
  {
    name: "the old instance's heartbeat (older than the time since the start, by the boot clock) within grace is starting",
    checked: beat('timed_out', 600),
    previous: onBoot(1),
    nowMs: STARTED_MS - 3_600_000,
    clock: { bootId: BOOT, uptimeSeconds: 1030 },
    state: 'starting',
    failures: 1,
    due: false,
  },
  {
    name: 'the boot clock unreadable now: the wall clock judges, as before',
    checked: verdictOf('no_heartbeat', 'no heartbeat file'),
    previous: onBoot(1),
    nowMs: STARTED_MS - 3_600_000,
    clock: { bootId: BOOT, uptimeSeconds: undefined },
    state: 'no_heartbeat',
    failures: 2,
    due: true,
  },

  // Counting, as the Python Watchdog counts.
  {
    name: 'a healthy check resets the count',
    checked: beat('healthy', 2),
    previous: { ...NO_PREVIOUS_STATE, consecutiveFailures: 7 },
    nowMs: IN_GRACE_MS,
    state: 'healthy',
    failures: 0,
    due: false,
  },
  {
    name: 'check_error keeps the count and is never due, even past the threshold',
    checked: verdictOf('check_error', 'procfs unreadable'),
    previous: { ...NO_PREVIOUS_STATE, consecutiveFailures: 5 },
    nowMs: IN_GRACE_MS,
    state: 'check_error',
    failures: 5,
    due: false,
  },
  {
    name: 'one failure below the threshold is not due',
    checked: beat('timed_out', 600),
    previous: NO_PREVIOUS_STATE,
    nowMs: IN_GRACE_MS,
    state: 'timed_out',
    failures: 1,
    due: false,
  },
  {
    name: 'the failure that reaches the threshold is due',
    checked: beat('timed_out', 600),
    previous: { ...NO_PREVIOUS_STATE, consecutiveFailures: 1 },
    nowMs: IN_GRACE_MS,
    state: 'timed_out',
    failures: 2,
    due: true,
  },
  {
    name: 'failures past the threshold stay due',
    checked: verdictOf('invalid_heartbeat', 'heartbeat file is empty'),
    previous: { ...NO_PREVIOUS_STATE, consecutiveFailures: 3 },
    nowMs: IN_GRACE_MS,
    threshold: 3,
    state: 'invalid_heartbeat',
    failures: 4,
    due: true,
  },
];

describe('assessCheck', () => {
  for (const { name, checked, previous, nowMs, threshold = 2, clock, state, failures, due, reason, noted } of cases) {
    it(name, () => {
      const assessment = assessCheck(checked, previous, threshold, nowMs, undefined, clock);
      assert.equal(assessment.verdict.state, state);
      assert.equal(assessment.consecutiveFailures, failures);
      assert.equal(assessment.recoveryDue, due);
      if (reason !== undefined) assert.match(assessment.verdict.reason, reason);
      if (state === checked.state && noted === undefined) assert.equal(assessment.verdict.reason, checked.reason);
      if (noted !== undefined)
        assert.ok(assessment.verdict.reason.startsWith(`${checked.reason}; `), assessment.verdict.reason);
      // What the heartbeat said is kept as it was, for `kill` to judge.
      assert.equal(assessment.checked, checked);
      // Wrapping changes the state and reason only: the heartbeat's details stay visible.
      assert.deepEqual({ ...assessment.verdict, state: checked.state, reason: checked.reason }, checked);
    });
  }

  it('never makes a process that is off due, whatever its heartbeat says', () => {
    const previous: PreviousState = {
      ...NO_PREVIOUS_STATE,
      consecutiveFailures: 10,
      offSince: '2026-06-30T11:00:00.000000+00:00',
      offBy: 'cron',
    };
    for (const state of HEALTH_STATES) {
      const assessment = assessCheck(verdictOf(state), previous, 1, IN_GRACE_MS);
      assert.deepEqual(
        [assessment.verdict.state, assessment.consecutiveFailures, assessment.recoveryDue],
        ['off', 0, false],
        state,
      );
    }
  });
});
