import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActionOutcome } from '../../src/recovery/action-result.js';
import type { ActionPlan } from '../../src/recovery/plan-recovery.js';
import { runStartAction } from '../../src/recovery/start-action.js';
import type { StartDetachedResult } from '../../src/system/start-detached.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import { FAKE_NOW_MS, fakeSystem, systemError, type FakeSystemOptions } from '../helpers/fake-system.js';
import { processConfig } from '../helpers/process-config.js';

type StartPlan = Extract<ActionPlan, { kind: 'start' }>;

const plan: StartPlan = {
  kind: 'start',
  action: 'start',
  command: './start.sh --port 8080',
  cwd: '/srv/web',
  outputLog: '/var/log/watchdog/web.out.log',
  outputLogFallback: '/var/log/watchdog/logs/web.out.log',
  outputLogMaxBytes: 1_048_576,
  verifyDelaySeconds: 2,
  heartbeat: { path: '/run/web/heartbeat.json', movedTo: '/run/web/heartbeat.json.stale' },
};

const REASON = 'timed_out (last heartbeat 10m ago)';
const STARTED_AT = formatUtcTimestamp(new Date(FAKE_NOW_MS));

const start = (options: FakeSystemOptions = {}) => {
  const system = fakeSystem(options);
  return {
    system,
    result: runStartAction(plan, { process: processConfig({ env: { PORT: '8080' } }), reason: REASON }, system),
  };
};

describe('runStartAction', () => {
  it('starts the command detached, its output appended to the output log under a header, watched for verify_delay', async () => {
    const { system, result } = start({ env: { PATH: '/usr/bin:/bin' } });
    await result;
    assert.equal(system.starts.length, 1);
    assert.deepEqual(system.starts[0], {
      command: './start.sh --port 8080',
      cwd: '/srv/web',
      env: {
        PATH: '/usr/bin:/bin',
        PORT: '8080',
        WATCHDOG_PROCESS_KEY: 'web',
        WATCHDOG_ACTION: 'start',
        WATCHDOG_REASON: REASON,
      },
      user: undefined,
      outputPath: '/var/log/watchdog/web.out.log',
      fallbackOutputPaths: ['/var/log/watchdog/logs/web.out.log'],
      rotateAboveBytes: 1_048_576,
      header: `--- ${STARTED_AT} watchdog started web: ${REASON} ---`,
      verifyDelayMs: 2000,
    });
  });

  it('says where the output went when the output log could not be used, and warns', async () => {
    const problem = 'cannot use the output file /var/log/watchdog/web.out.log: EROFS: read-only file system';
    const { result } = start({
      startResult: () => ({ outputPath: '/var/log/watchdog/logs/web.out.log', outputProblems: [problem] }),
    });
    const action = await result;
    assert.equal(action.outcome, 'ok');
    assert.match(
      action.detail,
      /^PID 6000 running after 2s; cannot use the output file \/var\/log\/watchdog\/web\.out\.log: EROFS: read-only file system; output appended to \/var\/log\/watchdog\/logs\/web\.out\.log/,
    );
    assert.equal(action.warning, `${problem}; output appended to /var/log/watchdog/logs/web.out.log`);
  });

  it('moves the old heartbeat aside before it starts, and says so', async () => {
    const startsAtMove: number[] = [];
    const system = fakeSystem({
      moveFile: () => {
        startsAtMove.push(system.starts.length);
      },
    });
    const action = await runStartAction(plan, { process: processConfig(), reason: REASON }, system);
    assert.deepEqual(system.moves, [['/run/web/heartbeat.json', '/run/web/heartbeat.json.stale']]);
    assert.deepEqual(startsAtMove, [0], 'moved before the start');
    assert.match(action.detail, /; old heartbeat moved to \/run\/web\/heartbeat\.json\.stale$/);
    assert.equal(action.outcome, 'ok');
  });

  it('says nothing of the heartbeat when there was none to move', async () => {
    const { result } = start({
      moveFile: () => {
        throw systemError('ENOENT');
      },
    });
    const action = await result;
    assert.equal(action.outcome, 'ok');
    assert.doesNotMatch(action.detail, /heartbeat/);
  });

  it('still starts when the old heartbeat cannot be moved, and notes why', async () => {
    const { system, result } = start({
      moveFile: () => {
        throw systemError('EACCES');
      },
    });
    const action = await result;
    assert.equal(system.starts.length, 1);
    assert.equal(action.outcome, 'ok');
    assert.match(action.detail, /; could not move the old heartbeat aside: EACCES: fake system error$/);
  });

  const cases: [name: string, result: Partial<StartDetachedResult>, outcome: ActionOutcome, detail: RegExp][] = [
    [
      'still running after verify_delay',
      { outcome: 'running', pid: 6000 },
      'ok',
      /^PID 6000 running after 2s; output appended to \/var\/log\/watchdog\/web\.out\.log/,
    ],
    [
      'exited 0 within verify_delay (it daemonized)',
      { outcome: 'exited', pid: 6000, exitCode: 0 },
      'ok',
      /^the start command exited 0 within 2s \(verify_delay\) \(it hands over or daemonizes\); no daemon found in its session \(set pid_file if it detaches with setsid\); output appended to/,
    ],
    [
      'exited non-zero',
      { outcome: 'exited', pid: 6000, exitCode: 3 },
      'failed',
      /^the start command exited 3 within 2s \(verify_delay\); output appended to/,
    ],
    [
      'killed by a signal',
      { outcome: 'exited', pid: 6000, exitCode: null, signal: 'SIGABRT' },
      'failed',
      /^the start command was killed by SIGABRT within 2s \(verify_delay\)/,
    ],
    [
      'could not be started',
      { outcome: 'spawn-failed', pid: undefined, error: 'the folder /srv/web does not exist (cwd)' },
      'failed',
      /^could not run the start command: the folder \/srv\/web does not exist \(cwd\)/,
    ],
  ];
  for (const [name, fields, outcome, detail] of cases) {
    it(`${name} → ${outcome}`, async () => {
      const { result } = start({ startResult: () => fields });
      const action = await result;
      assert.equal(action.action, 'start');
      assert.equal(action.outcome, outcome);
      assert.match(action.detail, detail);
      assert.equal(action.pid, fields.pid);
      assert.equal(action.exitCode, fields.exitCode ?? null);
      assert.equal(action.signal, fields.signal ?? null);
      assert.equal(action.timedOut, false);
      assert.equal(action.startedAt, STARTED_AT);
      assert.equal(action.durationMs, 2000);
    });
  }

  it('keeps what the app printed during the start, and records none when it printed nothing', async () => {
    const printed = await start({ startResult: () => ({ outputTail: 'listening on 8080\n' }) }).result;
    assert.equal(printed.outputTail, 'listening on 8080\n');
    const silent = await start({ startResult: () => ({ outputTail: '' }) }).result;
    assert.equal(silent.outputTail, null);
  });
});
