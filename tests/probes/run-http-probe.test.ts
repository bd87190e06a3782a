import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runHttpProbe } from '../../src/probes/run-http-probe.js';
import { runProbe } from '../../src/probes/run-probe.js';
import { onCleanup } from '../helpers/cleanup.js';
import { freePort, listenOnFreePort, noIpv6Loopback } from '../helpers/free-port.js';
import { firstLineOf } from '../helpers/network-namespace.js';

const LISTEN = fileURLToPath(new URL('../fixtures/listen.mjs', import.meta.url));

/** Stops a test that hangs instead of letting it block the run; never an assertion on speed. */
const hangGuard = { timeout: 60_000 };

/** Starts the listen.mjs fixture on `host` (SIGKILLed when the test ends) and returns its port. */
async function startListener(kind: 'http' | 'http-hang', host: string, status?: number): Promise<number> {
  const child = spawn(process.execPath, [LISTEN, kind, host, ...(status === undefined ? [] : [String(status)])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  onCleanup(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  });
  return Number(await firstLineOf(child));
}

/** An HTTP server of this test that never answers, so the test can watch what the probe does to its connections. */
async function listenWithoutAnswering(): Promise<{ server: Server; port: number; connections: Socket[] }> {
  const connections: Socket[] = [];
  const server = createServer(() => {});
  server.on('connection', (socket: Socket) => connections.push(socket));
  const port = await listenOnFreePort(server);
  onCleanup(() => {
    server.closeAllConnections();
    server.close();
  });
  return { server, port, connections };
}

const noIpv6 = await noIpv6Loopback();

describe('runHttpProbe', () => {
  it('answers when the status is the expected one', hangGuard, async () => {
    const port = await startListener('http', '127.0.0.1');
    const result = await runProbe({
      type: 'http',
      url: `http://127.0.0.1:${port}/health`,
      expect_status: 200,
      timeout_seconds: 5,
    });
    assert.deepEqual(
      [result.probe, result.answered, result.detail],
      [`http http://127.0.0.1:${port}/health`, true, 'HTTP 200'],
    );
  });

  it('answers when the expected status is an error status', hangGuard, async () => {
    const port = await startListener('http', '127.0.0.1', 503);
    const result = await runHttpProbe({
      type: 'http',
      url: `http://127.0.0.1:${port}/`,
      expect_status: 503,
      timeout_seconds: 5,
    });
    assert.deepEqual(result, { answered: true, detail: 'HTTP 503' });
  });

  it('does not answer on another status, and says which it got', hangGuard, async () => {
    const port = await startListener('http', '127.0.0.1', 503);
    const result = await runHttpProbe({
      type: 'http',
      url: `http://127.0.0.1:${port}/health`,
      expect_status: 200,
      timeout_seconds: 5,
    });
    assert.deepEqual(result, { answered: false, detail: 'HTTP 503, expected 200' });
  });

  it('does not follow a redirect', hangGuard, async () => {
    const port = await startListener('http', '127.0.0.1', 302);
    const result = await runHttpProbe({
      type: 'http',
      url: `http://127.0.0.1:${port}/`,
      expect_status: 200,
      timeout_seconds: 5,
    });
    assert.deepEqual(result, { answered: false, detail: 'HTTP 302, expected 200' });
  });

  it('works over IPv6 loopback', { ...hangGuard, skip: noIpv6 }, async () => {
    const port = await startListener('http', '::1', 204);
    const result = await runProbe({
      type: 'http',
      url: `http://[::1]:${port}/`,
      expect_status: 204,
      timeout_seconds: 5,
    });
    assert.deepEqual([result.probe, result.answered, result.detail], [`http http://[::1]:${port}/`, true, 'HTTP 204']);
  });

  it('times out on a server that accepts the request and never answers', hangGuard, async () => {
    const port = await startListener('http-hang', '127.0.0.1');
    const result = await runHttpProbe({
      type: 'http',
      url: `http://127.0.0.1:${port}/`,
      expect_status: 200,
      timeout_seconds: 0.3,
    });
    assert.deepEqual(result, { answered: false, detail: 'timed out after 0.3s' });
  });

  it('closes the connection it gave up on', hangGuard, async () => {
    const { server, port, connections } = await listenWithoutAnswering();
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    const result = await runHttpProbe({
      type: 'http',
      url: `http://127.0.0.1:${port}/`,
      expect_status: 200,
      timeout_seconds: 0.3,
    });
    assert.equal(result.detail, 'timed out after 0.3s');
    const [connection] = await accepted;
    assert.equal(connections.length, 1);
    // A probe that left it open would hang here until the guard.
    if (!connection.closed) await once(connection, 'close');
  });

  it('closes the connection once it has the status, without waiting for the body', hangGuard, async () => {
    const connections: Socket[] = [];
    const server = createServer((_request, response) => {
      // Headers, then a body that never ends.
      response.writeHead(200);
      response.write('partial');
    });
    server.on('connection', (socket: Socket) => connections.push(socket));
    const port = await listenOnFreePort(server);
    onCleanup(() => {
      server.closeAllConnections();
      server.close();
    });
    const result = await runHttpProbe({
      type: 'http',
      url: `http://127.0.0.1:${port}/`,
      expect_status: 200,
      timeout_seconds: 5,
    });
    assert.deepEqual(result, { answered: true, detail: 'HTTP 200' });
    const [connection] = connections;
    assert.ok(connection !== undefined);
    if (!connection.closed) await once(connection, 'close');
  });

  it('reports a refused connection by its code', hangGuard, async () => {
    const port = await freePort();
    const result = await runHttpProbe({
      type: 'http',
      url: `http://127.0.0.1:${port}/`,
      expect_status: 200,
      timeout_seconds: 5,
    });
    assert.deepEqual(result, { answered: false, detail: 'ECONNREFUSED' });
  });

  it('speaks TLS for https: (a plain HTTP server cannot complete the handshake)', hangGuard, async () => {
    const port = await startListener('http', '127.0.0.1');
    const result = await runHttpProbe({
      type: 'http',
      url: `https://127.0.0.1:${port}/`,
      expect_status: 200,
      timeout_seconds: 5,
    });
    assert.equal(result.answered, false);
    // OpenSSL's "wrong version number", reported by Node as EPROTO.
    assert.equal(result.detail, 'EPROTO');
  });

  const refused: [url: string, detail: string][] = [
    ['ftp://127.0.0.1/health', 'unsupported protocol ftp: (only http: and https:)'],
    ['file:///etc/passwd', 'unsupported protocol file: (only http: and https:)'],
    ['127.0.0.1/health', 'not a URL'],
  ];
  for (const [url, detail] of refused) {
    it(`does not try ${url}`, hangGuard, async () => {
      const result = await runProbe({ type: 'http', url, expect_status: 200, timeout_seconds: 5 });
      // A URL that cannot be parsed is never repeated: a password in it could not be masked.
      const words = URL.canParse(url) ? `http ${url}` : 'http <unparseable URL>';
      assert.deepEqual([result.probe, result.answered, result.detail], [words, false, detail]);
    });
  }
});
