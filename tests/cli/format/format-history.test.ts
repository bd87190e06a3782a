import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatHistoryTable } from '../../../src/cli/format/format-history.js';
import type { CheckHistoryRow } from '../../../src/store/read-state.js';

function row(overrides: Partial<CheckHistoryRow>): CheckHistoryRow {
  return {
    check_count: 1,
    last_checked_at: null,
    id: 1,
    process_key: 'web',
    checked_at: '2026-06-30T11:59:35.000000+00:00',
    health: 'healthy',
    pid: 4321,
    heartbeat_ts: '2026-06-30T11:59:33.000000+00:00',
    iteration: 5,
    action_taken: null,
    reason: 'heartbeat 2s ago, iteration 5',
    heartbeat_age_seconds: 2,
    heartbeat_status: 'running',
    consecutive_failures: 0,
    warning: null,
    recovery_id: null,
    identity: null,
    ...overrides,
  };
}

describe('formatHistoryTable', () => {
  it('escapes a reason quoting a hostile heartbeat, one row a line', () => {
    const lines = formatHistoryTable([
      row({
        health: 'invalid_heartbeat',
        reason: 'heartbeat status must be a string (got "\u009b2J\u202e")\n2026 forged',
        pid: null,
      }),
    ]);
    assert.deepEqual(lines, [
      'CHECKED AT (UTC)     KEY  STATE              FAILURES  HEARTBEAT AGE  PID  ITERATION  ACTION  REASON',
      '2026-06-30 11:59:35  web  invalid_heartbeat  0         2s             -    5          -       heartbeat status must be a string (got "\\u009b2J\\u202e")\\x0a2026 forged',
    ]);
  });
  it("leaves out the heartbeat's columns when only file system entries are listed", () => {
    const lines = formatHistoryTable(
      [
        row({
          process_key: 'logs',
          health: 'low_space',
          pid: null,
          iteration: null,
          heartbeat_age_seconds: null,
          consecutive_failures: 1,
          reason: '0.5 MiB free (12.5%) on /logs (tmpfs), below min_free_mb 1',
        }),
      ],
      { heartbeat: false },
    );
    assert.deepEqual(lines, [
      'CHECKED AT (UTC)     KEY   STATE      FAILURES  ACTION  REASON',
      '2026-06-30 11:59:35  logs  low_space  1         -       0.5 MiB free (12.5%) on /logs (tmpfs), below min_free_mb 1',
    ]);
  });
});
