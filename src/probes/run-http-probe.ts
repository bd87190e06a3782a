import { httpRequest } from '../system/http-request.js';
import { INTERRUPTED_DETAIL, type ProbeResult, type ProbeSpec } from './probe.js';

/**
 * Sends `GET url` and answers when the response status is `expect_status`. The timeout
 * covers the name lookup, the connection, TLS and the response headers; the body is
 * never read. Redirects are not followed (a captive portal answering 302 is not the
 * service), a fresh connection is used and closed, and HTTPS certificates are verified
 * as usual (see `httpRequest`).
 *
 * Never rejects because of the network: a wrong status, an error or a timeout is
 * `answered: false` with `HTTP 503, expected 200`, the error code (`ECONNREFUSED`...) or
 * `timed out after 2s` as the detail; a stop request (`signal`) ends it at once. A URL other than `http:` or `https:` is not tried.
 *
 * @example
 * await runHttpProbe({ type: 'http', url: 'http://10.0.0.1/health', expect_status: 200, timeout_seconds: 2 });
 * // { answered: true, detail: 'HTTP 200' }
 */
export async function runHttpProbe(
  spec: Extract<ProbeSpec, { type: 'http' }>,
  signal?: AbortSignal,
): Promise<Pick<ProbeResult, 'answered' | 'detail'>> {
  if (!URL.canParse(spec.url)) return { answered: false, detail: 'not a URL' };
  const outcome = await httpRequest({
    url: new URL(spec.url),
    method: 'GET',
    timeoutMs: spec.timeout_seconds * 1000,
    headersOnly: true,
    signal,
  });
  if (outcome.kind === 'error')
    return { answered: false, detail: outcome.aborted ? INTERRUPTED_DETAIL : outcome.detail };
  return outcome.status === spec.expect_status
    ? { answered: true, detail: `HTTP ${outcome.status}` }
    : { answered: false, detail: `HTTP ${outcome.status}, expected ${spec.expect_status}` };
}
