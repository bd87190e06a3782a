import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChannelConfig } from '../../src/notify/config/notify-types.js';
import type { CommandChannelDeps } from '../../src/notify/channels/send-command.js';
import { sendToChannel } from '../../src/notify/send-to-channel.js';
import type { EventPayload } from '../../src/notify/watchdog-event.js';
import type { ShellCommandOptions } from '../../src/system/run-shell-command.js';
import { WEBHOOK_DEFAULTS, channelDefaults } from '../helpers/notify-channel.js';

const COMMON = channelDefaults();

const PAYLOAD: EventPayload & { notification_id: number } = {
  version: 1,
  event: 'gave_up',
  time: '2026-06-30T12:00:00.000000+00:00',
  host: 'gateway-17',
  process_key: 'web',
  display_name: 'The web app',
  interface: null,
  zone: null,
  summary: 'web: given up',
  details: {},
  notification_id: 57,
};

const TOKEN = 'tok-9f8e7d6c5b4a';

/** Deps whose runShellCommand records what it is asked and runs nothing. */
function depsWith(env: NodeJS.ProcessEnv): CommandChannelDeps & { runs: ShellCommandOptions[] } {
  const runs: ShellCommandOptions[] = [];
  return {
    runs,
    env,
    cwd: '/etc/watchdog',
    async runShellCommand(options) {
      runs.push(options);
      return { pid: 5000, exitCode: 0, signal: null, timedOut: false, durationMs: 12, outputTail: '' };
    },
  };
}

describe('sendToChannel', () => {
  it('waits (retry) for a webhook whose URL refers to a variable that is not set, naming the variable', async () => {
    const channel: ChannelConfig = {
      ...COMMON,
      name: 'ops',
      type: 'webhook',
      url: 'http://127.0.0.1:1/${OPS_HOOK_TOKEN}',
      headers: {},
      ...WEBHOOK_DEFAULTS,
    };
    const outcome = await sendToChannel(channel, PAYLOAD, 2000, depsWith({}));
    assert.equal(outcome.kind, 'retry');
    assert.match(outcome.detail, /OPS_HOOK_TOKEN/);
    assert.equal(outcome.detail, 'environment variable OPS_HOOK_TOKEN not set (referenced in the config)');
  });

  it(
    'never returns the secret a failed webhook attempt used (loopback port 1 refuses)',
    { timeout: 30_000 },
    async () => {
      const channel: ChannelConfig = {
        ...COMMON,
        name: 'ops',
        type: 'webhook',
        url: `http://127.0.0.1:1/\${TOKEN}`,
        headers: { authorization: 'Bearer ${TOKEN}' },
        ...WEBHOOK_DEFAULTS,
      };
      const outcome = await sendToChannel(channel, PAYLOAD, 2000, depsWith({ TOKEN }));
      assert.equal(outcome.kind, 'retry');
      assert.ok(!outcome.detail.includes(TOKEN), `the detail must not hold the token: ${outcome.detail}`);
      assert.ok(outcome.detail.length > 0, 'the detail says what went wrong');
    },
  );

  it('gives a command channel the payload, notification_id included, as one JSON line', async () => {
    const deps = depsWith({ PATH: '/usr/bin:/bin' });
    const channel: ChannelConfig = { ...COMMON, name: 'sms', type: 'command', command: './send-sms' };
    const outcome = await sendToChannel(channel, PAYLOAD, 2000, deps);
    assert.equal(outcome.kind, 'delivered');
    assert.equal(deps.runs.length, 1);
    const input = deps.runs[0]?.input ?? '';
    assert.ok(input.endsWith('\n') && !input.slice(0, -1).includes('\n'), `one line: ${JSON.stringify(input)}`);
    assert.deepEqual(JSON.parse(input), PAYLOAD);
  });

  it('turns an attempt that throws into a retry that says so', async () => {
    const deps = depsWith({});
    deps.runShellCommand = () => Promise.reject(new RangeError('timeoutMs must be a delay in milliseconds, not NaN'));
    const channel: ChannelConfig = { ...COMMON, name: 'sms', type: 'command', command: './send-sms' };
    assert.deepEqual(await sendToChannel(channel, PAYLOAD, Number.NaN, deps), {
      kind: 'retry',
      detail: 'the watchdog could not send it: timeoutMs must be a delay in milliseconds, not NaN',
    });
  });
});
