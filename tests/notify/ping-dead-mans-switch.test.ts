import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PingConfig } from '../../src/notify/config/notify-types.js';
import { normalizePing } from '../../src/notify/config/normalize-notify.js';
import { pingDeadMansSwitch } from '../../src/notify/ping-dead-mans-switch.js';
import type { HttpOutcome } from '../../src/system/http-request.js';
import { startEndlessHttpServer } from '../helpers/endless-http.js';
import { fakeRequest } from '../helpers/fake-request.js';
import { recordingLogger } from '../helpers/recording-logger.js';

const UUID = '5f4e3d2c-1b0a-4000-8000-00000000abcd';

/** The dead man's switch of `ping_url` (success the URL, failure its /fail, no start). */
function pingUrl(url: string, timeout = 10): PingConfig {
  const ping = normalizePing({ ping_url: url, ping_timeout_seconds: timeout });
  assert.ok(ping !== undefined);
  return ping;
}

describe('pingDeadMansSwitch', () => {
  it('GETs the URL, references filled in, and says whether it got a 2xx', async () => {
    const request = fakeRequest({ kind: 'response', status: 200 });
    const logger = recordingLogger();
    assert.equal(
      await pingDeadMansSwitch(pingUrl('https://127.0.0.1/ping/${UUID}', 7), 'success', {
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
      await pingDeadMansSwitch(pingUrl(url), 'failure', { env: {}, logger: recordingLogger(), request });
      assert.equal(request.calls[0]?.url.href, expected, url);
    }
  });

  it('pings nothing at the start of a tick with ping_url', async () => {
    const request = fakeRequest({ kind: 'response', status: 200 });
    const logger = recordingLogger();
    assert.equal(
      await pingDeadMansSwitch(pingUrl('https://127.0.0.1/x'), 'start', { env: {}, logger, request }),
      undefined,
    );
    assert.deepEqual([request.calls, logger.lines], [[], []]);
  });

  it('GETs ping’s own URL for each moment as written, the query kept, nothing appended', async () => {
    const ping = normalizePing({
      ping: {
        start_url: 'https://127.0.0.1/api/push/${TOKEN}?status=up&msg=started',
        success_url: 'https://127.0.0.1/p/key/job?state=complete',
        failure_url: 'https://127.0.0.1/p/key/job?state=fail&message=see%20the%20log',
        timeout_seconds: 4,
      },
    });
    assert.ok(ping !== undefined);
    const logger = recordingLogger();
    const seen: string[] = [];
    for (const moment of ['start', 'success', 'failure'] as const) {
      const request = fakeRequest({ kind: 'response', status: 200 });
      assert.equal(await pingDeadMansSwitch(ping, moment, { env: { TOKEN: 't/k#1' }, logger, request }), true);
      seen.push(`${request.calls[0]?.url.href} ${request.calls[0]?.timeoutMs}`);
    }
    assert.deepEqual(seen, [
      'https://127.0.0.1/api/push/t%2Fk%231?status=up&msg=started 4000',
      'https://127.0.0.1/p/key/job?state=complete 4000',
      'https://127.0.0.1/p/key/job?state=fail&message=see%20the%20log 4000',
    ]);
    assert.deepEqual(logger.lines, [
      'debug ping.start_url: HTTP 200',
      'debug ping.success_url: HTTP 200',
      'debug ping.failure_url: HTTP 200',
    ]);
  });

  it('does not ping while a referenced variable is not set, and says which', async () => {
    const request = fakeRequest({ kind: 'response', status: 200 });
    const logger = recordingLogger();
    assert.equal(
      await pingDeadMansSwitch(pingUrl('https://127.0.0.1/${UUID}'), 'success', {
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
        await pingDeadMansSwitch(pingUrl('https://127.0.0.1/${UUID}'), 'failure', {
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

  it('asks for the status only: an answer that streams without end does not hold the process', async () => {
    const request = fakeRequest({ kind: 'response', status: 200 });
    await pingDeadMansSwitch(pingUrl('http://127.0.0.1:9/ping'), 'success', {
      env: {},
      logger: recordingLogger(),
      request,
    });
    assert.equal(request.calls[0]?.headersOnly, true);
    const server = await startEndlessHttpServer();
    const started = Date.now();
    const logger = recordingLogger();
    assert.equal(
      await pingDeadMansSwitch(pingUrl(`http://127.0.0.1:${server.port}/ping`, 5), 'success', { env: {}, logger }),
      true,
      logger.lines.join('\n'),
    );
    const tookMs = Date.now() - started;
    assert.ok(tookMs < 1000, `the ping took ${tookMs} ms of its 5 s timeout`);
  });
});
