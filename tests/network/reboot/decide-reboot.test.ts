import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decideReboot,
  type RebootDecision,
  type RebootFacts,
  type RebootGuard,
} from '../../../src/network/reboot/decide-reboot.js';
import type { MassStorageBacking, MassStorageScan } from '../../../src/network/reboot/find-mass-storage.js';
import type { ProbeSetResult } from '../../../src/probes/probe.js';

/** Facts under which every guard lets the reboot through; each case overrides what it is about. */
function facts(overrides: Partial<RebootFacts> = {}): RebootFacts {
  return {
    failedLadderRuns: 3,
    maxFailures: 3,
    reboot: { cooldownSeconds: 3600, maxPerDay: 3 },
    sinceLastRebootSeconds: undefined,
    rebootsInLastDay: 0,
    maintenanceFlag: undefined,
    usb: undefined,
    reachability: undefined,
    ...overrides,
  };
}

function backing(udc: string, file = '/data/debian.iso', lun = 'lun.0'): MassStorageBacking {
  return { gadget: '/sys/kernel/config/usb_gadget/kvm', function: 'mass_storage.usb0', lun, file, udc };
}

function usb(scan: MassStorageScan, onlyWhenBound: boolean): RebootFacts['usb'] {
  return { scan, onlyWhenBound };
}

const ANSWERED: ProbeSetResult = {
  mode: 'any',
  answered: true,
  results: [{ probe: 'tcp 127.0.0.1:53', answered: true, detail: 'connected', durationMs: 3 }],
  summary: 'any of 1 answered: tcp 127.0.0.1:53 connected',
};

const NOT_ANSWERED: ProbeSetResult = {
  mode: 'any',
  answered: false,
  results: [{ probe: 'tcp 127.0.0.1:53', answered: false, detail: 'ECONNREFUSED', durationMs: 1 }],
  summary: 'none of 1 answered: tcp 127.0.0.1:53 ECONNREFUSED',
};

type Expected = { kind: 'reboot' } | { kind: 'probe' } | { kind: 'hold'; guard: RebootGuard };

interface Case {
  name: string;
  facts: RebootFacts;
  expected: Expected;
}

/** The decision without its reason, to compare with a table row. */
function shapeOf(decision: RebootDecision): Expected {
  if (decision.kind === 'hold') return { kind: 'hold', guard: decision.guard };
  return { kind: decision.kind };
}

const REBOOT = { kind: 'reboot' } as const;
const holdBy = (guard: RebootGuard): Expected => ({ kind: 'hold', guard });

const cases: Case[] = [
  // no_reboot_command
  {
    name: 'no reboot section: never a reboot, whatever else',
    facts: facts({ reboot: undefined, failedLadderRuns: 99 }),
    expected: holdBy('no_reboot_command'),
  },

  // max_failures
  {
    name: 'failures below max_failures',
    facts: facts({ failedLadderRuns: 2, maxFailures: 3 }),
    expected: holdBy('max_failures'),
  },
  {
    name: 'no failed run yet, max_failures 1',
    facts: facts({ failedLadderRuns: 0, maxFailures: 1 }),
    expected: holdBy('max_failures'),
  },
  { name: 'failures at max_failures', facts: facts({ failedLadderRuns: 3, maxFailures: 3 }), expected: REBOOT },
  { name: 'failures above max_failures', facts: facts({ failedLadderRuns: 7, maxFailures: 3 }), expected: REBOOT },

  // cooldown
  { name: 'cooldown running', facts: facts({ sinceLastRebootSeconds: 600 }), expected: holdBy('cooldown') },
  { name: 'cooldown one second short', facts: facts({ sinceLastRebootSeconds: 3599 }), expected: holdBy('cooldown') },
  { name: 'last reboot just now', facts: facts({ sinceLastRebootSeconds: 0 }), expected: holdBy('cooldown') },
  { name: 'cooldown just expired', facts: facts({ sinceLastRebootSeconds: 3600 }), expected: REBOOT },
  { name: 'cooldown long expired', facts: facts({ sinceLastRebootSeconds: 86_400 }), expected: REBOOT },
  { name: 'no past reboot', facts: facts({ sinceLastRebootSeconds: undefined }), expected: REBOOT },
  {
    name: 'cooldown 0, a reboot just now',
    facts: facts({ reboot: { cooldownSeconds: 0, maxPerDay: 3 }, sinceLastRebootSeconds: 0, rebootsInLastDay: 1 }),
    expected: REBOOT,
  },

  // max_per_day
  {
    name: 'max_per_day reached',
    facts: facts({ sinceLastRebootSeconds: 7200, rebootsInLastDay: 3 }),
    expected: holdBy('max_per_day'),
  },
  {
    name: 'max_per_day exceeded',
    facts: facts({ sinceLastRebootSeconds: 7200, rebootsInLastDay: 4 }),
    expected: holdBy('max_per_day'),
  },
  {
    name: 'max_per_day not reached',
    facts: facts({ sinceLastRebootSeconds: 7200, rebootsInLastDay: 2 }),
    expected: REBOOT,
  },
  {
    name: 'max_per_day 1 with one reboot today',
    facts: facts({ reboot: { cooldownSeconds: 0, maxPerDay: 1 }, sinceLastRebootSeconds: 60, rebootsInLastDay: 1 }),
    expected: holdBy('max_per_day'),
  },

  // maintenance_flag
  {
    name: 'maintenance flag exists',
    facts: facts({ maintenanceFlag: { path: '/run/maint', exists: true } }),
    expected: holdBy('maintenance_flag'),
  },
  {
    name: 'maintenance flag absent',
    facts: facts({ maintenanceFlag: { path: '/run/maint', exists: false } }),
    expected: REBOOT,
  },
  { name: 'maintenance flag not configured', facts: facts({ maintenanceFlag: undefined }), expected: REBOOT },

  // usb_mass_storage
  {
    name: 'usb: bound backing, any gadget counts',
    facts: facts({ usb: usb({ backings: [backing('fe980000.usb')] }, false) }),
    expected: holdBy('usb_mass_storage'),
  },
  {
    name: 'usb: unbound backing, any gadget counts',
    facts: facts({ usb: usb({ backings: [backing('')] }, false) }),
    expected: holdBy('usb_mass_storage'),
  },
  {
    name: 'usb: bound backing, only bound ones count',
    facts: facts({ usb: usb({ backings: [backing('fe980000.usb')] }, true) }),
    expected: holdBy('usb_mass_storage'),
  },
  {
    name: 'usb: unbound backing, only bound ones count',
    facts: facts({ usb: usb({ backings: [backing('')] }, true) }),
    expected: REBOOT,
  },
  {
    name: 'usb: one unbound and one bound, only bound ones count',
    facts: facts({
      usb: usb({ backings: [backing('', '/data/a.iso'), backing('fe980000.usb', '/data/b.iso', 'lun.1')] }, true),
    }),
    expected: holdBy('usb_mass_storage'),
  },
  { name: 'usb: no backing', facts: facts({ usb: usb({ backings: [] }, false) }), expected: REBOOT },
  {
    name: 'usb: scan error, nothing found',
    facts: facts({ usb: usb({ backings: [], error: 'EACCES: permission denied' }, false) }),
    expected: holdBy('usb_mass_storage'),
  },
  {
    name: 'usb: scan error holds even when only bound ones count',
    facts: facts({
      usb: usb({ backings: [backing('')], error: 'EISDIR: illegal operation on a directory, read' }, true),
    }),
    expected: holdBy('usb_mass_storage'),
  },
  { name: 'usb: guard disabled', facts: facts({ usb: undefined }), expected: REBOOT },

  // reachable
  { name: 'veto probes not configured', facts: facts({ reachability: undefined }), expected: REBOOT },
  {
    name: 'veto probes configured, not run yet',
    facts: facts({ reachability: 'not_probed' }),
    expected: { kind: 'probe' },
  },
  { name: 'veto probes answer', facts: facts({ reachability: ANSWERED }), expected: holdBy('reachable') },
  { name: 'veto probes do not answer', facts: facts({ reachability: NOT_ANSWERED }), expected: REBOOT },
];

describe('decideReboot: one guard at a time', () => {
  for (const { name, facts: given, expected } of cases) {
    it(name, () => {
      assert.deepEqual(shapeOf(decideReboot(given)), expected);
    });
  }
});

describe('decideReboot: the order of the guards', () => {
  /** Facts under which every guard holds; `lift` lifts the first `n` of them. */
  function everyGuardHolds(lift: number): RebootFacts {
    const all = {
      failedLadderRuns: 1,
      maxFailures: 3,
      reboot: undefined as RebootFacts['reboot'],
      sinceLastRebootSeconds: 60,
      rebootsInLastDay: 5,
      maintenanceFlag: { path: '/run/maint', exists: true } as RebootFacts['maintenanceFlag'],
      usb: usb({ backings: [backing('fe980000.usb')] }, false),
      reachability: ANSWERED as RebootFacts['reachability'],
    };
    const lifts: ((f: typeof all) => void)[] = [
      (f) => (f.reboot = { cooldownSeconds: 3600, maxPerDay: 3 }),
      (f) => (f.failedLadderRuns = 3),
      (f) => (f.sinceLastRebootSeconds = 7200),
      (f) => (f.rebootsInLastDay = 0),
      (f) => (f.maintenanceFlag = { path: '/run/maint', exists: false }),
      (f) => (f.usb = usb({ backings: [] }, false)),
      (f) => (f.reachability = NOT_ANSWERED),
    ];
    for (const step of lifts.slice(0, lift)) step(all);
    return all;
  }

  const order: RebootGuard[] = [
    'no_reboot_command',
    'max_failures',
    'cooldown',
    'max_per_day',
    'maintenance_flag',
    'usb_mass_storage',
    'reachable',
  ];

  order.forEach((guard, index) => {
    it(`${guard} decides when it and every later guard hold`, () => {
      assert.deepEqual(shapeOf(decideReboot(everyGuardHolds(index))), holdBy(guard));
    });
  });

  it('reboots once every guard is lifted', () => {
    assert.deepEqual(shapeOf(decideReboot(everyGuardHolds(order.length))), REBOOT);
  });

  it('asks for the veto probes only after every other guard let the reboot through', () => {
    const pending = (lift: number): RebootFacts => ({ ...everyGuardHolds(lift), reachability: 'not_probed' });
    assert.deepEqual(shapeOf(decideReboot(pending(5))), holdBy('usb_mass_storage'));
    assert.deepEqual(shapeOf(decideReboot(pending(4))), holdBy('maintenance_flag'));
    assert.deepEqual(shapeOf(decideReboot(pending(6))), { kind: 'probe' });
  });
});

describe('decideReboot: reasons name the numbers', () => {
  function reasonOf(decision: RebootDecision): string {
    assert.notEqual(decision.kind, 'probe');
    return decision.kind === 'probe' ? '' : decision.reason;
  }

  it('no_reboot_command says the watchdog never reboots', () => {
    assert.match(reasonOf(decideReboot(facts({ reboot: undefined }))), /network\.reboot is not configured/);
  });

  it('max_failures counts the failed runs against the limit', () => {
    assert.equal(
      reasonOf(decideReboot(facts({ failedLadderRuns: 2, maxFailures: 5 }))),
      '2 of 5 consecutive failed ladder runs',
    );
  });

  it('cooldown says how long ago, how long the cooldown is, and how long is left', () => {
    const reason = reasonOf(decideReboot(facts({ sinceLastRebootSeconds: 600 })));
    assert.equal(reason, 'the last reboot was 10m 00s ago; the cooldown is 60m 00s (50m 00s left)');
  });

  it('max_per_day gives the count and the limit', () => {
    const reason = reasonOf(decideReboot(facts({ reboot: { cooldownSeconds: 0, maxPerDay: 2 }, rebootsInLastDay: 2 })));
    assert.match(reason, /^2 reboots in the last 24 hours; at most 2 a day/);
  });

  it('maintenance_flag names the file', () => {
    assert.equal(
      reasonOf(decideReboot(facts({ maintenanceFlag: { path: '/run/maint', exists: true } }))),
      'the maintenance flag /run/maint exists',
    );
  });

  it('usb_mass_storage names what is presented, and only what counts', () => {
    const reason = reasonOf(
      decideReboot(
        facts({
          usb: usb({ backings: [backing('', '/data/a.iso'), backing('fe980000.usb', '/data/b.iso', 'lun.1')] }, true),
        }),
      ),
    );
    assert.equal(
      reason,
      'a USB mass-storage gadget is in use: kvm/mass_storage.usb0/lun.1 presents /data/b.iso (bound to fe980000.usb)',
    );
  });

  it('a usb scan error is quoted', () => {
    const reason = reasonOf(
      decideReboot(facts({ usb: usb({ backings: [], error: 'EACCES: permission denied' }, false) })),
    );
    assert.equal(reason, 'cannot tell whether a USB disk image is presented: EACCES: permission denied');
  });

  it('reachable quotes the probes', () => {
    assert.match(
      reasonOf(decideReboot(facts({ reachability: ANSWERED }))),
      /the veto probes answer: any of 1 answered: tcp 127\.0\.0\.1:53 connected$/,
    );
  });

  it('a reboot gives the failed runs and max_failures, and the veto probes when they ran', () => {
    assert.equal(
      reasonOf(decideReboot(facts({ failedLadderRuns: 4 }))),
      '4 consecutive failed ladder runs (max_failures 3)',
    );
    assert.equal(
      reasonOf(decideReboot(facts({ failedLadderRuns: 4, reachability: NOT_ANSWERED }))),
      '4 consecutive failed ladder runs (max_failures 3); the veto probes do not answer (none of 1 answered: tcp 127.0.0.1:53 ECONNREFUSED)',
    );
  });
});
