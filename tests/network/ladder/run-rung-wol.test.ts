import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RungConfig } from '../../../src/network/config/network-types.js';
import { runRung, type RungContext } from '../../../src/network/ladder/run-rung.js';
import { fakeNetworkSystem } from '../../helpers/fake-network-system.js';

/** A documentation MAC and a LAN broadcast address: the fake sends nothing. */
const wakeModem: RungConfig = {
  type: 'wol',
  name: 'wake_modem',
  target: { mac: '00:11:22:33:44:55', broadcast: '192.168.1.255', port: 9 },
  settle_seconds: 60,
};

const context: RungContext = {
  interface: 'eth0',
  cwd: '/etc/watchdog',
  budgetMs: 600_000,
  reason: 'no_carrier: no carrier on eth0',
};

describe('runRung: wol', () => {
  it('sends the magic packet for its target, and nothing else', async () => {
    const fake = fakeNetworkSystem();
    const run = await runRung(wakeModem, context, fake);
    assert.deepEqual(fake.wakes, [{ mac: '00:11:22:33:44:55', broadcast: '192.168.1.255', port: 9 }]);
    assert.deepEqual(fake.callNames(), ['wake 00:11:22:33:44:55']);
    assert.deepEqual(run, {
      ok: true,
      detail: 'sent a magic packet for 00:11:22:33:44:55 to 192.168.1.255:9',
      durationMs: 0,
    });
    assert.deepEqual(
      [fake.setLinks, fake.shellCommands, fake.sleeps],
      [[], [], []],
      'no bounce, no command, no wait (the ladder settles afterwards)',
    );
  });

  it('fails the rung when the packet cannot be sent, with why', async () => {
    const fake = fakeNetworkSystem({
      wakeResult: () => ({ ok: false, detail: 'cannot send a magic packet to 192.168.1.255:9: ENETUNREACH' }),
    });
    const run = await runRung(wakeModem, context, fake);
    assert.deepEqual(run, {
      ok: false,
      detail: 'cannot send a magic packet to 192.168.1.255:9: ENETUNREACH',
      durationMs: 0,
    });
  });

  it('measures the time the send took on the clock', async () => {
    const fake = fakeNetworkSystem({
      wakeResult: (target, system) => {
        system.advance(1500);
        return { ok: true, detail: `sent ${target.mac}` };
      },
    });
    assert.equal((await runRung(wakeModem, context, fake)).durationMs, 1500);
  });
});
