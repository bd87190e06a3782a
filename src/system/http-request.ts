import { request as requestHttp, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as requestHttps } from 'node:https';
import { describeError, systemErrorCode } from '../errors.js';
import { formatSeconds } from '../time/format-duration.js';

type Request = (url: URL, options: RequestOptions, callback: (response: IncomingMessage) => void) => ClientRequest;

const CLIENTS: Readonly<Record<string, Request>> = { 'http:': requestHttp, 'https:': requestHttps };

export interface HttpRequest {
  url: URL;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Sent as it is; a string as UTF-8. */
  body?: string | Buffer;
  timeoutMs: number;
  /** Done at the response's status line and headers: the body is dropped unread (a probe wants the status only). */
  headersOnly?: boolean;
  /** When it aborts (the watchdog is asked to stop), the request is dropped at once: an error, `aborted`. */
  signal?: AbortSignal | undefined;
}

/** How a request went: the status it got, or why it got none. */
export type HttpOutcome =
  | { kind: 'response'; status: number }
  /** `aborted`: dropped because `signal` aborted. */
  | { kind: 'error'; detail: string; aborted?: true };

/**
 * How much of response headers is read: 64 KiB, not Node's 16 KiB, past which a healthy
 * service with many cookies or a long CSP header would fail (HPE_HEADER_OVERFLOW). Still a
 * bound: a hostile server cannot make the watchdog hold more.
 */
const MAX_HEADER_BYTES = 64 * 1024;

/**
 * How much of a response's body is read before the request is done: 8 KiB, more than an
 * error page's first lines. A body that streams without end (or only slowly, to the
 * timeout) must not keep the watchdog reading.
 */
const MAX_BODY_BYTES = 8 * 1024;

const ABORTED: HttpOutcome = { kind: 'error', detail: 'aborted: the watchdog was asked to stop', aborted: true };

/**
 * One HTTP(S) request on a fresh connection (`agent: false`), redirects not followed,
 * certificates verified as usual. The timeout covers everything: the name lookup, the
 * connection, TLS, sending and the whole response (whose body is read and dropped, up to
 * {@link MAX_BODY_BYTES}), or only up to its headers with `headersOnly`.
 * Never rejects: a failure is `error` with the error code (`ECONNREFUSED`...) or
 * `timed out after 5s`; the URL is never part of it (it may hold a secret).
 */
export function httpRequest({
  url,
  method,
  headers = {},
  body,
  timeoutMs,
  headersOnly = false,
  signal,
}: HttpRequest): Promise<HttpOutcome> {
  if (signal?.aborted === true) return Promise.resolve(ABORTED);
  const send = CLIENTS[url.protocol];
  if (send === undefined)
    return Promise.resolve({ kind: 'error', detail: `unsupported protocol ${url.protocol} (only http: and https:)` });
  const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
  return new Promise((resolve) => {
    const request = send(
      url,
      { method, agent: false, maxHeaderSize: MAX_HEADER_BYTES, headers: { ...headers, ...length } },
      (response) => {
        if (headersOnly) {
          // Destroying it without an error emits none.
          response.destroy();
          finish({ kind: 'response', status: response.statusCode ?? 0 });
          return;
        }
        // Read to the end, so the status stands for a whole answer, or up to MAX_BODY_BYTES of
        // it; the body itself is not wanted.
        const answered = (): void => finish({ kind: 'response', status: response.statusCode ?? 0 });
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read >= MAX_BODY_BYTES) answered();
        });
        response.on('end', answered);
        response.on('error', (error) =>
          finish({ kind: 'error', detail: systemErrorCode(error) ?? describeError(error) }),
        );
      },
    );
    const finish = (outcome: HttpOutcome): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      request.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () => finish({ kind: 'error', detail: `timed out after ${formatSeconds(timeoutMs / 1000)}` }),
      timeoutMs,
    );
    const onAbort = (): void => finish(ABORTED);
    signal?.addEventListener('abort', onAbort, { once: true });
    // `on`, not `once`: destroying the request may emit another error, which must not go unhandled.
    request.on('error', (error) => finish({ kind: 'error', detail: systemErrorCode(error) ?? describeError(error) }));
    request.end(body);
  });
}
