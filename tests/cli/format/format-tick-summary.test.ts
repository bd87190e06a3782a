import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTickSummary } from '../../../src/cli/format/format-tick-summary.js';
import type { HealthState } from '../../../src/heartbeat/health-state.js';
import type { NetworkTickOutcome } from '../../../src/network/run-network-tick.js';
import type { RecoveryReport } from '../../../src/recovery/run-recovery.js';
import type { ProcessCheck } from '../../../src/tick/process-check.js';
import type { TickOutcome } from '../../../src/tick/tick-outcome.js';
import { processCheck } from '../../helpers/process-check.js';
import type { FilesystemCheck } from '../../../src/tick/filesystem-check.js';
import { filesystemConfig } from '../../helpers/filesystem-config.js';
import { recoveryReport } from '../../helpers/recovery-report.js';
import { networkTick, ranTick } from '../../helpers/tick-outcome.js';

function check(key: string, state: HealthState, consecutiveFailures = 0): ProcessCheck {
  return processCheck({ key, state, consecutiveFailures });
}

function filesystemCheck(key: string, state: HealthState, consecutiveFailures: number): FilesystemCheck {
  const { verdict, checked, threshold, recoveryDue, guard } = check(key, state, consecutiveFailures);
  return {
    verdict,
    checked,
    threshold,
    consecutiveFailures,
    recoveryDue,
    guard,
    filesystem: filesystemConfig({ key }),
    read: { kind: 'error', reason: 'not read' },
  };
}

const HEALED = networkTick('healed');

function ran(
  checks: ProcessCheck[],
  recoveries: RecoveryReport[] = [],
  network: NetworkTickOutcome | undefined = undefined,
): TickOutcome {
  return ranTick({ checks, recoveries, network });
}

describe('formatTickSummary', () => {
  const plain = { width: 200, color: false };
  const table: [string, TickOutcome, string][] = [
    ['one healthy process', ran([check('demo_app', 'healthy')]), 'checked 1 process: 1 healthy'],
    ['none enabled', ran([]), 'checked 0 processes (none enabled)'],
    [
      'a failure below the threshold',
      ran([check('web', 'healthy'), check('api', 'timed_out', 1)]),
      'checked 2 processes: 1 healthy, api timed_out 1/2',
    ],
    [
      'a recovery that worked',
      ran([check('demo_app', 'no_heartbeat', 2)], [recoveryReport('demo_app', 3, 'succeeded')]),
      'checked 1 process: demo_app no_heartbeat 2/2; demo_app recovered (recovery #3)',
    ],
    [
      'a recovery that failed',
      ran([check('api', 'stale_pid', 2)], [recoveryReport('api', 4, 'failed')]),
      'checked 1 process: api stale_pid 2/2; api recovery #4 failed',
    ],
    [
      'a recovery refused',
      {
        ...ran([check('api', 'invalid_heartbeat', 2)]),
        refused: [{ processKey: 'api', why: 'its heartbeat cannot be trusted' }],
      } as TickOutcome,
      'checked 1 process: api invalid_heartbeat 2/2; api recovery refused: its heartbeat cannot be trusted',
    ],
    [
      'states that are no failure carry no count',
      ran([check('web', 'off'), check('cam', 'starting')]),
      'checked 2 processes: web off, cam starting',
    ],
    [
      'the uplink, healed',
      ran([check('web', 'healthy')], [], HEALED),
      'checked 1 process: 1 healthy; network eth0 no_carrier (healed by bounce)',
    ],
    [
      'file systems, and the cleanup of one',
      {
        ...ran([check('web', 'healthy')]),
        filesystems: {
          checks: [
            filesystemCheck('root', 'healthy', 0),
            filesystemCheck('logs', 'low_space', 2),
            filesystemCheck('data', 'read_only', 1),
          ],
          recoveries: [recoveryReport('logs', 5, 'succeeded')],
        },
      } as TickOutcome,
      'checked 1 process: 1 healthy; 3 file systems: 1 healthy, logs low_space 2/2, data read_only 1/2; logs recovered (recovery #5)',
    ],
    [
      'the lock held',
      { kind: 'lock-held', lockPath: '/run/watchdog/lock' },
      'another watchdog holds /run/watchdog/lock; nothing done',
    ],
  ];
  for (const [name, outcome, expected] of table)
    it(name, () => assert.equal(formatTickSummary(outcome, plain), expected));

  it('is cut to the terminal, and coloured when colour is on', () => {
    const outcome = ran([check('demo_app', 'no_heartbeat', 2)], [recoveryReport('demo_app', 3, 'succeeded')]);
    assert.equal(formatTickSummary(outcome, { width: 40, color: false }), 'checked 1 process: demo_app no_heartbea…');
    assert.equal(
      formatTickSummary(outcome, { width: 200, color: true }),
      'checked 1 process: demo_app \u001b[31mno_heartbeat\u001b[39m 2/2; \u001b[32mdemo_app recovered (recovery #3)\u001b[39m',
    );
  });

  it('escapes a key to one line', () => {
    assert.equal(
      formatTickSummary(ran([check('a\u001b[2Jb', 'timed_out', 1)]), plain),
      'checked 1 process: a\\x1b[2Jb timed_out 1/2',
    );
  });
});
