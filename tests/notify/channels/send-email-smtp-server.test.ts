// The email channel against a real SMTP server (smtp-server on 127.0.0.1), through the
// same entry point a tick uses (sendToChannel): STARTTLS with a certificate the test makes
// with openssl, what happens when it cannot be verified, and that a password never goes
// out over a connection that is not verified TLS when TLS was asked for.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { normalizeNotify } from '../../../src/notify/config/normalize-notify.js';
import type { ChannelConfig, RawChannel } from '../../../src/notify/config/notify-types.js';
import type { SendOutcome } from '../../../src/notify/channels/send-outcome.js';
import { sendToChannel } from '../../../src/notify/send-to-channel.js';
import { payloadOf, type EventPayload } from '../../../src/notify/watchdog-event.js';
import { requireOnPath } from '../../helpers/find-on-path.js';
import { onCleanup } from '../../helpers/cleanup.js';
import { listenOnFreePort } from '../../helpers/free-port.js';
import { startSmtpRecorder, type SmtpRecorder } from '../../helpers/smtp-recorder.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const PASSWORD = 'correct horse battery staple';
const TIMEOUT_MS = 5000;

const payload: EventPayload & { notification_id: number } = {
  ...payloadOf(
    {
      kind: 'recovery_failed',
      at: '2026-06-30T12:00:00.000Z',
      processKey: 'app',
      displayName: 'App',
      summary: 'app: recovery #3 failed after 1s: start failed: the start command exited 1',
      details: { recovery_id: 3 },
    },
    'gateway-7',
  ),
  notification_id: 42,
};

/** The channel as the config loader resolves it (`ca_file` against `dir`). */
function channelOf(dir: string, raw: Partial<Extract<RawChannel, { type: 'email' }>>): ChannelConfig {
  const [channel] = normalizeNotify(
    {
      channels: {
        mail: {
          type: 'email',
          host: '127.0.0.1',
          from: 'watchdog@device.test',
          to: ['ops@example.test'],
          user: 'watchdog',
          password: '${SMTP_PASSWORD}',
          ...raw,
        },
      },
    },
    dir,
  ).channels;
  assert.ok(channel, 'the channel resolves');
  return channel;
}

function send(channel: ChannelConfig, timeoutMs = TIMEOUT_MS): Promise<SendOutcome> {
  return sendToChannel(channel, payload, timeoutMs, {
    env: { SMTP_PASSWORD: PASSWORD },
    cwd: '/',
    runShellCommand: () => Promise.reject(new Error('an email channel runs no command')),
  });
}

type Certificate = { key: Buffer; cert: Buffer; certPath: string };

/**
 * A self-signed certificate made by openssl in a fresh folder: `extra` adds to `openssl req`
 * (a subjectAltName); without it, the certificate names only CN=localhost.
 */
function makeCertificate(dir: string, extra: readonly string[] = []): Certificate {
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  const made = spawnSync(
    requireOnPath('openssl'),
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-days',
      '1',
      ...extra,
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(made.status, 0, `openssl req: ${made.stderr}`);
  return { key: readFileSync(keyPath), cert: readFileSync(certPath), certPath };
}

function assertNothingSent(smtp: SmtpRecorder, why: string): void {
  assert.deepEqual(
    { logins: smtp.logins, mails: smtp.mails.length },
    { logins: [], mails: 0 },
    `${why}: no password and no message went out`,
  );
}

describe('sendToChannel: email over STARTTLS (smtp-server and an openssl certificate)', () => {
  it('delivers over a verified STARTTLS connection to a certificate for 127.0.0.1 signed by ca_file, and logs in over it', async () => {
    const dir = makeTempDir();
    const tls = makeCertificate(dir, ['-addext', 'subjectAltName=IP:127.0.0.1']);
    const smtp = await startSmtpRecorder({ login: { user: 'watchdog', password: PASSWORD }, tls });

    const outcome = await send(channelOf(dir, { port: smtp.port, tls: 'starttls', ca_file: 'cert.pem' }));

    assert.equal(outcome.kind, 'delivered', outcome.detail);
    assert.match(outcome.detail, new RegExp(`^accepted by 127\\.0\\.0\\.1:${smtp.port}: 250`));
    assert.equal(smtp.mails.length, 1, 'one message');
    assert.deepEqual(
      { secure: smtp.mails[0]?.secure, user: smtp.mails[0]?.user },
      { secure: true, user: 'watchdog' },
      'sent after STARTTLS, logged in',
    );
    assert.equal(smtp.mails[0]?.headers.get('subject'), `[watchdog] gateway-7: ${payload.summary}`);
  });

  it('does not send to a certificate that names another host (CN=localhost, host 127.0.0.1): retried later, the password kept', async () => {
    const dir = makeTempDir();
    const tls = makeCertificate(dir);
    const smtp = await startSmtpRecorder({ login: { user: 'watchdog', password: PASSWORD }, tls });

    const outcome = await send(channelOf(dir, { port: smtp.port, tls: 'starttls', ca_file: tls.certPath }));

    assert.equal(
      outcome.kind,
      'retry',
      `a certificate that does not match is not a refusal by the receiver: ${outcome.detail}`,
    );
    assert.match(outcome.detail, /IP: 127\.0\.0\.1 is not in the cert's list|does not match/i);
    assert.ok(!outcome.detail.includes(PASSWORD), 'the detail never holds the password');
    assertNothingSent(smtp, 'the certificate names localhost, not 127.0.0.1');
  });

  it('sends to that certificate with reject_unauthorized false (encrypted, not verified)', async () => {
    const dir = makeTempDir();
    const tls = makeCertificate(dir);
    const smtp = await startSmtpRecorder({ login: { user: 'watchdog', password: PASSWORD }, tls });

    const outcome = await send(channelOf(dir, { port: smtp.port, tls: 'starttls', reject_unauthorized: false }));

    assert.equal(outcome.kind, 'delivered', outcome.detail);
    assert.deepEqual(
      smtp.mails.map((mail) => mail.secure),
      [true],
    );
  });

  it('delivers over implicit TLS (TLS from the first byte, as on port 465)', async () => {
    const dir = makeTempDir();
    const tls = makeCertificate(dir, ['-addext', 'subjectAltName=IP:127.0.0.1']);
    const smtp = await startSmtpRecorder({
      login: { user: 'watchdog', password: PASSWORD },
      tls: { ...tls, implicit: true },
    });

    const outcome = await send(channelOf(dir, { port: smtp.port, tls: 'implicit', ca_file: tls.certPath }));

    assert.equal(outcome.kind, 'delivered', outcome.detail);
    assert.deepEqual(
      smtp.mails.map((mail) => [mail.secure, mail.user]),
      [[true, 'watchdog']],
    );
  });

  it('does not trust a self-signed certificate without ca_file', async () => {
    const dir = makeTempDir();
    const tls = makeCertificate(dir, ['-addext', 'subjectAltName=IP:127.0.0.1']);
    const smtp = await startSmtpRecorder({ login: { user: 'watchdog', password: PASSWORD }, tls });

    const outcome = await send(channelOf(dir, { port: smtp.port, tls: 'starttls' }));

    assert.equal(outcome.kind, 'retry', outcome.detail);
    assert.match(outcome.detail, /self[- ]signed/i);
    assertNothingSent(smtp, 'an unknown certificate');
  });
});

describe('sendToChannel: email without TLS where TLS is required', () => {
  it('does not fall back to plain text when the server offers no STARTTLS: the password never goes out in the clear', async () => {
    const dir = makeTempDir();
    const smtp = await startSmtpRecorder({ login: { user: 'watchdog', password: PASSWORD } });

    const outcome = await send(channelOf(dir, { port: smtp.port, tls: 'starttls' }));

    // nodemailer asks for STARTTLS anyway; the server's 500 is a 5xx answer, so a refusal.
    assert.equal(outcome.kind, 'refused', outcome.detail);
    assert.match(outcome.detail, /STARTTLS: 500/);
    assertNothingSent(smtp, 'tls "starttls" against a server without STARTTLS');
  });

  it('a login the server refuses (535) is refused for good, with no password in the detail', async () => {
    const dir = makeTempDir();
    const smtp = await startSmtpRecorder({ login: { user: 'watchdog', password: 'another password' } });

    const outcome = await send(channelOf(dir, { port: smtp.port, tls: 'none' }));

    assert.equal(outcome.kind, 'refused', outcome.detail);
    assert.match(outcome.detail, /535/);
    assert.ok(!outcome.detail.includes(PASSWORD), 'the detail never holds the password');
    assert.deepEqual(smtp.logins, [`watchdog:${PASSWORD}`]);
    assert.deepEqual(smtp.mails, []);
  });
});

describe('sendToChannel: SMTP answers', () => {
  it('a recipient the server defers (451) is tried again later, not refused', async () => {
    const dir = makeTempDir();
    const smtp = await startSmtpRecorder({ defer: ['ops@example.test'] });

    const outcome = await send(channelOf(dir, { port: smtp.port, tls: 'none', user: undefined, password: undefined }));

    assert.equal(outcome.kind, 'retry', outcome.detail);
    assert.match(outcome.detail, /451/);
    assert.deepEqual(smtp.recipients, ['ops@example.test']);
    assert.deepEqual(smtp.mails, []);
  });

  it('sends one message to every recipient of `to`', async () => {
    const dir = makeTempDir();
    const smtp = await startSmtpRecorder();

    const outcome = await send(
      channelOf(dir, {
        port: smtp.port,
        tls: 'none',
        user: undefined,
        password: undefined,
        to: ['ops@example.test', 'oncall@example.test'],
      }),
    );

    assert.equal(outcome.kind, 'delivered', outcome.detail);
    assert.deepEqual(
      smtp.mails.map((mail) => [mail.from, mail.to, mail.headers.get('to')]),
      [['watchdog@device.test', ['ops@example.test', 'oncall@example.test'], 'ops@example.test, oncall@example.test']],
    );
  });

  it('a relay that takes the connection and never greets is tried again later: the attempt ends at its timeout', async () => {
    const dir = makeTempDir();
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    const port = await listenOnFreePort(silent);
    onCleanup(async () => {
      for (const socket of sockets) socket.destroy();
      silent.close();
      await once(silent, 'close');
    });

    const outcome = await send(channelOf(dir, { port, tls: 'none', user: undefined, password: undefined }), 1000);

    assert.equal(outcome.kind, 'retry', outcome.detail);
    assert.ok(sockets.size >= 1, 'it did connect');
  });
});
