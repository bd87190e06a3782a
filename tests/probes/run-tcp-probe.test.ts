import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runProbe } from '../../src/probes/run-probe.js';
import { runTcpProbe } from '../../src/probes/run-tcp-probe.js';
import { onCleanup } from '../helpers/cleanup.js';
import { freePort, listenOnFreePort, noIpv6Loopback } from '../helpers/free-port.js';
import { createNetworkPair, firstLineOf, spawnInNamespace } from '../helpers/network-namespace.js';
import { probeFromDevice, unusedAddress } from '../helpers/probe-from-device.js';

const LISTEN = fileURLToPath(new URL('../fixtures/listen.mjs', import.meta.url));

/** Stops a test that hangs instead of letting it block the run; never an assertion on speed. */
const hangGuard = { timeout: 60_000 };

/** A server of this test on `host`, port chosen by the system, closed when the test ends. */
async function listenOn(host: string): Promise<{ server: Server; port: number; connections: Socket[] }> {
  const connections: Socket[] = [];
  const server = createServer((socket) => {
    connections.push(socket);
    socket.on('error', () => {});
  });
  const port = await listenOnFreePort(server, host);
  onCleanup(() => {
    for (const socket of connections) socket.destroy();
    server.close();
  });
  return { server, port, connections };
}

const noIpv6 = await noIpv6Loopback();

describe('runTcpProbe on loopback', () => {
  it('answers when the connection is established, then closes it without sending anything', hangGuard, async () => {
    const { server, port, connections } = await listenOn('127.0.0.1');
    const accepted = once(server, 'connection');
    const result = await runTcpProbe({ type: 'tcp', host: '127.0.0.1', port, timeout_seconds: 5 });
    assert.deepEqual(result, { answered: true, detail: 'connected' });
    // The server's accept and the probe's connect are separate events; either may come first.
    await accepted;
    assert.equal(connections.length, 1);
    const [connection] = connections;
    assert.ok(connection !== undefined);
    const received: Buffer[] = [];
    connection.on('data', (chunk: Buffer) => received.push(chunk));
    // Waits for the probe's side to close; a probe that left it open would hang here until the guard.
    if (!connection.closed) await once(connection, 'close');
    assert.equal(Buffer.concat(received).length, 0);
  });

  it('connects over IPv6 loopback', { ...hangGuard, skip: noIpv6 }, async () => {
    const { port } = await listenOn('::1');
    const result = await runProbe({ type: 'tcp', host: '::1', port, timeout_seconds: 5 });
    assert.equal(result.probe, `tcp [::1]:${port}`);
    assert.deepEqual([result.answered, result.detail], [true, 'connected']);
  });

  it('looks up localhost', hangGuard, async () => {
    const { port } = await listenOn('127.0.0.1');
    const result = await runTcpProbe({ type: 'tcp', host: 'localhost', port, timeout_seconds: 5 });
    assert.deepEqual(result, { answered: true, detail: 'connected' });
  });

  it('reports a refused connection by its code', hangGuard, async () => {
    const port = await freePort('127.0.0.1');
    const result = await runTcpProbe({ type: 'tcp', host: '127.0.0.1', port, timeout_seconds: 5 });
    assert.deepEqual(result, { answered: false, detail: 'ECONNREFUSED' });
  });

  it('reports a refused connection over IPv6 loopback', { ...hangGuard, skip: noIpv6 }, async () => {
    const port = await freePort('::1');
    const result = await runTcpProbe({ type: 'tcp', host: '::1', port, timeout_seconds: 5 });
    assert.deepEqual(result, { answered: false, detail: 'ECONNREFUSED' });
  });

  it('turns a port Node refuses into an unanswered probe through runProbe', hangGuard, async () => {
    const result = await runProbe({ type: 'tcp', host: '127.0.0.1', port: 70_000, timeout_seconds: 5 });
    assert.equal(result.answered, false);
    assert.match(result.detail, /Port should be >= 0 and < 65536/);
  });
});

describe('runTcpProbe between network namespaces', () => {
  it('connects to a server in the peer namespace', hangGuard, async () => {
    const pair = createNetworkPair();
    const server = spawnInNamespace(pair, pair.peer, [process.execPath, LISTEN, 'tcp', pair.peerAddress]);
    const port = Number(await firstLineOf(server));
    const result = await probeFromDevice(pair, { type: 'tcp', host: pair.peerAddress, port, timeout_seconds: 5 });
    assert.deepEqual(
      [result.probe, result.answered, result.detail],
      [`tcp ${pair.peerAddress}:${port}`, true, 'connected'],
    );
  });

  it('times out on an address nobody holds, well before the kernel gives up on it', hangGuard, async () => {
    const pair = createNetworkPair();
    // A fresh pair has never resolved this address, so the kernel keeps asking for ~3 s (3 ARP requests, 1 s apart).
    const host = unusedAddress(pair, 9);
    const result = await probeFromDevice(pair, { type: 'tcp', host, port: 53, timeout_seconds: 0.3 });
    assert.deepEqual([result.probe, result.answered, result.detail], [`tcp ${host}:53`, false, 'timed out after 0.3s']);
  });

  it(
    'reports EHOSTUNREACH when the peer went down and the timeout outlasts the address resolution',
    hangGuard,
    async () => {
      const pair = createNetworkPair();
      const server = spawnInNamespace(pair, pair.peer, [process.execPath, LISTEN, 'tcp', pair.peerAddress]);
      const port = Number(await firstLineOf(server));
      pair.ip(pair.peer, 'link', 'set', 'dev', pair.peerInterface, 'down');
      const result = await probeFromDevice(pair, { type: 'tcp', host: pair.peerAddress, port, timeout_seconds: 30 });
      assert.deepEqual([result.answered, result.detail], [false, 'EHOSTUNREACH']);
    },
  );
});
