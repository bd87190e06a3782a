import { createSocket } from 'node:dgram';
import type { WakeOnLanTarget } from './wake-on-lan-target.js';
import { describeError } from '../errors.js';
import { magicPacket } from './magic-packet.js';

/** How sending a magic packet went: UDP says nothing of whether the machine woke. */
export type SendMagicPacketResult = { ok: true; detail: string } | { ok: false; detail: string };

/** A send that has not completed by then has failed (no route, an interface that is down). */
const SEND_TIMEOUT_MS = 5000;

/** Sends the magic packet for `target.mac` to `target.broadcast`:`target.port` over UDP, broadcast allowed. Never rejects. */
export function sendMagicPacket(target: WakeOnLanTarget): Promise<SendMagicPacketResult> {
  const where = `${target.broadcast}:${target.port}`;
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    let settled = false;
    const finish = (result: SendMagicPacketResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ ok: false, detail: `sending to ${where} did not complete within ${SEND_TIMEOUT_MS / 1000}s` }),
      SEND_TIMEOUT_MS,
    );
    socket.on('error', (error) =>
      finish({ ok: false, detail: `cannot send a magic packet to ${where}: ${describeError(error)}` }),
    );
    socket.bind(() => {
      try {
        socket.setBroadcast(true);
      } catch (error) {
        finish({ ok: false, detail: `cannot allow broadcast: ${describeError(error)}` });
        return;
      }
      socket.send(magicPacket(target.mac), target.port, target.broadcast, (error) => {
        if (error === null || error === undefined)
          finish({ ok: true, detail: `sent a magic packet for ${target.mac} to ${where}` });
        else finish({ ok: false, detail: `cannot send a magic packet to ${where}: ${describeError(error)}` });
      });
    });
  });
}
