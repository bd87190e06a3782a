import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { onCleanup } from './cleanup.js';
import { listenOnFreePort } from './free-port.js';
import { parseMimeMessage, type MimeMessage } from './mime-message.js';

/** A message the server accepted. */
export interface ReceivedMail extends MimeMessage {
  from: string | undefined;
  to: string[];
  /** Whether the session was TLS (after STARTTLS, or implicit). */
  secure: boolean;
  /** Who logged in (the `user` name given to onAuth), if anyone. */
  user: string | undefined;
  raw: string;
}

export interface SmtpRecorder {
  port: number;
  mails: ReceivedMail[];
  /** Every RCPT TO the server was given, accepted or not. */
  recipients: string[];
  /** Every login tried: `user:password`. */
  logins: string[];
  close(): Promise<void>;
}

export interface SmtpRecorderOptions {
  /** The login it accepts; without one, no login is needed (and none is offered). */
  login?: { user: string; password: string };
  /** Recipients refused with `550 5.1.1`. */
  refuse?: readonly string[];
  /** Recipients deferred with `451 4.3.0` (try again later). */
  defer?: readonly string[];
  /**
   * STARTTLS offered with this key and certificate (PEM), or TLS from the first byte with
   * `implicit`; without it, plain text only (STARTTLS not offered).
   */
  tls?: { key: Buffer; cert: Buffer; implicit?: boolean };
}

/**
 * Starts an SMTP server (the `smtp-server` package) on 127.0.0.1 that records what it
 * accepts. Reverse DNS of the client is off: smtp-server would otherwise ask the
 * system's name server (a packet off loopback) about 127.0.0.1. Closed when the test file ends.
 */
export async function startSmtpRecorder({
  login,
  refuse = [],
  defer = [],
  tls,
}: SmtpRecorderOptions = {}): Promise<SmtpRecorder> {
  const mails: ReceivedMail[] = [];
  const recipients: string[] = [];
  const logins: string[] = [];
  const options: SMTPServerOptions = {
    logger: false,
    disableReverseLookup: true,
    secure: tls?.implicit === true,
    ...(tls === undefined
      ? { disabledCommands: login === undefined ? ['STARTTLS', 'AUTH'] : ['STARTTLS'] }
      : { key: tls.key, cert: tls.cert }),
    ...(login === undefined ? { authOptional: true } : { authOptional: false, allowInsecureAuth: tls === undefined }),
    onAuth(auth, _session, callback) {
      logins.push(`${auth.username ?? ''}:${auth.password ?? ''}`);
      if (login !== undefined && auth.username === login.user && auth.password === login.password)
        callback(null, { user: login.user });
      else callback(Object.assign(new Error('5.7.8 authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      recipients.push(address.address);
      if (refuse.includes(address.address))
        callback(Object.assign(new Error(`5.1.1 <${address.address}>: no such user here`), { responseCode: 550 }));
      else if (defer.includes(address.address))
        callback(Object.assign(new Error('4.3.0 mailbox busy, try again later'), { responseCode: 451 }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const { mailFrom, rcptTo } = session.envelope;
        const user: unknown = session.user;
        mails.push({
          ...parseMimeMessage(raw),
          from: mailFrom === false ? undefined : mailFrom.address,
          to: rcptTo.map((address) => address.address),
          secure: session.secure,
          user: typeof user === 'string' ? user : undefined,
          raw,
        });
        callback();
      });
    },
  };
  const server = new SMTPServer(options);
  const port = await listenOnFreePort(server.server);
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise((resolve) => server.close(() => resolve()));
    return closed;
  };
  onCleanup(close);
  return { port, mails, recipients, logins, close };
}
