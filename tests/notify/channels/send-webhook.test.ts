import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChannelConfig } from '../../../src/notify/config/notify-types.js';
import { sendWebhook } from '../../../src/notify/channels/send-webhook.js';
import { SecretScope } from '../../../src/notify/expand-references.js';
import { fakeRequest } from '../../helpers/fake-request.js';
import { WEBHOOK_DEFAULTS, channelDefaults } from '../../helpers/notify-channel.js';
import type { EventPayload } from '../../../src/notify/watchdog-event.js';

type WebhookChannel = Extract<ChannelConfig, { type: 'webhook' }>;

function webhook(overrides: Partial<WebhookChannel> = {}): WebhookChannel {
  return {
    ...channelDefaults(),
    name: 'ops',
    type: 'webhook',
    url: 'http://127.0.0.1:9/hooks/${HOOK_ID}',
    headers: { authorization: 'Bearer ${TOKEN}', 'x-device': 'gateway-17' },
    ...WEBHOOK_DEFAULTS,
    ...overrides,
  };
}

const ENV = { HOOK_ID: 'hook-42', TOKEN: 's3cr3t' };
const PAYLOAD: EventPayload & { notification_id: number } = {
  version: 1,
  event: 'gave_up',
  time: '2026-11-22T03:12:56.607000+00:00',
  host: 'gateway-17',
  process_key: 'app',
  display_name: null,
  interface: null,
  zone: null,
  summary: 'app: given up',
  details: {},
  notification_id: 7,
};
const BODY = JSON.stringify(PAYLOAD);

describe('sendWebhook', () => {
  it('POSTs the body as JSON to the URL, with the headers, references filled from the environment', async () => {
    const request = fakeRequest({ kind: 'response', status: 204 });
    const scope = new SecretScope(ENV);
    const outcome = await sendWebhook(webhook(), PAYLOAD, scope, 7000, { request });
    assert.deepEqual(outcome, { kind: 'delivered', detail: 'HTTP 204' });
    assert.equal(request.calls.length, 1);
    const [call] = request.calls;
    assert.equal(call?.url.href, 'http://127.0.0.1:9/hooks/hook-42');
    assert.equal(call.method, 'POST');
    assert.equal(call.body?.toString(), BODY);
    assert.equal(call.timeoutMs, 7000);
    assert.deepEqual(call.headers, {
      'content-type': 'application/json',
      'user-agent': 'watchdog',
      authorization: 'Bearer s3cr3t',
      'x-device': 'gateway-17',
    });
    assert.deepEqual(scope.secrets.sort(), ['hook-42', 's3cr3t'], 'the values filled in are the secrets to redact');
  });

  it('sends nothing and waits (retry) while a referenced variable is not set, naming it', async () => {
    const request = fakeRequest({ kind: 'response', status: 200 });
    const outcome = await sendWebhook(webhook(), PAYLOAD, new SecretScope({ HOOK_ID: 'hook-42' }), 7000, { request });
    assert.deepEqual(outcome, {
      kind: 'retry',
      detail: 'environment variable TOKEN not set (referenced in the config)',
    });
    assert.deepEqual(request.calls, []);
  });

  it('counts a variable set to the empty string as not set', async () => {
    const request = fakeRequest({ kind: 'response', status: 200 });
    const outcome = await sendWebhook(webhook(), PAYLOAD, new SecretScope({ HOOK_ID: '', TOKEN: '' }), 7000, {
      request,
    });
    assert.deepEqual(outcome, {
      kind: 'retry',
      detail: 'environment variables HOOK_ID, TOKEN not set (referenced in the config)',
    });
    assert.deepEqual(request.calls, []);
  });

  it('refuses a URL that is not valid once filled in, without sending', async () => {
    const request = fakeRequest({ kind: 'response', status: 200 });
    const outcome = await sendWebhook(
      webhook({ url: '${BASE}/hook', headers: {} }),
      PAYLOAD,
      new SecretScope({ BASE: 'not a url' }),
      7000,
      { request },
    );
    assert.deepEqual(outcome, { kind: 'refused', detail: 'the URL is not valid once its references are filled in' });
    assert.deepEqual(request.calls, []);
  });

  const statuses: [number, string][] = [
    [200, 'delivered'],
    [429, 'retry'],
    [503, 'retry'],
    [302, 'refused'],
    [404, 'refused'],
  ];
  for (const [status, kind] of statuses) {
    it(`maps HTTP ${status} to ${kind}`, async () => {
      const outcome = await sendWebhook(webhook(), PAYLOAD, new SecretScope(ENV), 7000, {
        request: fakeRequest({ kind: 'response', status }),
      });
      assert.equal(outcome.kind, kind);
    });
  }

  it('waits (retry) when there was no answer, with what went wrong', async () => {
    const outcome = await sendWebhook(webhook(), PAYLOAD, new SecretScope(ENV), 7000, {
      request: fakeRequest({ kind: 'error', detail: 'ECONNREFUSED' }),
    });
    assert.deepEqual(outcome, { kind: 'retry', detail: 'ECONNREFUSED' });
  });

  it('sends a channel without headers with only its own two', async () => {
    const request = fakeRequest({ kind: 'response', status: 200 });
    await sendWebhook(webhook({ url: 'https://127.0.0.1/static', headers: {} }), PAYLOAD, new SecretScope({}), 1000, {
      request,
    });
    assert.deepEqual(request.calls[0]?.headers, { 'content-type': 'application/json', 'user-agent': 'watchdog' });
  });
});
