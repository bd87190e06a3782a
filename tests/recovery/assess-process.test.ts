import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_PREVIOUS_STATE, type PreviousState } from '../../src/recovery/assess-check.js';
import { assessProcess } from '../../src/recovery/assess-process.js';
import { processConfig } from '../helpers/process-config.js';
import { verdictOf } from '../helpers/verdicts.js';

const NOW_MS = Date.parse('2026-06-30T12:00:00.000Z');

/** One failure below the threshold of 2, with `recent` recoveries in the window and the last one failed a minute ago. */
const failing = (recent: number, failedInARow = 0): PreviousState => ({
  ...NO_PREVIOUS_STATE,
  consecutiveFailures: 1,
  budget: { recent, failedInARow, lastFailedMs: failedInARow > 0 ? NOW_MS - 60_000 : undefined },
});

describe('assessProcess', () => {
  // The process's own settings decide: its threshold and its crash-loop limits.
  const table: [
    name: string,
    process: Parameters<typeof processConfig>[0] & { alertOnly?: boolean },
    previous: PreviousState,
    expected: string,
  ][] = [
    ['below its threshold', { consecutive_failures_threshold: 3 }, failing(0), 'timed_out 2, not due'],
    ['at its threshold', { consecutive_failures_threshold: 2 }, failing(0), 'timed_out 2, due'],
    ['due, after max_recoveries within the window', { max_recoveries: 3 }, failing(3), 'gave_up 0, give_up'],
    ['due, below max_recoveries', { max_recoveries: 4 }, failing(3), 'timed_out 2, due'],
    ['due, after a failed recovery', { recovery_backoff_seconds: 300 }, failing(1, 1), 'timed_out 2, backoff'],
    ['due, without a backoff', { recovery_backoff_seconds: 0 }, failing(1, 1), 'timed_out 2, due'],
    ['turned off', {}, { ...failing(0), offSince: '2026-06-30T11:00:00Z', offBy: 'alice' }, 'off 0, not due'],
    // Alert only (a file system entry with nothing to run): counted, never due, never given up on.
    ['alert only, at its threshold', { alertOnly: true }, failing(0), 'timed_out 2, not due'],
    ['alert only, past max_recoveries', { alertOnly: true, max_recoveries: 3 }, failing(3, 3), 'timed_out 2, not due'],
    [
      'alert only, given up on before it lost its actions',
      { alertOnly: true },
      { ...failing(0), gaveUpAt: '2026-06-30T11:00:00Z', gaveUpReason: '3 recoveries' },
      'timed_out 2, not due',
    ],
    [
      'alert only, turned off',
      { alertOnly: true },
      { ...failing(0), offSince: '2026-06-30T11:00:00Z', offBy: 'alice' },
      'off 0, not due',
    ],
  ];
  for (const [name, overrides, previous, expected] of table) {
    it(name, () => {
      const { alertOnly, ...config } = overrides;
      const process = { ...processConfig(config), alertOnly };
      const assessment = assessProcess(process, verdictOf('timed_out'), previous, { nowMs: NOW_MS });
      const due = assessment.recoveryDue ? 'due' : (assessment.guard?.kind ?? 'not due');
      assert.equal(`${assessment.verdict.state} ${assessment.consecutiveFailures}, ${due}`, expected);
    });
  }
});

it("names a file system entry's check `check`, not `heartbeat`, behind off and gave_up", () => {
  const off = { ...failing(0), offSince: '2026-06-30T11:00:00Z', offBy: 'alice' };
  const gaveUp = { ...failing(0), gaveUpAt: '2026-06-30T11:00:00Z', gaveUpReason: '3 recoveries' };
  const low = verdictOf('low_space', '1.0 MiB free (1.0%) on /data (ext4), below min_free_mb 2');
  const entry = { ...processConfig(), checkLabel: 'check' };
  for (const previous of [off, gaveUp])
    assert.match(
      assessProcess(entry, low, previous, { nowMs: NOW_MS }).verdict.reason,
      /; check: low_space \(1\.0 MiB free .*\)$/,
    );
  assert.match(assessProcess(processConfig(), low, off, { nowMs: NOW_MS }).verdict.reason, /; heartbeat: low_space /);
});
