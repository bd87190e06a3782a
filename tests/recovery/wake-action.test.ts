import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProcessConfig } from '../../src/config/types.js';
import type { WakeOnLanTarget } from '../../src/wake/wake-on-lan-target.js';
import { planActions, stopsPipelineOnFailure } from '../../src/recovery/plan-recovery.js';
import { runPipeline } from '../../src/recovery/run-pipeline.js';
import { runWakeAction } from '../../src/recovery/wake-action.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import { exitOn, FAKE_NOW_MS, fakeSystem, type FakeSystemOptions } from '../helpers/fake-system.js';
import { processConfig } from '../helpers/process-config.js';

const APP = 4000;
const LIMITS = { outputLogMaxBytes: 1_048_576 };
/** A documentation MAC and a LAN broadcast address: the fake sends nothing. */
const NAS: WakeOnLanTarget = { mac: '00:11:22:33:44:55', broadcast: '192.168.1.255', port: 9 };

const wakingProcess = (): ProcessConfig =>
  processConfig({
    commands: { start: './start.sh', clear_db: './clear.sh' },
    wake_on_lan: { wake_nas: NAS },
    recovery_actions: ['kill', 'wake_nas', 'start'],
  });

const systemWith = (options: FakeSystemOptions = {}) =>
  fakeSystem({ processes: [{ pid: APP, startTime: 777 }], onSignal: exitOn('SIGTERM'), ...options });
const context = (process: ProcessConfig) => ({ process, reason: 'timed_out (last heartbeat 10m ago)' });

describe('planActions: wake_on_lan', () => {
  it('plans a wake_on_lan action as a wol plan with its target, between the others', () => {
    const process = wakingProcess();
    const plans = planActions(process, ['kill', 'wake_nas', 'clear_db', 'start'], { pid: APP }, LIMITS);
    assert.deepEqual(
      plans.map((plan) => [plan.kind, plan.action]),
      [
        ['kill', 'kill'],
        ['wol', 'wake_nas'],
        ['command', 'clear_db'],
        ['start', 'start'],
      ],
    );
    assert.deepEqual(plans[1], { kind: 'wol', action: 'wake_nas', target: NAS });
  });

  it('does not stop the pipeline when a wake-up fails (it is not built in)', () => {
    const [plan] = planActions(wakingProcess(), ['wake_nas'], { pid: APP }, LIMITS);
    assert.ok(plan, 'a plan');
    assert.equal(stopsPipelineOnFailure(plan), false);
  });
});

describe('runWakeAction', () => {
  it('sends the magic packet for the target and says so', async () => {
    const system = systemWith();
    const result = await runWakeAction({ kind: 'wol', action: 'wake_nas', target: NAS }, system);
    assert.deepEqual(system.wakes, [NAS]);
    assert.deepEqual(result, {
      action: 'wake_nas',
      outcome: 'ok',
      startedAt: formatUtcTimestamp(new Date(FAKE_NOW_MS)),
      durationMs: 0,
      detail: 'sent a magic packet for 00:11:22:33:44:55 to 192.168.1.255:9',
      pid: undefined,
      exitCode: null,
      signal: null,
      timedOut: false,
      outputTail: null,
    });
  });

  it('fails when the packet cannot be sent, with why', async () => {
    const system = systemWith({
      wakeResult: () => ({ ok: false, detail: 'cannot send a magic packet to 192.168.1.255:9: ENETUNREACH' }),
    });
    const result = await runWakeAction({ kind: 'wol', action: 'wake_nas', target: NAS }, system);
    assert.deepEqual(
      [result.outcome, result.detail],
      ['failed', 'cannot send a magic packet to 192.168.1.255:9: ENETUNREACH'],
    );
  });
});

describe('runPipeline: wake_on_lan', () => {
  it('wakes the machine between kill and start', async () => {
    const process = wakingProcess();
    const system = systemWith();
    const result = await runPipeline(
      planActions(process, process.recovery_actions, { pid: APP }, LIMITS),
      context(process),
      system,
      () => undefined,
    );
    assert.deepEqual(
      result.actions.map((action) => [action.action, action.outcome]),
      [
        ['kill', 'ok'],
        ['wake_nas', 'ok'],
        ['start', 'ok'],
      ],
    );
    assert.deepEqual(system.wakes, [NAS]);
    assert.equal(result.outcome, 'succeeded');
    assert.equal(result.summary, '');
  });

  it('takes a failed wake-up as a warning: the app is still started, the recovery succeeds', async () => {
    const process = wakingProcess();
    const system = systemWith({
      wakeResult: () => ({ ok: false, detail: 'cannot send a magic packet to 192.168.1.255:9: ENETUNREACH' }),
    });
    const result = await runPipeline(
      planActions(process, process.recovery_actions, { pid: APP }, LIMITS),
      context(process),
      system,
      () => undefined,
    );
    assert.deepEqual(
      result.actions.map((action) => [action.action, action.outcome]),
      [
        ['kill', 'ok'],
        ['wake_nas', 'failed'],
        ['start', 'ok'],
      ],
    );
    assert.equal(system.starts.length, 1);
    assert.equal(result.outcome, 'succeeded');
    assert.equal(result.started?.action, 'start');
    assert.equal(
      result.summary,
      'warning: wake_nas failed: cannot send a magic packet to 192.168.1.255:9: ENETUNREACH',
    );
  });

  it('records a wake-up that throws as failed, and goes on', async () => {
    const process = wakingProcess();
    const system = systemWith();
    system.sendMagicPacket = () => Promise.reject(new Error('socket closed'));
    const result = await runPipeline(
      planActions(process, process.recovery_actions, { pid: APP }, LIMITS),
      context(process),
      system,
      () => undefined,
    );
    assert.deepEqual(
      result.actions.map((action) => [action.action, action.outcome]),
      [
        ['kill', 'ok'],
        ['wake_nas', 'failed'],
        ['start', 'ok'],
      ],
    );
    assert.equal(result.outcome, 'succeeded');
    assert.equal(result.summary, 'warning: wake_nas failed: the watchdog could not run it: socket closed');
  });

  it('skips the wake-up when kill failed before it', async () => {
    const process = wakingProcess();
    const system = systemWith({
      onSignal: () => {
        throw Object.assign(new Error('EPERM: fake system error'), { code: 'EPERM' });
      },
    });
    const result = await runPipeline(
      planActions(process, process.recovery_actions, { pid: APP }, LIMITS),
      context(process),
      system,
      () => undefined,
    );
    assert.deepEqual(
      result.actions.map((action) => [action.action, action.outcome]),
      [
        ['kill', 'failed'],
        ['wake_nas', 'skipped'],
        ['start', 'skipped'],
      ],
    );
    assert.deepEqual(system.wakes, []);
  });
});
