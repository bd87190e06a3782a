// The optional HMAC signature of a webhook, checked the way a receiver would: by another
// implementation (OpenSSL's command line) over the bytes the server received.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import type { ChannelConfig } from '../../../src/notify/config/notify-types.js';
import { sendWebhook } from '../../../src/notify/channels/send-webhook.js';
import { SecretScope } from '../../../src/notify/expand-references.js';
import { sendToChannel } from '../../../src/notify/send-to-channel.js';
import type { EventPayload } from '../../../src/notify/watchdog-event.js';
import type { WebhookFormat } from '../../../src/notify/webhook/webhook-format.js';
import { startHttpRecorder } from '../../helpers/loopback-http.js';
import { WEBHOOK_DEFAULTS, channelDefaults } from '../../helpers/notify-channel.js';

const SECRET = 'hook-secret-5f4e3d2c with spaces & ünïcode';

const PAYLOAD: EventPayload & { notification_id: number } = {
  version: 1,
  event: 'gave_up',
  time: '2026-11-22T03:12:56.607000+00:00',
  host: 'gateway-17',
  process_key: 'app',
  display_name: null,
  interface: null,
  zone: null,
  // Not ASCII, and a lone surrogate: what is signed must be the bytes sent, not the text.
  summary: 'app: given up: status “crashed” 🔥 \ud800',
  details: {},
  notification_id: 9,
};

/** HMAC-SHA256 by OpenSSL, hex: the receiver's side, sharing no code with the watchdog. */
function opensslHmac(key: string, data: Buffer): string {
  const out = execFileSync('openssl', ['dgst', '-sha256', '-mac', 'HMAC', '-macopt', `key:${key}`], { input: data });
  return /= ?([0-9a-f]{64})\s*$/.exec(out.toString())?.[1] ?? `unparsed: ${out.toString()}`;
}

function channel(port: number, format: WebhookFormat, signature: string | undefined): ChannelConfig {
  return {
    ...channelDefaults(),
    ...WEBHOOK_DEFAULTS,
    name: 'signed',
    type: 'webhook',
    url: `http://127.0.0.1:${port}/hook`,
    headers: {},
    format,
    signature_secret: signature,
  };
}

const deps = (env: NodeJS.ProcessEnv) => ({
  env,
  cwd: '/',
  runShellCommand: () => Promise.reject(new Error('no command in this test')),
});

describe('webhook signature_secret', () => {
  for (const format of ['json', 'slack', 'discord', 'teams'] as const) {
    it(`signs <timestamp>.<body> of the exact bytes sent (${format})`, async () => {
      const server = await startHttpRecorder();
      const before = Math.floor(Date.now() / 1000);
      const outcome = await sendToChannel(
        channel(server.port, format, '${HOOK_SECRET}'),
        PAYLOAD,
        5000,
        deps({ HOOK_SECRET: SECRET }),
      );
      const after = Math.floor(Date.now() / 1000);
      assert.equal(outcome.kind, 'delivered', outcome.detail);
      const [request] = server.requests;
      assert.ok(request !== undefined);
      const timestamp = String(request.headers['x-watchdog-timestamp']);
      assert.match(timestamp, /^\d+$/);
      assert.ok(Number(timestamp) >= before && Number(timestamp) <= after, `${timestamp} is now`);
      const expected = opensslHmac(SECRET, Buffer.concat([Buffer.from(`${timestamp}.`), request.raw]));
      assert.equal(request.headers['x-watchdog-signature'], `sha256=${expected}`);
      // A receiver that checks it refuses a body changed by one byte.
      const tampered = Buffer.from(request.raw);
      tampered.writeUInt8((tampered.readUInt8(tampered.length - 2) ^ 1) & 0xff, tampered.length - 2);
      assert.notEqual(opensslHmac(SECRET, Buffer.concat([Buffer.from(`${timestamp}.`), tampered])), expected);
      assert.ok(!JSON.stringify(request.headers).includes(SECRET), 'the secret itself is never sent');
      await server.close();
    });
  }

  it('sends no signature headers without a secret', async () => {
    const server = await startHttpRecorder();
    await sendToChannel(channel(server.port, 'json', undefined), PAYLOAD, 5000, deps({}));
    const headers = server.requests[0]?.headers ?? {};
    assert.equal(headers['x-watchdog-signature'], undefined);
    assert.equal(headers['x-watchdog-timestamp'], undefined);
    await server.close();
  });

  it('sends nothing while the secret’s variable is not set, and never returns its value', async () => {
    const server = await startHttpRecorder();
    const missing = await sendToChannel(channel(server.port, 'json', '${HOOK_SECRET}'), PAYLOAD, 5000, deps({}));
    assert.deepEqual(missing, {
      kind: 'retry',
      detail: 'environment variable HOOK_SECRET not set (referenced in the config)',
    });
    assert.equal(server.requests.length, 0);
    await server.close();
    // Refused by a closed port: the detail of the failure holds no secret.
    const refused = await sendToChannel(
      channel(server.port, 'json', '${HOOK_SECRET}'),
      PAYLOAD,
      2000,
      deps({ HOOK_SECRET: SECRET }),
    );
    assert.equal(refused.kind, 'retry');
    assert.ok(!refused.detail.includes(SECRET));
  });

  it('reaches a receiver that answers 503 for a stale timestamp at the next attempt once the clock is right', async () => {
    // The receiver of docs/notifications.md ("Signed webhooks"): 401 for a signature that does
    // not match, 503 for a timestamp more than 300 s away from its clock.
    const answers: number[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const timestamp = String(request.headers['x-watchdog-timestamp']);
        const expected = opensslHmac(SECRET, Buffer.concat([Buffer.from(`${timestamp}.`), ...chunks]));
        const status =
          request.headers['x-watchdog-signature'] !== `sha256=${expected}`
            ? 401
            : Math.abs(Date.now() / 1000 - Number(timestamp)) <= 300
              ? 200
              : 503;
        answers.push(status);
        response.writeHead(status).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const hook = channel(port, 'json', '${HOOK_SECRET}');
      assert.ok(hook.type === 'webhook');
      const scope = () => new SecretScope({ HOOK_SECRET: SECRET });
      // fake-hwclock: the device booted with its clock at its last shutdown, six hours ago.
      const early = await sendWebhook(hook, PAYLOAD, scope(), 2000, { nowMs: () => Date.now() - 6 * 3600_000 });
      assert.deepEqual(early, { kind: 'retry', detail: 'HTTP 503' }, 'kept for a later attempt, not refused');
      // NTP has set the clock: the same notification, signed afresh, gets through.
      const later = await sendWebhook(hook, PAYLOAD, scope(), 2000);
      assert.deepEqual(later, { kind: 'delivered', detail: 'HTTP 200' });
      assert.deepEqual(answers, [503, 200]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
