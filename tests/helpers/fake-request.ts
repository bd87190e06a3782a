import type { HttpOutcome, HttpRequest } from '../../src/system/http-request.js';

/** A stand-in for `httpRequest` that also keeps every request it was asked to send. */
export type FakeRequest = ((options: HttpRequest) => Promise<HttpOutcome>) & { calls: HttpRequest[] };

/**
 * A request function that records what it was asked, in `calls`, and answers `outcome`
 * every time; it sends nothing, so a test of a webhook or a ping never leaves the process.
 *
 * @example
 * const request = fakeRequest({ kind: 'response', status: 204 });
 * await sendWebhook(channel, body, scope, 7000, request);
 * assert.equal(request.calls[0]?.method, 'POST');
 */
export function fakeRequest(outcome: HttpOutcome): FakeRequest {
  const calls: HttpRequest[] = [];
  return Object.assign(
    async (options: HttpRequest) => {
      calls.push(options);
      return outcome;
    },
    { calls },
  );
}
