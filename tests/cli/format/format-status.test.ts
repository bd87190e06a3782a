import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAgo, formatStatusTable } from '../../../src/cli/format/format-status.js';
import type { ProcessStatus } from '../../../src/status/build-status.js';

const NOW = Date.parse('2026-06-30T12:00:00Z');

function status(overrides: Partial<ProcessStatus>): ProcessStatus {
  return {
    key: 'web',
    display_name: 'Web',
    enabled: true,
    state: 'healthy',
    reason: 'heartbeat 2s ago, iteration 5',
    consecutive_failures: 0,
    threshold: 2,
    recovery_due: false,
    recovery_due_since: null,
    heartbeat_age_seconds: 2,
    heartbeat_timestamp: '2026-06-30T11:59:33.000000+00:00',
    heartbeat_status: 'running',
    pid: 4321,
    iteration: 5,
    last_check_at: '2026-06-30T11:59:35.000000+00:00',
    warning: null,
    off_since: null,
    off_by: null,
    started_at: null,
    grace_until: null,
    last_recovery: null,
    output_log: '/var/log/watchdog/web.out.log',
    identity: null,
    gave_up_at: null,
    gave_up_reason: null,
    ...overrides,
  };
}

describe('formatStatusTable', () => {
  it('lines up one row per process, then the warnings', () => {
    const lines = formatStatusTable(
      [
        status({ warning: 'heartbeat names process_key "www", expected "web"', identity: 'start time' }),
        status({
          key: 'api',
          display_name: 'API',
          state: 'timed_out',
          reason: 'last heartbeat 95s ago, timeout 60s',
          consecutive_failures: 2,
          recovery_due: true,
          heartbeat_age_seconds: 95,
          output_log: '/var/log/watchdog/api.out.log',
          last_recovery: {
            id: 7,
            kind: 'recovery',
            command: 'check',
            requested_by: 'cron',
            started_at: '2026-06-30T11:59:00.000000+00:00',
            finished_at: '2026-06-30T11:59:03.000000+00:00',
            outcome: 'failed',
            detail: 'start failed: the start command exited 3 within 2s (verify_delay)',
          },
        }),
        status({
          key: 'old',
          display_name: 'Old',
          enabled: false,
          state: 'disabled',
          reason: 'enabled is false in the config',
          pid: null,
          heartbeat_age_seconds: null,
          last_check_at: null,
          output_log: '/var/log/watchdog/old.out.log',
        }),
      ],
      NOW,
    );
    assert.deepEqual(lines, [
      'KEY  NAME  STATE      FAILURES          HEARTBEAT AGE  PID   IDENTITY    LAST CHECK  LAST RECOVERY               REASON',
      'web  Web   healthy    0/2               2s             4321  start time  25s ago     -                           heartbeat 2s ago, iteration 5',
      'api  API   timed_out  2/2 recovery due  95s            4321  -           25s ago     #7 recovery failed 60s ago  last heartbeat 95s ago, timeout 60s',
      'old  Old   disabled   -                 -              -     -           never       -                           enabled is false in the config',
      'warning: web: heartbeat names process_key "www", expected "web"',
      'last recovery of api failed: start failed: the start command exited 3 within 2s (verify_delay)',
      'app output of web (stdout and stderr of what the watchdog starts): /var/log/watchdog/web.out.log',
      'app output of api (stdout and stderr of what the watchdog starts): /var/log/watchdog/api.out.log',
      'app output of old (stdout and stderr of what the watchdog starts): /var/log/watchdog/old.out.log',
    ]);
  });
});

describe('formatStatusTable with what apps wrote', () => {
  it('escapes escape sequences, C1 controls and bidi overrides in the table and the lines after it, one line each', () => {
    const lines = formatStatusTable(
      [
        status({
          state: 'invalid_heartbeat',
          reason: 'heartbeat timestamp "\u001b]0;pwned\u0007" is not an ISO 8601 date and time\n',
          warning: 'heartbeat names process_key "\u009b2J\u202e", expected "web"',
          gave_up_at: '2026-06-30T11:59:00.000000+00:00',
          gave_up_reason: 'crash loop\u001b[8m',
          last_recovery: {
            id: 7,
            kind: 'recovery',
            command: 'check',
            requested_by: 'cron',
            started_at: '2026-06-30T11:59:00.000000+00:00',
            finished_at: '2026-06-30T11:59:03.000000+00:00',
            outcome: 'failed',
            detail: 'start failed: \u001b[2J\nforged line',
          },
        }),
      ],
      NOW,
    );
    assert.deepEqual(lines, [
      'KEY  NAME  STATE              FAILURES  HEARTBEAT AGE  PID   IDENTITY  LAST CHECK  LAST RECOVERY               REASON',
      'web  Web   invalid_heartbeat  0/2       2s             4321  -         25s ago     #7 recovery failed 60s ago  heartbeat timestamp "\\x1b]0;pwned\\x07" is not an ISO 8601 date and time\\x0a',
      'warning: web: heartbeat names process_key "\\u009b2J\\u202e", expected "web"',
      'gave up on web at 2026-06-30T11:59:00.000000+00:00 (crash loop\\x1b[8m): `watchdog on web` or `watchdog reset web` resumes recoveries',
      'last recovery of web failed: start failed: \\x1b[2J\\x0aforged line',
      'app output of web (stdout and stderr of what the watchdog starts): /var/log/watchdog/web.out.log',
    ]);
  });
});

describe('formatAgo', () => {
  it('says how long ago, never for no time, and "in" for a time ahead of the clock', () => {
    assert.equal(formatAgo('2026-06-30T11:58:00.000000+00:00', NOW), '2m 00s ago');
    assert.equal(formatAgo(null, NOW), 'never');
    assert.equal(formatAgo('2026-06-30T12:00:05.000000+00:00', NOW), 'in 5s');
  });
});
