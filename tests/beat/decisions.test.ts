// The pure parts of `watchdog beat`: the bytes written, the iteration, which PIDs a beat
// may name, whose PID it names without --pid, and which statuses it writes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeCallerPid } from '../../src/beat/caller-pid.js';
import { checkBeatStatus } from '../../src/beat/check-beat-status.js';
import { formatHeartbeat } from '../../src/beat/format-heartbeat.js';
import { judgeBeatPid, type BeatPidFacts } from '../../src/beat/judge-beat-pid.js';
import { nextIteration } from '../../src/beat/next-iteration.js';
import { parseHeartbeat } from '../../src/heartbeat/parse-heartbeat.js';

const BOOT_ID = 'c56eb81d-1067-4a71-a9b6-3578e853042b';

describe('formatHeartbeat', () => {
  it("writes json.dumps' bytes: key order, separators, identity last", () => {
    const text = formatHeartbeat({
      process_key: 'job',
      pid: 4242,
      timestamp: '2026-02-05T06:17:29.601000+00:00',
      status: 'running',
      iteration: 3,
      pid_start_ticks: 1061811,
      boot_id: BOOT_ID,
    });
    assert.equal(
      text,
      `{"process_key": "job", "pid": 4242, "timestamp": "2026-02-05T06:17:29.601000+00:00", "status": "running", "iteration": 3, "pid_start_ticks": 1061811, "boot_id": "${BOOT_ID}"}`,
    );
    const parsed = parseHeartbeat(text);
    assert.ok(parsed.ok);
    assert.equal(parsed.heartbeat.pid_start_ticks, 1061811);
  });

  it('leaves unknown identity keys out and escapes non-ASCII and quotes', () => {
    assert.equal(
      formatHeartbeat({ process_key: 'pompe_é', pid: 7, timestamp: 't', status: 'say "hi"', iteration: 1 }),
      '{"process_key": "pompe_\\u00e9", "pid": 7, "timestamp": "t", "status": "say \\"hi\\"", "iteration": 1}',
    );
  });
});

describe('nextIteration', () => {
  const cases: [string, string | undefined, number][] = [
    ['no file', undefined, 1],
    ['the same key', '{"process_key": "job", "iteration": 41}', 42],
    ['iteration 0', '{"process_key": "job", "iteration": 0}', 1],
    ['another key', '{"process_key": "other", "iteration": 41}', 1],
    ['no key', '{"iteration": 41}', 1],
    ['not JSON (cut short)', '{"process_key": "job", "iter', 1],
    ['not an object', '[1, 2]', 1],
    ['null', 'null', 1],
    ['iteration a string', '{"process_key": "job", "iteration": "41"}', 1],
    ['iteration negative', '{"process_key": "job", "iteration": -5}', 1],
    ['iteration a fraction', '{"process_key": "job", "iteration": 1.5}', 1],
    ['iteration at the largest safe integer', `{"process_key": "job", "iteration": ${Number.MAX_SAFE_INTEGER}}`, 1],
  ];
  for (const [name, previous, expected] of cases) {
    it(`${name} → ${expected}`, () => assert.equal(nextIteration(previous, 'job'), expected));
  }
});

describe('judgeBeatPid', () => {
  const facts =
    (liveness: BeatPidFacts['liveness'], startTicks: number | undefined = 500): (() => BeatPidFacts) =>
    () => ({ liveness, startTicks });
  const refused = (): BeatPidFacts => assert.fail('the process table is not read for a number never valid');

  it('takes a live process, with its start time', () => {
    assert.deepEqual(judgeBeatPid(4242, facts('alive', 777)), { ok: true, startTicks: 777 });
  });

  const cases: [string, number, () => BeatPidFacts, string][] = [
    ['PID 1', 1, refused, 'PID 1 is not one a heartbeat may name (a whole number from 2 to 4194304)'],
    ['PID 0', 0, refused, 'PID 0 is not one a heartbeat may name (a whole number from 2 to 4194304)'],
    ['PID -1', -1, refused, 'PID -1 is not one a heartbeat may name (a whole number from 2 to 4194304)'],
    [
      'beyond PID_MAX',
      4_194_305,
      refused,
      'PID 4194305 is not one a heartbeat may name (a whole number from 2 to 4194304)',
    ],
    ['no such process', 4242, facts('dead'), 'no process has PID 4242'],
    ['a zombie', 4242, facts('zombie'), 'PID 4242 has exited (a zombie)'],
    ['a thread', 4242, facts('thread'), 'PID 4242 is a thread of another process, not a process'],
    [
      'gone before its stat was read',
      4242,
      () => ({ liveness: 'alive', startTicks: undefined }),
      'no process has PID 4242',
    ],
  ];
  for (const [name, pid, given, reason] of cases) {
    it(`refuses ${name}`, () => assert.deepEqual(judgeBeatPid(pid, given), { ok: false, reason }));
  }
});

describe('judgeCallerPid', () => {
  for (const shell of ['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'busybox']) {
    it(`names a ${shell} caller`, () => assert.deepEqual(judgeCallerPid(4242, shell), { ok: true, pid: 4242 }));
  }
  const cases: [string, number, string | undefined, string][] = [
    ['cron (a crontab line)', 812, 'cron', 'the caller, PID 812 ("cron"), is not a shell'],
    ['npm (npx watchdog beat)', 900, 'npm exec', 'the caller, PID 900 ("npm exec"), is not a shell'],
    ['systemd', 1, 'systemd', 'the caller is gone (parent PID 1)'],
    ['a caller gone', 4242, undefined, 'the caller, PID 4242, is gone'],
  ];
  for (const [name, ppid, comm, reason] of cases) {
    it(`refuses ${name}`, () => assert.deepEqual(judgeCallerPid(ppid, comm), { ok: false, reason }));
  }
});

describe('checkBeatStatus', () => {
  const cases: [string, string | undefined][] = [
    ['running', undefined],
    ['error', undefined],
    ['dégradé', undefined],
    ['x'.repeat(64), undefined],
    ['', 'the status is empty'],
    ['x'.repeat(65), 'the status is longer than 64 characters (no healthy_statuses entry can match it)'],
    ['run\nning', 'the status holds a control character'],
    ['\u001b[31mred', 'the status holds a control character'],
  ];
  for (const [status, problem] of cases) {
    it(`${JSON.stringify(status.length > 20 ? `${status.slice(0, 10)}…(${status.length})` : status)}: ${problem ?? 'written'}`, () =>
      assert.equal(checkBeatStatus(status), problem));
  }
});
