import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideFilesystemAlert, isAlertOnly } from '../../src/filesystems/decide-filesystem-alert.js';
import type { HealthState } from '../../src/heartbeat/health-state.js';

describe('decideFilesystemAlert (threshold 2)', () => {
  const table: [name: string, state: HealthState, previous: number, now: number, alert: string | undefined][] = [
    ['the first failure: below the threshold', 'low_space', 0, 1, undefined],
    ['the failure that reaches the threshold', 'low_space', 1, 2, 'filesystem_failing'],
    ['the failures after it: told once per run', 'low_space', 2, 3, undefined],
    ['a read-only mount reaching it', 'read_only', 1, 2, 'filesystem_failing'],
    ['a threshold lowered below the count: told once', 'fs_unavailable', 1, 5, 'filesystem_failing'],
    ['check_error keeps the count and tells nothing', 'check_error', 3, 3, undefined],
    ['healthy after the threshold was reached', 'healthy', 3, 0, 'filesystem_healthy'],
    ['healthy after a run below the threshold', 'healthy', 1, 0, undefined],
    ['healthy, and healthy before', 'healthy', 0, 0, undefined],
    ['turned off after the threshold: `process_off` tells it', 'off', 3, 0, undefined],
  ];
  for (const [name, state, previous, now, alert] of table)
    it(name, () => assert.equal(decideFilesystemAlert(state, previous, now, 2), alert));
});

it('an entry without recovery_actions only alerts', () => {
  assert.equal(isAlertOnly({ recovery_actions: [] }), true);
  assert.equal(isAlertOnly({ recovery_actions: ['clean'] }), false);
});
