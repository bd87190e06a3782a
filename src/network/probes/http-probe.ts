import { get as getHttp, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { get as getHttps } from 'node:https';
import { describeError, systemErrorCode } from '../../errors.js';
import { formatSeconds } from '../../time/format-duration.js';
import type { ProbeResult, ProbeSpec } from '../probe.js';

type Get = (url: URL, options: RequestOptions, callback: (response: IncomingMessage) => void) => ClientRequest;

const CLIENTS: Readonly<Record<string, Get>> = { 'http:': getHttp, 'https:': getHttps };

/**
 * Sends `GET url` and answers when the response status is `expect_status`. The timeout
 * covers the name lookup, the connection, TLS and the response headers; the body is
 * never read. Redirects are not followed (a captive portal answering 302 is not the
 * service), a fresh connection is used and closed (`agent: false`), and HTTPS
 * certificates are verified as usual.
 *
 * Never rejects because of the network: a wrong status, an error or a timeout is
 * `answered: false` with `HTTP 503, expected 200`, the error code (`ECONNREFUSED`...) or
 * `timed out after 2s` as the detail. A URL other than `http:` or `https:` is not tried.
 *
 * @example
 * await runHttpProbe({ type: 'http', url: 'http://10.0.0.1/health', expect_status: 200, timeout_seconds: 2 });
 * // { answered: true, detail: 'HTTP 200' }
 */
export function runHttpProbe(spec: Extract<ProbeSpec, { type: 'http' }>): Promise<Pick<ProbeResult, 'answered' | 'detail'>> {
  if (!URL.canParse(spec.url)) return Promise.resolve({ answered: false, detail: 'not a URL' });
  const url = new URL(spec.url);
  const get = CLIENTS[url.protocol];
  if (get === undefined) return Promise.resolve({ answered: false, detail: `unsupported protocol ${url.protocol} (only http: and https:)` });

  return new Promise((resolve) => {
    const request = get(url, { agent: false }, (response) => {
      // The status is all we wanted: drop the body and the connection (destroying it without an error emits none).
      response.destroy();
      const status = response.statusCode ?? 0;
      finish(
        status === spec.expect_status
          ? { answered: true, detail: `HTTP ${status}` }
          : { answered: false, detail: `HTTP ${status}, expected ${spec.expect_status}` },
      );
    });
    const finish = (outcome: Pick<ProbeResult, 'answered' | 'detail'>): void => {
      clearTimeout(timer);
      request.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ answered: false, detail: `timed out after ${formatSeconds(spec.timeout_seconds)}` }), spec.timeout_seconds * 1000);
    // `on`, not `once`: destroying the request may emit another error, which must not go unhandled.
    request.on('error', (error) => finish({ answered: false, detail: systemErrorCode(error) ?? describeError(error) }));
  });
}
