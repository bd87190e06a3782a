import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onCleanup } from './cleanup.js';

/** One request as the server received it. */
export interface ReceivedRequest {
  method: string;
  /** The path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body's bytes, as they came. */
  raw: Buffer;
}

/** An HTTP server on 127.0.0.1 that records what it is sent. */
export interface HttpRecorder {
  port: number;
  /** In the order they arrived (each once its body was read). */
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

export interface HttpRecorderOptions {
  /** Default 0: a free port. */
  port?: number;
  /** The status of every answer (default 200). */
  status?: number;
}

/**
 * Starts an HTTP server on 127.0.0.1 (never another address: nothing a test sends may
 * leave loopback) that records every request and answers `status`. Closed when the test
 * file ends, if the test has not closed it.
 */
export async function startHttpRecorder({ port = 0, status = 200 }: HttpRecorderOptions = {}): Promise<HttpRecorder> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        raw: Buffer.concat(chunks),
      });
      response.writeHead(status, { 'content-type': 'text/plain' }).end('recorded\n');
    });
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closed;
  };
  onCleanup(close);
  return { port: (server.address() as AddressInfo).port, requests, close };
}
