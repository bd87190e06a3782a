// The real sender of magic packets, and the ladder's `wol` rung using it, against a UDP
// socket the test bound on 127.0.0.1. Only loopback: never 255.255.255.255 or a LAN address.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RungConfig } from '../../src/network/config/network-types.js';
import { runRung } from '../../src/network/ladder/run-rung.js';
import { sendMagicPacket } from '../../src/wake/send-magic-packet.js';
import { fakeNetworkSystem } from '../helpers/fake-network-system.js';
import { freePort } from '../helpers/free-port.js';
import { listenUdp } from '../helpers/udp-listener.js';

const MAC_BYTES = Buffer.from([0x00, 0x11, 0x22, 0x33, 0x44, 0x55]);
const EXPECTED_PACKET = Buffer.concat([Buffer.alloc(6, 0xff), ...Array.from({ length: 16 }, () => MAC_BYTES)]);

describe('sendMagicPacket (a UDP socket on 127.0.0.1)', () => {
  it('sends the 102-byte packet to the target address and port', async () => {
    const box = await listenUdp();
    const sent = await sendMagicPacket({ mac: '00:11:22:33:44:55', broadcast: '127.0.0.1', port: box.port });
    assert.deepEqual(sent, { ok: true, detail: `sent a magic packet for 00:11:22:33:44:55 to 127.0.0.1:${box.port}` });
    const datagrams = await box.waitFor(1);
    assert.deepEqual(
      datagrams.map((datagram) => datagram.data),
      [EXPECTED_PACKET],
    );
  });

  it('says it sent to a loopback port nobody listens on: UDP cannot tell whether anything woke', async () => {
    // A TCP port free now; UDP to it may be answered by ICMP "port unreachable", which an unconnected socket never sees.
    const port = await freePort();
    const sent = await sendMagicPacket({ mac: '00:11:22:33:44:55', broadcast: '127.0.0.1', port });
    assert.equal(sent.ok, true, sent.detail);
  });
});

describe('runRung: a wol rung with the real sender', () => {
  it('sends the magic packet of the rung’s target and reports the rung ok', async () => {
    const box = await listenUdp();
    const rung: RungConfig = {
      type: 'wol',
      name: 'wake-modem',
      target: { mac: '00:11:22:33:44:55', broadcast: '127.0.0.1', port: box.port },
      settle_seconds: 30,
    };
    const system = fakeNetworkSystem();
    system.sendMagicPacket = sendMagicPacket;

    const run = await runRung(
      rung,
      { interface: 'eth0', cwd: '/', budgetMs: 60_000, reason: 'no_carrier: no carrier on eth0' },
      system,
    );

    assert.equal(run.ok, true, run.detail);
    assert.equal(run.detail, `sent a magic packet for 00:11:22:33:44:55 to 127.0.0.1:${box.port}`);
    const datagrams = await box.waitFor(1);
    assert.deepEqual(
      datagrams.map((datagram) => [datagram.data, datagram.from.address]),
      [[EXPECTED_PACKET, '127.0.0.1']],
    );
    assert.deepEqual(system.wakes, [], 'the real sender ran, not the fake’s');
    assert.deepEqual(system.setLinks, [], 'no link was touched');
  });
});
