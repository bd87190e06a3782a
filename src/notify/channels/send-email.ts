import { lookup } from 'node:dns/promises';
import { closeSync, constants, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ChannelConfig } from '../config/notify-types.js';
import { describeError } from '../../errors.js';
import type { SecretScope } from '../expand-references.js';
import type { EventPayload } from '../watchdog-event.js';
import { formatEmail } from './format-email.js';
import { missingVariables, type SendOutcome } from './send-outcome.js';
import { PROCESS_LINK_TRUST, openFileSafely } from '../../system/open-file-safely.js';

type EmailChannel = Extract<ChannelConfig, { type: 'email' }>;

/**
 * Sends the event as an email over SMTP with nodemailer (loaded only when an email goes
 * out). `tls`: `starttls` requires the upgrade, `implicit` is TLS from the start, `none`
 * is plain text. SMTP 5xx answers are refusals; anything else may pass on a later tick.
 */
export async function sendEmail(
  channel: EmailChannel,
  payload: EventPayload,
  scope: SecretScope,
  timeoutMs: number,
): Promise<SendOutcome> {
  const user = channel.user === undefined ? undefined : scope.expand(channel.user);
  const pass = channel.password === undefined ? undefined : scope.expand(channel.password);
  if (scope.missing.length > 0) return missingVariables(scope.missing);
  let ca: Buffer | undefined;
  try {
    ca = channel.ca_file === undefined ? undefined : readCaFile(channel.ca_file);
  } catch (error) {
    return { kind: 'retry', detail: `cannot read ca_file ${channel.ca_file}: ${describeError(error)}` };
  }
  const where = `${channel.host}:${channel.port}`;
  // The system's resolver, as every other program: nodemailer's own asks DNS servers only,
  // so a relay named in /etc/hosts (localhost, the LAN's relay) fails while the uplink is down.
  const address = await resolveHost(channel.host, timeoutMs);
  if (address.kind === 'error') return { kind: 'retry', detail: `${where}: ${address.detail}` };
  const { createTransport } = await import('nodemailer');
  const transport = createTransport({
    host: address.address,
    port: channel.port,
    secure: channel.tls === 'implicit',
    requireTLS: channel.tls === 'starttls',
    ignoreTLS: channel.tls === 'none',
    auth: user === undefined ? undefined : { user, pass },
    // The certificate is checked against the name, not the address it resolved to.
    tls: {
      rejectUnauthorized: channel.reject_unauthorized,
      ...(isIP(channel.host) === 0 ? { servername: channel.host } : {}),
      ...(ca === undefined ? {} : { ca }),
    },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const { subject, text } = formatEmail(payload, channel.subject_prefix);
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<SendOutcome>((resolve) => {
      timer = setTimeout(
        () => resolve({ kind: 'retry', detail: `${where}: no answer within ${timeoutMs / 1000}s` }),
        timeoutMs,
      );
    });
    const sent = transport.sendMail({ from: channel.from, to: channel.to, subject, text }).then(
      (info): SendOutcome => ({ kind: 'delivered', detail: `accepted by ${where}: ${String(info.response)}` }),
      (error: unknown): SendOutcome => outcomeOfSmtpError(error, where),
    );
    return await Promise.race([sent, deadline]);
  } finally {
    clearTimeout(timer);
    transport.close();
  }
}

/** `host`'s address by the system's resolver (/etc/hosts first), within `timeoutMs`. */
async function resolveHost(
  host: string,
  timeoutMs: number,
): Promise<{ kind: 'address'; address: string } | { kind: 'error'; detail: string }> {
  if (isIP(host) !== 0) return { kind: 'address', address: host };
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<{ kind: 'error'; detail: string }>((resolve) => {
    timer = setTimeout(
      () => resolve({ kind: 'error', detail: `cannot resolve ${host} within ${timeoutMs / 1000}s` }),
      timeoutMs,
    );
  });
  const resolved = lookup(host).then(
    (found) => ({ kind: 'address' as const, address: found.address }),
    (error: unknown) => ({ kind: 'error' as const, detail: `cannot resolve ${host}: ${describeError(error)}` }),
  );
  try {
    return await Promise.race([resolved, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** SMTP 5xx is a refusal (a bad address, relaying denied, authentication refused); the rest may pass later. */
function outcomeOfSmtpError(error: unknown, where: string): SendOutcome {
  const code =
    typeof error === 'object' && error !== null && 'responseCode' in error ? Number(error.responseCode) : undefined;
  const detail = `${where}: ${describeError(error)}`;
  return code !== undefined && code >= 500 && code < 600 ? { kind: 'refused', detail } : { kind: 'retry', detail };
}

/** The CA file, never through a link that someone other than root could have planted. */
function readCaFile(path: string): Buffer {
  const fd = openFileSafely(path, { flags: constants.O_RDONLY, trust: PROCESS_LINK_TRUST, followTrustedLink: true });
  try {
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}
