import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTickPreview } from '../../../src/cli/format/format-tick-preview.js';
import type { HealthState } from '../../../src/heartbeat/health-state.js';
import type { ProcessCheck } from '../../../src/tick/process-check.js';
import type { ProcessPreview } from '../../../src/tick/preview-tick.js';
import { processConfig } from '../../helpers/process-config.js';
import { processCheck } from '../../helpers/process-check.js';

function check(
  state: HealthState,
  consecutiveFailures: number,
  guard: ProcessCheck['guard'] = undefined,
): ProcessCheck {
  return processCheck({ state, reason: `${state} reason`, consecutiveFailures, guard });
}

const CONFIG = { config_path: '/etc/watchdog/config.json' };

describe('formatTickPreview', () => {
  const table: [name: string, preview: ProcessPreview, expected: string[]][] = [
    [
      'a disabled process',
      { kind: 'disabled', process: processConfig({ key: 'web', enabled: false }) },
      ['web: disabled (enabled is false) → not checked'],
    ],
    [
      'a healthy one',
      { kind: 'no_recovery', check: check('healthy', 0) },
      ['web: healthy (healthy reason) → nothing to do'],
    ],
    [
      'a failure below the threshold',
      { kind: 'no_recovery', check: check('timed_out', 1) },
      ['web: timed_out (timed_out reason), failure 1/2 → no recovery yet (due at 2 consecutive failures)'],
    ],
    [
      'a recovery that waits for its backoff',
      { kind: 'no_recovery', check: check('timed_out', 2, { kind: 'backoff', untilMs: 0, reason: 'waits' }) },
      ['web: timed_out (timed_out reason), failure 2/2 → no recovery yet: it waits for its backoff'],
    ],
    [
      'a process given up on',
      { kind: 'no_recovery', check: check('gave_up', 0) },
      [
        'web: gave_up (gave_up reason), failure 0/2 → not recovered: the crash-loop guard gave up on it (`watchdog on` or `watchdog reset` resumes recoveries)',
      ],
    ],
    [
      'a refused recovery, its reason escaped',
      { kind: 'refused', check: check('timed_out', 2), why: 'PID 7 is alive\nforged' },
      [
        'web: timed_out (timed_out reason), failure 2/2, recovery due → its recovery is due but would be refused: PID 7 is alive\\x0aforged',
      ],
    ],
    [
      'a recovery, with its actions',
      {
        kind: 'recovery',
        check: check('no_heartbeat', 2),
        actions: [
          {
            plan: { kind: 'kill', action: 'kill', candidate: { pid: 4321 }, timeoutSeconds: 10 },
            kill: { kind: 'nothing_to_kill', why: 'PID 4321 is not running' },
          },
        ],
      },
      [
        'web: no_heartbeat (no_heartbeat reason), failure 2/2, recovery due → would run its recovery:',
        '  1. kill: nothing to kill: PID 4321 is not running',
      ],
    ],
  ];
  for (const [name, preview, expected] of table) {
    it(name, () => {
      const lines = formatTickPreview(CONFIG, [], [preview]);
      assert.deepEqual(lines, [
        'dry run of /etc/watchdog/config.json: the checks and probes are asked; nothing is started, stopped, recorded or logged',
        ...expected,
      ]);
    });
  }

  it("puts the config's warnings under the first line", () => {
    assert.deepEqual(formatTickPreview(CONFIG, ['a warning'], []), [
      'dry run of /etc/watchdog/config.json: the checks and probes are asked; nothing is started, stopped, recorded or logged',
      'config warning: a warning',
    ]);
  });
});
