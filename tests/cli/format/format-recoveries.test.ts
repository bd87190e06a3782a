import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRecoveries } from '../../../src/cli/format/format-recoveries.js';
import type { RecoveryActionRow, RecoveryWithActions } from '../../../src/store/read-state.js';

function action(overrides: Partial<RecoveryActionRow>): RecoveryActionRow {
  return {
    id: 1,
    recovery_id: 3,
    position: 0,
    action: 'start',
    started_at: '2026-06-30T11:59:00.000000+00:00',
    duration_ms: 500,
    outcome: 'failed',
    pid: 4321,
    exit_code: 3,
    signal: null,
    timed_out: 0,
    detail: 'the start command exited 3 within 0.5s (verify_delay)',
    output_tail: null,
    ...overrides,
  };
}

function recovery(overrides: Partial<RecoveryWithActions>): RecoveryWithActions {
  return {
    id: 3,
    process_key: 'web',
    kind: 'recovery',
    command: 'check',
    requested_by: 'cron',
    trigger_health: 'timed_out',
    trigger_reason: 'last heartbeat 95s ago, timeout 60s',
    started_at: '2026-06-30T11:59:00.000000+00:00',
    finished_at: '2026-06-30T11:59:01.000000+00:00',
    duration_ms: 1000,
    outcome: 'failed',
    detail: 'start failed: the start command exited 3 within 0.5s (verify_delay)',
    started_pid: null,
    boot_id: null,
    started_uptime_seconds: null,
    finished_uptime_seconds: null,
    actions: [],
    ...overrides,
  };
}

describe('formatRecoveries', () => {
  it('shows each recovery, its actions and the last lines of their output', () => {
    const lines = formatRecoveries([recovery({ actions: [action({ output_tail: 'starting\nbroken\n' })] })]);
    assert.deepEqual(lines, [
      '#3 2026-06-30 11:59:00 UTC  web  recovery by cron (check): failed in 1s',
      '    why: timed_out (last heartbeat 95s ago, timeout 60s)',
      '    start failed: the start command exited 3 within 0.5s (verify_delay)',
      '    1. start: failed (0.5s, PID 4321, exit 3): the start command exited 3 within 0.5s (verify_delay)',
      '       | starting',
      '       | broken',
    ]);
  });

  it('escapes what the output tail holds, line by line, keeping its lines and tabs', () => {
    const tail =
      '\u001b]0;pwned\u0007title\r\n\u001b[8mhidden\u001b[0m\n\u001b[2J\tcleared\u009b2J\nfile \u202egnp.exe\r\n';
    const lines = formatRecoveries([recovery({ actions: [action({ output_tail: tail })] })]);
    assert.deepEqual(lines.slice(4), [
      '       | \\x1b]0;pwned\\x07title',
      '       | \\x1b[8mhidden\\x1b[0m',
      '       | \\x1b[2J\tcleared\\u009b2J',
      '       | file \\u202egnp.exe',
    ]);
  });

  it('keeps each recovery line one line: reasons, details and who asked are escaped, newlines included', () => {
    const lines = formatRecoveries([
      recovery({
        requested_by: 'eve\u001b[2J (sudo as root)',
        trigger_reason: 'heartbeat names process_key "\u009b2J"\n#4 2026-06-30 12:00:00 UTC  web  forged',
        detail: 'start failed: could not run: spawn /bin/sh \u202eENOENT',
        actions: [action({ detail: 'exited 3\u001b[8m' })],
      }),
    ]);
    assert.deepEqual(lines, [
      '#3 2026-06-30 11:59:00 UTC  web  recovery by eve\\x1b[2J (sudo as root) (check): failed in 1s',
      '    why: timed_out (heartbeat names process_key "\\u009b2J"\\x0a#4 2026-06-30 12:00:00 UTC  web  forged)',
      '    start failed: could not run: spawn /bin/sh \\u202eENOENT',
      '    1. start: failed (0.5s, PID 4321, exit 3): exited 3\\x1b[8m',
    ]);
  });
});
