import { readFileSync } from 'node:fs';
import type { ChannelConfig } from '../../config/notify-types.js';
import { describeError } from '../../errors.js';
import type { SecretScope } from '../expand-references.js';
import type { EventPayload } from '../watchdog-event.js';
import { formatEmail } from './format-email.js';
import { missingVariables, type SendOutcome } from './send-outcome.js';

type EmailChannel = Extract<ChannelConfig, { type: 'email' }>;

/**
 * Sends the event as an email over SMTP with nodemailer (loaded only when an email goes
 * out). `tls`: `starttls` requires the upgrade, `implicit` is TLS from the start, `none`
 * is plain text. SMTP 5xx answers are refusals; anything else may pass on a later tick.
 */
export async function sendEmail(channel: EmailChannel, payload: EventPayload, scope: SecretScope, timeoutMs: number): Promise<SendOutcome> {
  const user = channel.user === undefined ? undefined : scope.expand(channel.user);
  const pass = channel.password === undefined ? undefined : scope.expand(channel.password);
  if (scope.missing.length > 0) return missingVariables(scope.missing);
  let ca: Buffer | undefined;
  try {
    ca = channel.ca_file === undefined ? undefined : readFileSync(channel.ca_file);
  } catch (error) {
    return { kind: 'retry', detail: `cannot read ca_file ${channel.ca_file}: ${describeError(error)}` };
  }
  const { createTransport } = await import('nodemailer');
  const transport = createTransport({
    host: channel.host,
    port: channel.port,
    secure: channel.tls === 'implicit',
    requireTLS: channel.tls === 'starttls',
    ignoreTLS: channel.tls === 'none',
    auth: user === undefined ? undefined : { user, pass },
    tls: { rejectUnauthorized: channel.reject_unauthorized, ...(ca === undefined ? {} : { ca }) },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const { subject, text } = formatEmail(payload, channel.subject_prefix);
  const where = `${channel.host}:${channel.port}`;
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<SendOutcome>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'retry', detail: `${where}: no answer within ${timeoutMs / 1000}s` }), timeoutMs);
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

/** SMTP 5xx is a refusal (a bad address, relaying denied, authentication refused); the rest may pass later. */
function outcomeOfSmtpError(error: unknown, where: string): SendOutcome {
  const code = typeof error === 'object' && error !== null && 'responseCode' in error ? Number(error.responseCode) : undefined;
  const detail = `${where}: ${describeError(error)}`;
  return code !== undefined && code >= 500 && code < 600 ? { kind: 'refused', detail } : { kind: 'retry', detail };
}
