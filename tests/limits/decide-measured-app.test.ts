import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HealthVerdict } from '../../src/heartbeat/classify-heartbeat.js';
import type { HealthState } from '../../src/heartbeat/health-state.js';
import { decideMeasuredApp, type MeasuredApp } from '../../src/limits/decide-measured-app.js';
import type { StartedInstance } from '../../src/store/process-control.js';

const BOOT = '0b0e1d00-0000-4000-8000-000000000001';
const OTHER_BOOT = '0b0e1d00-0000-4000-8000-000000000002';
type Beat = Pick<HealthVerdict, 'state' | 'pid' | 'pidStartTicks' | 'bootId'>;

/** A heartbeat naming PID 42, with its start time and boot (heartbeat-writer's). */
function beat(state: HealthState, fields: Partial<Beat> = {}): Beat {
  return { state, pid: 42, pidStartTicks: 5000, bootId: BOOT, ...fields };
}
const STARTED: StartedInstance = { pid: 42, startTicks: 5000, bootId: BOOT };
const proven = (judged: boolean): MeasuredApp => ({
  kind: 'app',
  pid: 42,
  startTicks: 5000,
  bootId: BOOT,
  by: 'heartbeat',
  judged,
});
const NOT_PROVEN =
  'not measured: PID 42 is not proven to be the app (its heartbeat records no start time and boot, and the watchdog did not start it)';

describe('decideMeasuredApp', () => {
  const cases: [
    what: string,
    verdict: Beat,
    started: StartedInstance | undefined,
    startedAlive: boolean,
    expected: MeasuredApp,
  ][] = [
    [
      'a healthy heartbeat with start time and boot: measured and judged',
      beat('healthy'),
      undefined,
      false,
      proven(true),
    ],
    [
      'timed out: measured for status, not judged (the heartbeat is the problem)',
      beat('timed_out'),
      undefined,
      false,
      proven(false),
    ],
    ['error status: measured, not judged', beat('error_status'), undefined, false, proven(false)],
    [
      'hostile: a healthy heartbeat naming a PID with no start time: never measured',
      beat('healthy', { pidStartTicks: undefined }),
      undefined,
      false,
      { kind: 'none', why: NOT_PROVEN },
    ],
    [
      'no boot id: not proven (start times repeat across boots)',
      beat('healthy', { bootId: undefined }),
      undefined,
      false,
      { kind: 'none', why: NOT_PROVEN },
    ],
    [
      'a heartbeat of another boot: not proven',
      beat('healthy', { bootId: OTHER_BOOT }),
      undefined,
      false,
      { kind: 'none', why: NOT_PROVEN },
    ],
    [
      'a stale PID, even with identity: nothing',
      beat('stale_pid'),
      undefined,
      false,
      { kind: 'none', why: 'not measured: no live app is known' },
    ],
    [
      'an invalid heartbeat naming a PID: nothing',
      beat('invalid_heartbeat'),
      undefined,
      false,
      { kind: 'none', why: 'not measured: no live app is known' },
    ],
    [
      'the started instance, alive, named by a heartbeat without identity: measured and judged',
      beat('healthy', { pidStartTicks: undefined, bootId: undefined }),
      STARTED,
      true,
      { kind: 'app', pid: 42, startTicks: 5000, bootId: BOOT, by: 'started', judged: true },
    ],
    [
      'the started instance alive, the heartbeat naming a stranger: measured, never judged (the kill would target the stranger)',
      beat('healthy', { pid: 77, pidStartTicks: undefined, bootId: undefined }),
      STARTED,
      true,
      { kind: 'app', pid: 42, startTicks: 5000, bootId: BOOT, by: 'started', judged: false },
    ],
    [
      'the started instance while its heartbeat is not there yet: measured, not judged',
      { state: 'no_heartbeat', pid: undefined, pidStartTicks: undefined, bootId: undefined },
      STARTED,
      true,
      { kind: 'app', pid: 42, startTicks: 5000, bootId: BOOT, by: 'started', judged: false },
    ],
    [
      'a started instance that is gone: nothing',
      { state: 'no_heartbeat', pid: undefined, pidStartTicks: undefined, bootId: undefined },
      STARTED,
      false,
      { kind: 'none', why: 'not measured: no live app is known' },
    ],
  ];
  for (const [what, verdict, started, startedAlive, expected] of cases) {
    it(what, () => assert.deepEqual(decideMeasuredApp(verdict, started, startedAlive, BOOT), expected));
  }
});
