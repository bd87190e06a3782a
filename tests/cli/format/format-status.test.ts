/* eslint-disable no-control-regex -- these tests look for the escape character and the colours written with it */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatAgo,
  formatStatusFitted,
  formatStatusSummary,
  formatStatusTable,
} from '../../../src/cli/format/format-status.js';
import { formatStatusDetail } from '../../../src/cli/format/format-status-detail.js';
import { textWidth } from '../../../src/display/fit-text.js';
import type { LastRecovery, ProcessStatus } from '../../../src/status/build-status.js';
import { processStatus } from '../../helpers/process-status.js';

const NOW = Date.parse('2026-06-30T12:00:00Z');

/** Recovery #7, run by cron for `check` from 11:59:00 to 11:59:03, that failed with `detail`. */
function failedRecovery(detail: string): LastRecovery {
  return {
    id: 7,
    kind: 'recovery',
    command: 'check',
    requested_by: 'cron',
    started_at: '2026-06-30T11:59:00.000000+00:00',
    finished_at: '2026-06-30T11:59:03.000000+00:00',
    outcome: 'failed',
    detail,
  };
}

describe('formatStatusTable', () => {
  it('lines up one row per process, then the warnings', () => {
    const lines = formatStatusTable(
      [
        processStatus({
          warning: 'heartbeat names process_key "www", expected "web"',
          identity: 'start time',
          memory_bytes: 52 * 1024 * 1024,
          cpu_percent: 12.4,
        }),
        processStatus({
          key: 'api',
          display_name: 'API',
          state: 'timed_out',
          reason: 'last heartbeat 95s ago, timeout 60s',
          consecutive_failures: 2,
          recovery_due: true,
          heartbeat_age_seconds: 95,
          memory_bytes: 700 * 1024 * 1024,
          output_log: '/var/log/watchdog/api.out.log',
          last_recovery: failedRecovery('start failed: the start command exited 3 within 2s (verify_delay)'),
        }),
        processStatus({
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
      'KEY  NAME  STATE      FAILURES          HEARTBEAT AGE  PID   IDENTITY    USAGE      LAST CHECK  LAST RECOVERY               REASON',
      'web  Web   healthy    0/2               2s             4321  start time  52 MB 12%  25s ago     -                           heartbeat 2s ago, iteration 5',
      'api  API   timed_out  2/2 recovery due  95s            4321  -           700 MB     25s ago     #7 recovery failed 60s ago  last heartbeat 95s ago, timeout 60s',
      'old  Old   disabled   -                 -              -     -           -          never       -                           enabled is false in the config',
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
        processStatus({
          state: 'invalid_heartbeat',
          reason: 'heartbeat timestamp "\u001b]0;pwned\u0007" is not an ISO 8601 date and time\n',
          warning: 'heartbeat names process_key "\u009b2J\u202e", expected "web"',
          gave_up_at: '2026-06-30T11:59:00.000000+00:00',
          gave_up_reason: 'crash loop\u001b[8m',
          last_recovery: failedRecovery('start failed: \u001b[2J\nforged line'),
        }),
      ],
      NOW,
    );
    assert.deepEqual(lines, [
      'KEY  NAME  STATE              FAILURES  HEARTBEAT AGE  PID   IDENTITY  USAGE  LAST CHECK  LAST RECOVERY               REASON',
      'web  Web   invalid_heartbeat  0/2       2s             4321  -         -      25s ago     #7 recovery failed 60s ago  heartbeat timestamp "\\x1b]0;pwned\\x07" is not an ISO 8601 date and time\\x0a',
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

const TIMED_OUT = processStatus({
  key: 'api',
  display_name: 'API',
  state: 'timed_out',
  reason: 'last heartbeat 95s ago, timeout 60s; the app wrote \u001b]0;pwned\u0007 in its status',
  consecutive_failures: 2,
  recovery_due: true,
  heartbeat_age_seconds: 95,
  output_log: '/var/log/watchdog/api.out.log',
});
const HOSTILE_WARNING = processStatus({ warning: 'heartbeat names process_key "\u009b2J\u202e", expected "web"' });
// Strips the watchdog's own colours, to measure what a terminal shows.
const shown = (line: string): string => line.replace(/\u001b\[(?:3[123]|39|2|1|22)m/g, '');

describe('formatStatusFitted', () => {
  it('at 80 columns: a line per process, the reason cut with …, the hint to status KEY', () => {
    assert.deepEqual(formatStatusFitted([processStatus({}), TIMED_OUT], NOW, { width: 80, color: false }), [
      'KEY  STATE      FAILURES  HEARTBEAT  PID   CHECKED  REASON',
      'web  healthy    0/2       2s         4321  25s ago  heartbeat 2s ago, iteration…',
      'api  timed_out  2/2 due   95s        4321  25s ago  last heartbeat 95s ago, tim…',
      'whole reasons, name, last recovery and app output: watchdog status KEY',
    ]);
  });

  for (const width of [40, 80, 200]) {
    for (const color of [false, true]) {
      it(`at ${width} columns, colour ${color ? 'on' : 'off'}: no line wider than the terminal, escapes never cut, nothing raw`, () => {
        const lines = formatStatusFitted([processStatus({}), TIMED_OUT, HOSTILE_WARNING], NOW, { width, color });
        for (const line of lines) {
          assert.ok(textWidth(shown(line)) <= width, `${textWidth(shown(line))} > ${width}: ${line}`);
          // Only complete escapes (or none): a cut `\x1` or `\u20` would read as something else.
          assert.doesNotMatch(shown(line), /\\(?:x[0-9a-f]?|u[0-9a-f]{0,3})(?![0-9a-f])/);
          assert.doesNotMatch(shown(line), /[\u0000-\u001f\u007f-\u009f\u202e]/);
          if (!color) assert.ok(!line.includes('\u001b['), 'no colour when colour is off');
        }
        if (color)
          assert.ok(
            lines.some((line) => line.includes('\u001b[')),
            'coloured when colour is on',
          );
        if (width === 200)
          assert.ok(
            lines.some((line) => line.includes('\\x1b]0;pwned\\x07')),
            'whole and escaped where it fits',
          );
      });
    }
  }

  it('colours the state and a failure count: green healthy, red due, yellow counting up', () => {
    const lines = formatStatusFitted(
      [processStatus({}), TIMED_OUT, processStatus({ key: 'db', state: 'no_heartbeat', consecutive_failures: 1 })],
      NOW,
      { width: 200, color: true },
    );
    assert.match(lines[1] ?? '', /^web {2}\u001b\[32mhealthy\u001b\[39m +0\/2 /);
    assert.match(lines[2] ?? '', /\u001b\[31mtimed_out\u001b\[39m +\u001b\[31m2\/2 due\u001b\[39m/);
    assert.match(lines[3] ?? '', /\u001b\[31mno_heartbeat\u001b\[39m +\u001b\[33m1\/2\u001b\[39m/);
    assert.equal(
      lines.at(-1),
      '\u001b[2mwhole reasons, name, last recovery and app output: watchdog status KEY\u001b[22m',
    );
  });
});

describe('formatStatusSummary', () => {
  const two = [processStatus({}), TIMED_OUT];
  it('whole for a pipe; the path cut at its start in a narrow terminal; counts coloured', () => {
    const path = '/srv/devices/gateway-7/watchdog/config.json';
    assert.equal(
      formatStatusSummary(path, two, { width: undefined, color: false }),
      `${path}: 2 enabled, 1 healthy, 1 not healthy`,
    );
    assert.equal(
      formatStatusSummary(path, two, { width: 60, color: false }),
      '…7/watchdog/config.json: 2 enabled, 1 healthy, 1 not healthy',
    );
    assert.equal(
      formatStatusSummary('c.json', two, { width: 80, color: true }),
      'c.json: 2 enabled, \u001b[32m1 healthy\u001b[39m, \u001b[31m1 not healthy\u001b[39m',
    );
  });

  it('counts the enabled file system entries too, when there are any (a full disk is not "0 not healthy")', () => {
    const disks = [
      { enabled: true, state: 'low_space' },
      { enabled: true, state: 'healthy' },
      { enabled: false, state: 'disabled' },
    ];
    assert.equal(
      formatStatusSummary('c.json', [], { width: undefined, color: false }, disks),
      'c.json: 0 enabled, 0 healthy, 0 not healthy; 2 file systems: 1 healthy, 1 not healthy',
    );
    assert.equal(
      formatStatusSummary('c.json', two, { width: undefined, color: false }, [{ enabled: true, state: 'read_only' }]),
      'c.json: 2 enabled, 1 healthy, 1 not healthy; 1 file system: 0 healthy, 1 not healthy',
    );
    assert.equal(
      formatStatusSummary('/srv/devices/gateway-7/watchdog/config.json', two, { width: 70, color: false }, disks),
      '…: 2 enabled, 1 healthy, 1 not healthy; 2 file systems: 1 healthy, 1 not healthy',
    );
  });
});

describe('formatStatusDetail', () => {
  it('shows one process whole: every fact on a labelled line, nothing cut, what apps wrote escaped', () => {
    const lines = formatStatusDetail(
      processStatus({
        ...TIMED_OUT,
        identity: 'start time',
        warning: 'heartbeat names process_key "\u009b2J", expected "api"',
        last_recovery: failedRecovery('start failed: \u001b[2J\nforged line'),
      }),
      NOW,
    );
    assert.deepEqual(lines, [
      'api: API',
      '  state          timed_out: last heartbeat 95s ago, timeout 60s; the app wrote \\x1b]0;pwned\\x07 in its status',
      '  failures       2/2, recovery due',
      '  heartbeat      95s old (status running, iteration 5, written 2026-06-30T11:59:33.000000+00:00)',
      '  pid            4321 (known by start time)',
      '  last check     25s ago (2026-06-30T11:59:35.000000+00:00)',
      '  last recovery  #7 recovery failed 60s ago, by cron: start failed: \\x1b[2J\\x0aforged line',
      '  warning        heartbeat names process_key "\\u009b2J", expected "api"',
      '  app output     /var/log/watchdog/api.out.log (stdout and stderr of what the watchdog starts)',
    ]);
  });

  it('shows what the app used at the last check, and says when there is no CPU rate yet', () => {
    const usage = (fields: Partial<ProcessStatus>): string | undefined =>
      formatStatusDetail(processStatus(fields), NOW).find((line) => line.startsWith('  usage'));
    assert.equal(
      usage({ memory_bytes: 612 * 1024 * 1024, cpu_percent: 187.4, usage_descendants: 3 }),
      '  usage          memory 612 MB, cpu 187% (app and 3 descendants), at the last check',
    );
    assert.equal(
      usage({ memory_bytes: 40 * 1024 * 1024, cpu_percent: null, usage_descendants: 0 }),
      '  usage          memory 40 MB, cpu: no rate yet (app alone), at the last check',
    );
    assert.equal(
      usage({ memory_bytes: 1024 * 1024, cpu_percent: 0.25, usage_descendants: 1 }),
      '  usage          memory 1 MB, cpu 0.3% (app and 1 descendant), at the last check',
    );
    assert.equal(usage({ memory_bytes: null }), undefined, 'no line when not measured');
  });

  it('names the open incident the pager shows, and shows none when it is closed', () => {
    const incident = (fields: Partial<ProcessStatus>): string | undefined =>
      formatStatusDetail(processStatus(fields), NOW).find((line) => line.startsWith('  incident'));
    assert.equal(
      incident({
        ...TIMED_OUT,
        incident_id: '0b7e6c1e-2f6d-4f43-9a55-2b3f5c9d8e11',
        incident_opened_at: '2026-06-30T11:58:00.000000+00:00',
      }),
      '  incident       0b7e6c1e-2f6d-4f43-9a55-2b3f5c9d8e11 open since 2026-06-30T11:58:00.000000+00:00: closed by process_recovered (healthy again) or process_off',
    );
    assert.equal(incident({}), undefined);
  });

  it('says off and given up, with what turns it back on; colours the state', () => {
    const lines = formatStatusDetail(
      processStatus({
        state: 'off',
        off_since: '2026-06-30T11:00:00.000000+00:00',
        off_by: 'alice',
        reason: 'turned off by alice',
        pid: null,
        heartbeat_age_seconds: null,
      }),
      NOW,
      true,
    );
    assert.equal(lines[1], '  state          \u001b[2moff\u001b[22m: turned off by alice');
    assert.ok(
      lines.includes(
        '  off            since 2026-06-30T11:00:00.000000+00:00 (by alice): `watchdog on web` turns it back on',
      ),
    );
    assert.ok(
      !lines.some((line) => line.startsWith('  pid') || line.startsWith('  heartbeat')),
      'no line for what is not known',
    );
  });
});
