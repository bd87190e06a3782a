import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';

/**
 * Starts `server` (a net, HTTP or SMTP server's socket server) on a port the kernel picks
 * on `host`, a loopback address (nothing a test sends may leave loopback), and returns
 * that port once it listens.
 *
 * @example const port = await listenOnFreePort(createServer(handler));
 */
export async function listenOnFreePort(server: Server, host = '127.0.0.1'): Promise<number> {
  server.listen(0, host);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/**
 * A TCP port on `host` that nothing listens on now: one the kernel gave a listener, which
 * is then closed. Connections to it are refused until a test listens on it.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  const port = await listenOnFreePort(server, host);
  server.close();
  await once(server, 'close');
  return port;
}

/** The reason to skip a test that needs IPv6 loopback on a machine without `::1`, or false where it has it. */
export async function noIpv6Loopback(): Promise<false | string> {
  const server = createServer();
  try {
    await listenOnFreePort(server, '::1');
    server.close();
    return false;
  } catch {
    return 'no ::1 on this machine';
  }
}
