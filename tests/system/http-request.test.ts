import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { httpRequest } from '../../src/system/http-request.js';
import { startEndlessHttpServer } from '../helpers/endless-http.js';

describe('httpRequest against an answer that never ends (a server on 127.0.0.1)', () => {
  it('reads a few KiB of the body, then ends with the status, long before the timeout', async () => {
    const server = await startEndlessHttpServer();
    for (const method of ['POST', 'GET'] as const) {
      const started = Date.now();
      const outcome = await httpRequest({
        url: new URL(`http://127.0.0.1:${server.port}/hook`),
        method,
        body: method === 'POST' ? '{}' : undefined,
        timeoutMs: 5000,
      });
      const tookMs = Date.now() - started;
      assert.deepEqual(outcome, { kind: 'response', status: 200 });
      assert.ok(tookMs < 1000, `${method} took ${tookMs} ms of its 5 s timeout`);
    }
  });

  it('with headersOnly ends at the headers', async () => {
    const server = await startEndlessHttpServer();
    const started = Date.now();
    const outcome = await httpRequest({
      url: new URL(`http://127.0.0.1:${server.port}/start`),
      method: 'GET',
      timeoutMs: 5000,
      headersOnly: true,
    });
    assert.deepEqual(outcome, { kind: 'response', status: 200 });
    assert.ok(Date.now() - started < 1000);
  });
});
