import { createSocket, type RemoteInfo } from 'node:dgram';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { onCleanup } from './cleanup.js';

export interface UdpDatagram {
  data: Buffer;
  from: RemoteInfo;
}

export interface UdpListener {
  port: number;
  datagrams: UdpDatagram[];
  /** Waits (a bounded number of polls) until at least `count` datagrams have come. */
  waitFor(count: number): Promise<UdpDatagram[]>;
  close(): Promise<void>;
}

const POLLS = 250;
const POLL_MS = 20;

/** A udp4 socket bound to 127.0.0.1 on a free port, recording what it receives. Closed when the test file ends. */
export async function listenUdp(): Promise<UdpListener> {
  const socket = createSocket('udp4');
  const datagrams: UdpDatagram[] = [];
  socket.on('message', (data, from) => datagrams.push({ data, from }));
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise((resolve) => socket.close(() => resolve()));
    return closed;
  };
  onCleanup(close);
  return {
    port: socket.address().port,
    datagrams,
    async waitFor(count) {
      for (let poll = 0; poll < POLLS && datagrams.length < count; poll += 1) await sleep(POLL_MS);
      return datagrams;
    },
    close,
  };
}
