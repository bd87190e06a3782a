import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideFilesystemAlert, isAlertOnly } from '../../src/filesystems/decide-filesystem-alert.js';
import type { HealthState } from '../../src/heartbeat/health-state.js';

describe('decideFilesystemAlert (threshold 2)', () => {
  const table: [
    name: string,
    state: HealthState,
    open: boolean | undefined,
    previous: number,
    now: number,
    alert: string | undefined,
  ][] = [
    ['the first failure: below the threshold', 'low_space', false, 0, 1, undefined],
    ['the failure that reaches the threshold', 'low_space', false, 1, 2, 'filesystem_failing'],
    ['the failures after it: told once per run', 'low_space', true, 2, 3, undefined],
    ['a read-only mount reaching it', 'read_only', false, 1, 2, 'filesystem_failing'],
    ['a threshold lowered below the count: told once', 'fs_unavailable', false, 1, 5, 'filesystem_failing'],
    ['check_error keeps the count and tells nothing', 'check_error', true, 3, 3, undefined],
    ['healthy after the threshold was reached', 'healthy', true, 3, 0, 'filesystem_healthy'],
    ['healthy after a run below the threshold', 'healthy', false, 1, 0, undefined],
    ['healthy, and healthy before', 'healthy', false, 0, 0, undefined],
    ['turned off after the threshold: `process_off` tells it', 'off', true, 3, 0, undefined],
    // The count is zeroed by `reset`, `off` and `on`; the open alert is not.
    ['healthy after a `reset` zeroed the count of an open alert', 'healthy', true, 0, 0, 'filesystem_healthy'],
    ['healthy after `off` then `on` zeroed the count of an open alert', 'healthy', true, 0, 0, 'filesystem_healthy'],
    ['still failing after a `reset`: the alert is still open, not told again', 'low_space', true, 1, 2, undefined],
    ['still failing after `off` then `on`: not told again', 'low_space', true, 0, 1, undefined],
    [
      'an open alert whose count is below a threshold raised since: healthy still told',
      'healthy',
      true,
      1,
      0,
      'filesystem_healthy',
    ],
    [
      'an open alert whose count is below a threshold raised since: no second alert',
      'low_space',
      true,
      1,
      2,
      undefined,
    ],
    [
      'a row from before the flag: the count above the threshold is an open alert',
      'healthy',
      undefined,
      3,
      0,
      'filesystem_healthy',
    ],
    ['a row from before the flag: the count below it is none', 'healthy', undefined, 1, 0, undefined],
    ['a row from before the flag, reaching the threshold', 'low_space', undefined, 1, 2, 'filesystem_failing'],
  ];
  for (const [name, state, open, previous, now, alert] of table)
    it(name, () => assert.equal(decideFilesystemAlert(state, { open, previousFailures: previous }, now, 2), alert));
});

it('an entry without recovery_actions only alerts', () => {
  assert.equal(isAlertOnly({ recovery_actions: [] }), true);
  assert.equal(isAlertOnly({ recovery_actions: ['clean'] }), false);
});
