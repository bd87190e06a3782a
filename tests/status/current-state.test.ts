import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { currentStateOf, type StateRow } from '../../src/status/current-state.js';
import type { StartedInstance } from '../../src/store/process-control.js';

const CHECKED_AT = '2026-06-30T12:00:00.000000+00:00';
const LATER = '2026-06-30T12:00:20.000000+00:00';

/** A row as a check of a healthy app (PID 4321, started 7 ticks after boot) leaves it. */
function row(overrides: Partial<StateRow> = {}): StateRow {
  return {
    last_health: 'healthy',
    last_reason: 'heartbeat 0.2s ago, iteration 5',
    last_pid: 4321,
    last_identity: 'start_time',
    last_heartbeat_age_seconds: 0.2,
    last_heartbeat_ts: '2026-06-30T11:59:59.800000+00:00',
    last_heartbeat_status: 'running',
    last_iteration: 5,
    last_check_at: CHECKED_AT,
    off_since: null,
    off_by: null,
    gave_up_at: null,
    started_pid: null,
    started_pid_start_ticks: null,
    started_boot_id: null,
    last_heartbeat_state: 'healthy',
    last_state_at: CHECKED_AT,
    last_state_source: 'check',
    ...overrides,
  };
}

const STARTED = { started_pid: 77, started_pid_start_ticks: 900, started_boot_id: 'boot-1' };
const alive = (instance: StartedInstance): boolean => instance.pid === 77 && instance.startTicks === 900;
const dead = (): boolean => false;

describe('currentStateOf', () => {
  const cases: [
    name: string,
    input: StateRow,
    isAlive: (instance: StartedInstance) => boolean,
    expected: Partial<ReturnType<typeof currentStateOf>>,
  ][] = [
    [
      'a healthy check: its PID and heartbeat',
      row(),
      dead,
      {
        state: 'healthy',
        pid: 4321,
        identity: 'start_time',
        heartbeat_age_seconds: 0.2,
        state_source: 'check',
        state_at: CHECKED_AT,
      },
    ],
    [
      'a heartbeat whose app fails its health probe: the PID kill would stop is shown',
      row({
        last_health: 'probe_failed',
        last_heartbeat_state: 'probe_failed',
        last_reason: 'health probe failed: tcp 127.0.0.1:1883: ECONNREFUSED (after 1 ms)',
      }),
      dead,
      { state: 'probe_failed', pid: 4321, identity: 'start_time', heartbeat_pid: 4321 },
    ],
    [
      'health alone failing its probe, nothing started alive: no PID',
      row({
        last_health: 'probe_failed',
        last_heartbeat_state: 'probe_failed',
        last_pid: null,
        last_identity: null,
        last_reason: 'health probe failed: tcp 127.0.0.1:1883: ECONNREFUSED (after 1 ms)',
      }),
      dead,
      { state: 'probe_failed', pid: null, identity: null },
    ],
    [
      'off recorded by the off command, the app stopped: no PID, no heartbeat facts',
      row({
        off_since: LATER,
        off_by: 'alice',
        last_health: 'off',
        last_reason: 'turned off by alice; heartbeat: no_heartbeat (no heartbeat file)',
        last_heartbeat_state: 'no_heartbeat',
        last_pid: null,
        last_heartbeat_age_seconds: null,
        last_state_source: 'off',
        last_state_at: LATER,
      }),
      dead,
      {
        state: 'off',
        pid: null,
        heartbeat_age_seconds: null,
        reason: 'turned off by alice; heartbeat: no_heartbeat (no heartbeat file)',
        state_source: 'off',
        state_at: LATER,
      },
    ],
    [
      'off with a heartbeat left behind naming a dead or reused PID: that PID is not the app, its age not shown',
      row({
        off_since: LATER,
        last_health: 'off',
        last_heartbeat_state: 'stale_pid',
        last_pid: 4321,
        last_heartbeat_age_seconds: 0.3,
        last_state_source: 'check',
      }),
      dead,
      {
        state: 'off',
        pid: null,
        identity: null,
        heartbeat_pid: 4321,
        heartbeat_age_seconds: null,
        heartbeat_timestamp: null,
        iteration: null,
        heartbeat_state: 'stale_pid',
      },
    ],
    [
      'off that could not stop the app (its heartbeat still names it live): shown, with its PID',
      row({ off_since: LATER, last_health: 'off', last_heartbeat_state: 'healthy', last_state_source: 'off' }),
      dead,
      { state: 'off', pid: 4321, heartbeat_age_seconds: 0.2 },
    ],
    [
      'off persisted, the command stopped before recording (the last check is older): off, and the reason says who',
      row({ off_since: LATER, off_by: 'alice' }),
      dead,
      { state: 'off', reason: `turned off by alice at ${LATER}`, pid: 4321 },
    ],
    [
      'a stale PID from a check: the heartbeat names it, status never calls it the app',
      row({ last_health: 'stale_pid', last_heartbeat_state: 'stale_pid', last_reason: 'PID 4321 is not running' }),
      dead,
      { state: 'stale_pid', pid: null, identity: null, heartbeat_pid: 4321, heartbeat_age_seconds: 0.2 },
    ],
    [
      'an untrusted heartbeat naming a live process: never the app',
      row({ last_health: 'invalid_heartbeat', last_heartbeat_state: 'invalid_heartbeat', last_pid: 1 }),
      dead,
      { state: 'invalid_heartbeat', pid: null, heartbeat_pid: 1 },
    ],
    [
      'starting, its instance still running: the started PID, known by its start time',
      row({
        ...STARTED,
        last_health: 'starting',
        last_heartbeat_state: 'no_heartbeat',
        last_pid: null,
        last_reason: 'started 0.5s ago, waiting',
        last_state_source: 'on',
      }),
      alive,
      {
        state: 'starting',
        pid: 77,
        started_pid: 77,
        identity: 'start_time',
        reason: 'started 0.5s ago, waiting',
        state_source: 'on',
      },
    ],
    [
      'starting, its instance gone since (or its PID taken by another process): no PID, and the reason says so',
      row({
        ...STARTED,
        last_health: 'starting',
        last_heartbeat_state: 'no_heartbeat',
        last_pid: null,
        last_reason: 'started 0.5s ago, waiting',
      }),
      dead,
      {
        state: 'starting',
        pid: null,
        started_pid: null,
        reason: 'started 0.5s ago, waiting; PID 77, the instance started, has exited since',
      },
    ],
    [
      'the started instance runs but never beat (grace over): it is the app',
      row({ ...STARTED, last_health: 'no_heartbeat', last_heartbeat_state: 'no_heartbeat', last_pid: null }),
      alive,
      { state: 'no_heartbeat', pid: 77 },
    ],
    [
      'a trusted heartbeat wins over the started instance (a launcher that runs the app as its child)',
      row({ ...STARTED }),
      alive,
      { pid: 4321, started_pid: 77, identity: 'start_time' },
    ],
    [
      'off recorded, then cleared by a command stopped before it recorded more: the heartbeat state behind it',
      row({ last_health: 'off', last_heartbeat_state: 'timed_out', last_reason: 'turned off by bob' }),
      dead,
      { state: 'timed_out', reason: 'turned on since this was recorded; the heartbeat then: timed_out', pid: 4321 },
    ],
    [
      'gave_up recorded, then cleared (reset, on): the heartbeat state behind it, never gave_up',
      row({ last_health: 'gave_up', last_heartbeat_state: 'no_heartbeat', last_pid: null }),
      dead,
      { state: 'no_heartbeat', reason: 'recoveries resumed since this was recorded; the heartbeat then: no_heartbeat' },
    ],
    [
      'gave_up still set: as recorded',
      row({
        last_health: 'gave_up',
        gave_up_at: CHECKED_AT,
        last_heartbeat_state: 'no_heartbeat',
        last_reason: 'gave up',
      }),
      dead,
      { state: 'gave_up', reason: 'gave up' },
    ],
    [
      'a row from before schema 9 (no heartbeat state): a heartbeat state recorded as such is used; wrapped ones say nothing',
      row({ last_heartbeat_state: null, last_state_at: null, last_state_source: null }),
      dead,
      { state: 'healthy', pid: 4321, heartbeat_state: 'healthy', state_source: 'check', state_at: CHECKED_AT },
    ],
    [
      'an old row recorded `starting` without the heartbeat state: no PID from it',
      row({ last_health: 'starting', last_heartbeat_state: null, last_state_source: null }),
      dead,
      { state: 'starting', pid: null, heartbeat_state: null },
    ],
    [
      'reset of a process never checked: recorded by the command alone',
      row({
        last_check_at: null,
        last_health: 'no_heartbeat',
        last_heartbeat_state: 'no_heartbeat',
        last_pid: null,
        last_state_source: 'reset',
        last_state_at: LATER,
      }),
      dead,
      { state: 'no_heartbeat', state_source: 'reset', state_at: LATER, pid: null },
    ],
  ];
  for (const [name, input, isAlive, expected] of cases) {
    it(name, () => {
      const current = currentStateOf(input, isAlive);
      const picked = Object.fromEntries(
        Object.keys(expected).map((key) => [key, current[key as keyof typeof current]]),
      );
      assert.deepEqual(picked, expected);
    });
  }

  it('asks whether the started instance lives with exactly what was recorded', () => {
    const asked: StartedInstance[] = [];
    currentStateOf(row({ ...STARTED }), (instance) => {
      asked.push(instance);
      return true;
    });
    assert.deepEqual(asked, [{ pid: 77, startTicks: 900, bootId: 'boot-1' }]);
  });
});
