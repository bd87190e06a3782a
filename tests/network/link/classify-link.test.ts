import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  classifyLink,
  isLinkFailure,
  needsAliveProbes,
  type ClassifyLinkOptions,
  type LinkState,
} from '../../../src/network/link/classify-link.js';
import type { ProbeSetResult } from '../../../src/probes/probe.js';
import type { CarrierReading, LinkReading } from '../../../src/network/link/read-link.js';

function reading(carrier: CarrierReading, ipv4: string[] = [], carrierError?: string): LinkReading {
  return carrierError === undefined
    ? { interface: 'eth0', carrier, ipv4 }
    : { interface: 'eth0', carrier, carrierError, ipv4 };
}

const ANSWERED: ProbeSetResult = {
  mode: 'any',
  answered: true,
  results: [{ probe: 'icmp 127.0.0.1', answered: true, detail: 'reply', durationMs: 1 }],
  summary: 'any of 1 answered: icmp 127.0.0.1 reply',
};

const NOT_ANSWERED: ProbeSetResult = {
  mode: 'all',
  answered: false,
  results: [{ probe: 'icmp 127.0.0.1', answered: false, detail: 'no reply (ping exited 1)', durationMs: 1 }],
  summary: 'none of 1 answered: icmp 127.0.0.1 no reply (ping exited 1)',
};

const ADDRESS = ['192.168.7.2'];

interface Case {
  reading: LinkReading;
  options: ClassifyLinkOptions;
  state: LinkState;
}

const BOOLS = [true, false] as const;

/** Every carrier reading × requireIpv4 × seenBefore, with and without an address, no alive probes. */
const cases: Case[] = BOOLS.flatMap((requireIpv4) =>
  BOOLS.flatMap((seenBefore) => {
    const options = { requireIpv4, seenBefore };
    return [
      { reading: reading('missing'), options, state: seenBefore ? 'missing' : 'check_error' },
      { reading: reading('unreadable', [], 'EACCES: permission denied'), options, state: 'check_error' },
      { reading: reading('admin_down'), options, state: 'admin_down' },
      { reading: reading('down'), options, state: 'no_carrier' },
      { reading: reading('up', ADDRESS), options, state: 'up' },
      { reading: reading('up', []), options, state: requireIpv4 ? 'no_ipv4' : 'up' },
    ] satisfies Case[];
  }),
);

describe('classifyLink: every carrier reading × requireIpv4 × seenBefore', () => {
  for (const { reading: given, options, state } of cases) {
    it(`${given.carrier}${given.ipv4.length > 0 ? ' with an address' : ''}, requireIpv4 ${options.requireIpv4}, seenBefore ${options.seenBefore} → ${state}`, () => {
      const verdict = classifyLink(given, options);
      assert.equal(verdict.state, state);
      assert.deepEqual(verdict.ipv4, given.ipv4);
      assert.equal(verdict.alive, undefined);
      assert.match(verdict.reason, /\beth0\b/);
    });
  }
});

describe('classifyLink: the alive probes', () => {
  const aliveCases: {
    name: string;
    reading: LinkReading;
    requireIpv4: boolean;
    alive: ProbeSetResult;
    state: LinkState;
  }[] = [
    {
      name: 'up with an address, probes answer',
      reading: reading('up', ADDRESS),
      requireIpv4: true,
      alive: ANSWERED,
      state: 'up',
    },
    {
      name: 'up with an address, probes fail',
      reading: reading('up', ADDRESS),
      requireIpv4: true,
      alive: NOT_ANSWERED,
      state: 'unreachable',
    },
    {
      name: 'up without an address (not required), probes answer',
      reading: reading('up'),
      requireIpv4: false,
      alive: ANSWERED,
      state: 'up',
    },
    {
      name: 'up without an address (not required), probes fail',
      reading: reading('up'),
      requireIpv4: false,
      alive: NOT_ANSWERED,
      state: 'unreachable',
    },
    // A result that should not have been asked for never hides the carrier's or the address's verdict.
    {
      name: 'up without a required address, probes answer',
      reading: reading('up'),
      requireIpv4: true,
      alive: ANSWERED,
      state: 'no_ipv4',
    },
    {
      name: 'no carrier, probes answer',
      reading: reading('down'),
      requireIpv4: false,
      alive: ANSWERED,
      state: 'no_carrier',
    },
    {
      name: 'set down, probes answer',
      reading: reading('admin_down'),
      requireIpv4: false,
      alive: ANSWERED,
      state: 'admin_down',
    },
    {
      name: 'missing (seen before), probes answer',
      reading: reading('missing'),
      requireIpv4: false,
      alive: ANSWERED,
      state: 'missing',
    },
  ];
  for (const { name, reading: given, requireIpv4, alive, state } of aliveCases) {
    it(`${name} → ${state}`, () => {
      assert.equal(classifyLink(given, { requireIpv4, seenBefore: true, alive }).state, state);
    });
  }

  it('keeps the probe result and quotes it in the reason', () => {
    const failed = classifyLink(reading('up', ADDRESS), { requireIpv4: true, seenBefore: true, alive: NOT_ANSWERED });
    assert.deepEqual(failed, {
      state: 'unreachable',
      reason:
        'eth0 up, 192.168.7.2, but the alive probes failed: none of 1 answered: icmp 127.0.0.1 no reply (ping exited 1)',
      ipv4: ADDRESS,
      alive: NOT_ANSWERED,
    });
    const answered = classifyLink(reading('up', ADDRESS), { requireIpv4: true, seenBefore: true, alive: ANSWERED });
    assert.deepEqual(answered, {
      state: 'up',
      reason: 'eth0 up, 192.168.7.2; any of 1 answered: icmp 127.0.0.1 reply',
      ipv4: ADDRESS,
      alive: ANSWERED,
    });
  });
});

describe('classifyLink: reasons', () => {
  it('tells a vanished interface from one that never existed', () => {
    assert.match(classifyLink(reading('missing'), { requireIpv4: true, seenBefore: true }).reason, /is gone/);
    assert.match(classifyLink(reading('missing'), { requireIpv4: true, seenBefore: false }).reason, /never seen.*typo/);
  });

  it('quotes why the carrier is unreadable', () => {
    const verdict = classifyLink(reading('unreadable', [], 'EACCES: permission denied'), {
      requireIpv4: true,
      seenBefore: true,
    });
    assert.equal(verdict.reason, 'cannot read the carrier of eth0: EACCES: permission denied');
  });

  it('lists every address of a healthy link', () => {
    const verdict = classifyLink(reading('up', ['10.0.0.2', '10.0.1.2']), { requireIpv4: true, seenBefore: true });
    assert.deepEqual(verdict, { state: 'up', reason: 'eth0 up, 10.0.0.2, 10.0.1.2', ipv4: ['10.0.0.2', '10.0.1.2'] });
  });

  it('says what is missing when there is no address', () => {
    assert.match(classifyLink(reading('up'), { requireIpv4: true, seenBefore: true }).reason, /no IPv4 address/);
  });
});

describe('isLinkFailure', () => {
  const table: [LinkState, boolean][] = [
    ['up', false],
    ['check_error', false],
    ['no_carrier', true],
    ['admin_down', true],
    ['missing', true],
    ['no_ipv4', true],
    ['unreachable', true],
  ];
  for (const [state, failure] of table) {
    it(`${state} → ${failure}`, () => assert.equal(isLinkFailure(state), failure));
  }
});

describe('needsAliveProbes', () => {
  const carriers: CarrierReading[] = ['up', 'down', 'admin_down', 'missing', 'unreadable'];
  /** The only readings worth probing: carrier up, and an address unless none is required. */
  const needed = new Set([
    'up, requireIpv4 true, an address',
    'up, requireIpv4 false, an address',
    'up, requireIpv4 false, no address',
  ]);
  for (const carrier of carriers) {
    for (const requireIpv4 of BOOLS) {
      for (const ipv4 of [ADDRESS, []]) {
        const name = `${carrier}, requireIpv4 ${requireIpv4}, ${ipv4.length > 0 ? 'an address' : 'no address'}`;
        const expected = needed.has(name);
        it(`${name} → ${expected}`, () => {
          assert.equal(needsAliveProbes(reading(carrier, ipv4), requireIpv4), expected);
        });
      }
    }
  }

  it('agrees with classifyLink: probes are needed exactly when the reading alone would say up', () => {
    for (const carrier of carriers) {
      for (const requireIpv4 of BOOLS) {
        for (const ipv4 of [ADDRESS, []]) {
          const given = reading(carrier, ipv4);
          const alone = classifyLink(given, { requireIpv4, seenBefore: true }).state;
          assert.equal(
            needsAliveProbes(given, requireIpv4),
            alone === 'up',
            `${carrier} ${requireIpv4} ${ipv4.join()}`,
          );
        }
      }
    }
  });
});

describe('classifyLink: addresses that do not make the link usable', () => {
  const LINK_LOCAL = '169.254.31.7';
  const cases: {
    name: string;
    ipv4: string[];
    requireIpv4: boolean;
    allowLinkLocal?: boolean;
    state: LinkState;
    usable: string[];
  }[] = [
    { name: 'only a link-local address', ipv4: [LINK_LOCAL], requireIpv4: true, state: 'no_ipv4', usable: [] },
    {
      name: 'only a link-local address, allow_link_local',
      ipv4: [LINK_LOCAL],
      requireIpv4: true,
      allowLinkLocal: true,
      state: 'up',
      usable: [LINK_LOCAL],
    },
    {
      name: 'a link-local address beside a leased one',
      ipv4: [LINK_LOCAL, '192.0.2.10'],
      requireIpv4: true,
      state: 'up',
      usable: ['192.0.2.10'],
    },
    { name: 'only 0.0.0.0', ipv4: ['0.0.0.0'], requireIpv4: true, allowLinkLocal: true, state: 'no_ipv4', usable: [] },
    {
      name: 'only a link-local address, no address required',
      ipv4: [LINK_LOCAL],
      requireIpv4: false,
      state: 'up',
      usable: [],
    },
  ];
  for (const { name, ipv4, requireIpv4, allowLinkLocal, state, usable } of cases) {
    it(`${name} → ${state}`, () => {
      const addresses = allowLinkLocal === undefined ? {} : { allowLinkLocal };
      const verdict = classifyLink(reading('up', ipv4), { requireIpv4, seenBefore: true, ...addresses });
      assert.equal(verdict.state, state);
      assert.deepEqual(verdict.ipv4, usable);
      assert.equal(
        needsAliveProbes(reading('up', ipv4), requireIpv4, addresses),
        state === 'up',
        'no probe for a link the address already fails',
      );
    });
  }

  it('says which address was there and why it does not count', () => {
    assert.equal(
      classifyLink(reading('up', [LINK_LOCAL]), { requireIpv4: true, seenBefore: true }).reason,
      `carrier up on eth0 but no usable IPv4 address: ${LINK_LOCAL} is link-local (169.254.0.0/16, what a connection manager assigns when DHCP fails; network.allow_link_local allows it)`,
    );
  });
});

describe('classifyLink: a note and a lookup by MAC', () => {
  it('adds the note to the reason of any state', () => {
    const note = 'found by its MAC 02:00:5e:00:53:01 as end0 (network.interface says eth0: renamed?)';
    const verdict = classifyLink(
      { interface: 'end0', carrier: 'up', ipv4: ADDRESS },
      { requireIpv4: true, seenBefore: true, note },
    );
    assert.equal(verdict.reason, `end0 up, 192.168.7.2; ${note}`);
  });

  it('names a missing interface by its MAC and the setting that gave it', () => {
    const lookup = { subject: 'the interface with MAC 02:00:5e:00:53:01', setting: 'network.interface_mac' };
    assert.equal(
      classifyLink(reading('missing'), { requireIpv4: true, seenBefore: true, lookup }).reason,
      'the interface with MAC 02:00:5e:00:53:01 is gone (it was there before: a driver or a USB adapter lost?)',
    );
    assert.equal(
      classifyLink(reading('missing'), { requireIpv4: true, seenBefore: false, lookup }).reason,
      'the interface with MAC 02:00:5e:00:53:01 does not exist and was never seen by this watchdog (a typo in network.interface_mac?); nothing is done about it',
    );
  });
});
