import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pingDeadMansSwitch } from '../../src/notify/ping-dead-mans-switch.js';
import type { HttpOutcome } from '../../src/system/http-request.js';
import { fakeRequest } from '../helpers/fake-request.js';
import { recordingLogger } from '../helpers/recording-logger.js';

const UUID = '5f4e3d2c-1b0a-4000-8000-00000000abcd';

describe('pingDeadMansSwitch', () => {
  it('GETs the URL, references filled in, and says whether it got a 2xx', async () => {
    const request = fakeRequest({ kind: 'response', status: 200 });
    const logger = recordingLogger();
    assert.equal(
      await pingDeadMansSwitch({ url: 'https://127.0.0.1/ping/${UUID}', timeout_seconds: 7 }, false, {
        env: { UUID },
        logger,
        request,
      }),
      true,
    );
    assert.equal(request.calls.length, 1);
    assert.deepEqual(
      [request.calls[0]?.url.href, request.calls[0]?.method, request.calls[0]?.timeoutMs, request.calls[0]?.body],
      [`https://127.0.0.1/ping/${UUID}`, 'GET', 7000, undefined],
    );
    assert.deepEqual(logger.lines, ['debug ping_url: HTTP 200']);
  });

  it('appends /fail after a tick with a failure, a trailing slash or not, the query kept', async () => {
    for (const [url, expected] of [
      ['https://127.0.0.1/ping/abc', 'https://127.0.0.1/ping/abc/fail'],
      ['https://127.0.0.1/ping/abc/', 'https://127.0.0.1/ping/abc/fail'],
      ['https://127.0.0.1/ping/abc?rid=1', 'https://127.0.0.1/ping/abc/fail?rid=1'],
      ['https://127.0.0.1', 'https://127.0.0.1/fail'],
    ] as const) {
      const request = fakeRequest({ kind: 'response', status: 200 });
      await pingDeadMansSwitch({ url, timeout_seconds: 10 }, true, { env: {}, logger: recordingLogger(), request });
      assert.equal(request.calls[0]?.url.href, expected, url);
    }
  });

  it('does not ping while a referenced variable is not set, and says which', async () => {
    const request = fakeRequest({ kind: 'response', status: 200 });
    const logger = recordingLogger();
    assert.equal(
      await pingDeadMansSwitch({ url: 'https://127.0.0.1/${UUID}', timeout_seconds: 10 }, false, {
        env: {},
        logger,
        request,
      }),
      false,
    );
    assert.deepEqual(request.calls, []);
    assert.deepEqual(logger.lines, ['warn ping_url: not sent: environment variable UUID not set']);
  });

  it('logs a ping the service did not take, never the URL or its secret', async () => {
    for (const outcome of [
      { kind: 'response', status: 404 },
      { kind: 'error', detail: 'ECONNREFUSED' },
    ] as HttpOutcome[]) {
      const logger = recordingLogger();
      assert.equal(
        await pingDeadMansSwitch({ url: 'https://127.0.0.1/${UUID}', timeout_seconds: 10 }, true, {
          env: { UUID },
          logger,
          request: fakeRequest(outcome),
        }),
        false,
      );
      assert.equal(logger.lines.length, 1);
      assert.match(
        logger.lines[0] ?? '',
        /^warn ping_url \(\/fail\): the monitoring service did not take it: (HTTP 404|ECONNREFUSED)$/,
      );
      assert.ok(!logger.lines.join('\n').includes(UUID), 'the secret is not logged');
    }
  });
});
