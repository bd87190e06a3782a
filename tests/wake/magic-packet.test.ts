import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { macBytes, magicPacket } from '../../src/wake/magic-packet.js';

describe('magicPacket', () => {
  it('is 102 bytes: six 0xFF, then the MAC address sixteen times', () => {
    const packet = magicPacket('00:11:22:aa:bb:CC');
    assert.equal(packet.length, 102);
    assert.deepEqual([...packet.subarray(0, 6)], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    const mac = [0x00, 0x11, 0x22, 0xaa, 0xbb, 0xcc];
    for (let copy = 0; copy < 16; copy += 1) {
      assert.deepEqual([...packet.subarray(6 + copy * 6, 12 + copy * 6)], mac, `copy ${copy} of the MAC address`);
    }
  });

  it('gives the same packet for a MAC address written with "-", in either case', () => {
    assert.deepEqual(magicPacket('00-11-22-AA-BB-CC'), magicPacket('00:11:22:aa:bb:cc'));
  });

  it('throws a RangeError for what is not a MAC address, naming it', () => {
    for (const mac of [
      '',
      '00:11:22:33:44',
      '00:11:22:33:44:55:66',
      '00:11:22:33:44:5g',
      '001122334455',
      '00.11.22.33.44.55',
      ' 00:11:22:33:44:55',
      '0:11:22:33:44:55',
    ]) {
      assert.throws(
        () => magicPacket(mac),
        (error: unknown) => error instanceof RangeError && error.message === `not a MAC address: "${mac}"`,
        mac,
      );
    }
  });
});

describe('macBytes', () => {
  it('gives the six bytes of the address', () => {
    assert.deepEqual([...macBytes('de:ad:be:ef:00:01')], [0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]);
    assert.deepEqual([...macBytes('FF-FF-FF-FF-FF-FF')], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  });
});
