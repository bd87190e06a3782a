import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChannelConfig } from '../../../src/notify/config/notify-types.js';
import { sendCommand, type CommandChannelDeps } from '../../../src/notify/channels/send-command.js';
import type { EventPayload } from '../../../src/notify/watchdog-event.js';
import type { ShellCommandOptions, ShellCommandResult } from '../../../src/system/run-shell-command.js';
import { channelDefaults } from '../../helpers/notify-channel.js';

type CommandChannel = Extract<ChannelConfig, { type: 'command' }>;

const CHANNEL: CommandChannel = {
  ...channelDefaults(),
  name: 'sms',
  type: 'command',
  command: '/usr/local/bin/send-sms',
};

const PROCESS_PAYLOAD: EventPayload = {
  version: 1,
  event: 'gave_up',
  time: '2026-06-30T12:00:00.000000+00:00',
  host: 'gateway-17',
  process_key: 'web',
  display_name: 'The web app',
  interface: null,
  zone: null,
  summary: 'web: given up after 3 recoveries',
  details: {},
};

const NETWORK_PAYLOAD: EventPayload = {
  ...PROCESS_PAYLOAD,
  event: 'network_degraded',
  process_key: null,
  display_name: null,
  interface: 'eth0',
  summary: 'network eth0 no_carrier',
};

/** Deps whose runShellCommand records its options and ends as `result` says; nothing is run. */
function fakeDeps(result: Partial<ShellCommandResult> = {}): CommandChannelDeps & { runs: ShellCommandOptions[] } {
  const runs: ShellCommandOptions[] = [];
  return {
    runs,
    env: { PATH: '/usr/bin:/bin', HOME: '/root' },
    cwd: '/etc/watchdog',
    async runShellCommand(options) {
      runs.push(options);
      return { pid: 5000, exitCode: 0, signal: null, timedOut: false, durationMs: 12, outputTail: '', ...result };
    },
  };
}

describe('sendCommand', () => {
  it('runs the command in the config folder with the JSON and a newline on its standard input', async () => {
    const deps = fakeDeps();
    const body = JSON.stringify(PROCESS_PAYLOAD);
    const outcome = await sendCommand(CHANNEL, PROCESS_PAYLOAD, body, 10_000, deps);
    assert.deepEqual(outcome, { kind: 'delivered', detail: 'exited 0 after 12ms' });
    assert.equal(deps.runs.length, 1);
    const [run] = deps.runs;
    assert.equal(run?.command, '/usr/local/bin/send-sms');
    assert.equal(run.cwd, '/etc/watchdog');
    assert.equal(run.input, `${body}\n`);
    assert.equal(run.timeoutMs, 10_000);
    assert.equal(run.killGraceMs, 2000);
    assert.equal(run.user, undefined, 'runs as the watchdog user');
  });

  it('gives a process event WATCHDOG_EVENT, WATCHDOG_SUMMARY and WATCHDOG_PROCESS_KEY, over the inherited environment', async () => {
    const deps = fakeDeps();
    await sendCommand(CHANNEL, PROCESS_PAYLOAD, '{}', 10_000, deps);
    assert.deepEqual(deps.runs[0]?.env, {
      PATH: '/usr/bin:/bin',
      HOME: '/root',
      WATCHDOG_EVENT: 'gave_up',
      WATCHDOG_SUMMARY: 'web: given up after 3 recoveries',
      WATCHDOG_PROCESS_KEY: 'web',
    });
  });

  it('gives a network event WATCHDOG_INTERFACE and no WATCHDOG_PROCESS_KEY', async () => {
    const deps = fakeDeps();
    await sendCommand(CHANNEL, NETWORK_PAYLOAD, '{}', 10_000, deps);
    assert.deepEqual(deps.runs[0]?.env, {
      PATH: '/usr/bin:/bin',
      HOME: '/root',
      WATCHDOG_EVENT: 'network_degraded',
      WATCHDOG_SUMMARY: 'network eth0 no_carrier',
      WATCHDOG_INTERFACE: 'eth0',
    });
  });

  it('gives an event about a thermal zone WATCHDOG_ZONE', async () => {
    const deps = fakeDeps();
    const payload = { ...NETWORK_PAYLOAD, interface: null, zone: 'thermal_zone0', summary: 'thermal_zone0: critical' };
    await sendCommand(CHANNEL, payload, '{}', 10_000, deps);
    assert.deepEqual(deps.runs[0]?.env, {
      PATH: '/usr/bin:/bin',
      HOME: '/root',
      WATCHDOG_EVENT: 'network_degraded',
      WATCHDOG_SUMMARY: 'thermal_zone0: critical',
      WATCHDOG_ZONE: 'thermal_zone0',
    });
  });

  it('tries again later (retry) when the command exits non-zero', async () => {
    const outcome = await sendCommand(CHANNEL, PROCESS_PAYLOAD, '{}', 10_000, fakeDeps({ exitCode: 3 }));
    assert.deepEqual(outcome, { kind: 'retry', detail: 'exited 3 after 12ms' });
  });

  it('tries again later (retry) when the command times out, naming timeout_seconds', async () => {
    const outcome = await sendCommand(
      CHANNEL,
      PROCESS_PAYLOAD,
      '{}',
      4000,
      fakeDeps({ exitCode: null, signal: 'SIGTERM', timedOut: true }),
    );
    assert.deepEqual(outcome, {
      kind: 'retry',
      detail: 'timed out after 4s (timeout_seconds); its process tree was killed',
    });
  });

  it('tries again later (retry) when the command is killed by a signal, or cannot be run', async () => {
    assert.deepEqual(
      await sendCommand(CHANNEL, PROCESS_PAYLOAD, '{}', 10_000, fakeDeps({ exitCode: null, signal: 'SIGKILL' })),
      {
        kind: 'retry',
        detail: 'killed by SIGKILL after 12ms',
      },
    );
    assert.deepEqual(
      await sendCommand(
        CHANNEL,
        PROCESS_PAYLOAD,
        '{}',
        10_000,
        fakeDeps({ exitCode: null, spawnError: 'cwd /etc/watchdog does not exist' }),
      ),
      {
        kind: 'retry',
        detail: 'could not run: cwd /etc/watchdog does not exist',
      },
    );
  });
});
