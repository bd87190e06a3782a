import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secondsBetween, type BootInstant } from '../../../src/network/reboot/seconds-between.js';

const T = Date.parse('2026-02-05T06:00:00.000Z');
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

function at(atMs: number, bootId: string | undefined, uptimeSeconds: number | undefined): BootInstant {
  return { atMs, bootId, uptimeSeconds };
}

interface Case {
  name: string;
  then: BootInstant;
  now: BootInstant;
  seconds: number;
}

const cases: Case[] = [
  // Same boot: uptime, whatever the wall clock did.
  { name: 'same boot, clocks agree', then: at(T, 'boot-a', 100), now: at(T + 300_000, 'boot-a', 400), seconds: 300 },
  {
    name: 'same boot, wall clock stepped back an hour',
    then: at(T, 'boot-a', 100),
    now: at(T - HOUR_MS, 'boot-a', 400),
    seconds: 300,
  },
  {
    name: 'same boot, wall clock stepped forward ten days (NTP answered)',
    then: at(T, 'boot-a', 100),
    now: at(T + 10 * DAY_MS, 'boot-a', 400),
    seconds: 300,
  },
  { name: 'same boot, no time passed', then: at(T, 'boot-a', 100), now: at(T, 'boot-a', 100), seconds: 0 },
  {
    name: 'same boot, uptime going back (corrupt row) never goes negative',
    then: at(T, 'boot-a', 500),
    now: at(T + HOUR_MS, 'boot-a', 400),
    seconds: 0,
  },
  // Same boot without both uptimes: the wall clock, never negative.
  {
    name: 'same boot, no uptime then: wall clock',
    then: at(T, 'boot-a', undefined),
    now: at(T + 120_000, 'boot-a', 400),
    seconds: 120,
  },
  {
    name: 'same boot, no uptime now: wall clock',
    then: at(T, 'boot-a', 100),
    now: at(T + 120_000, 'boot-a', undefined),
    seconds: 120,
  },
  {
    name: 'same boot, no uptime, wall clock back: 0',
    then: at(T, 'boot-a', undefined),
    now: at(T - HOUR_MS, 'boot-a', undefined),
    seconds: 0,
  },
  // Another boot: at least this boot's uptime.
  {
    name: 'another boot, wall clock behind (no RTC, NTP not yet answered): the uptime',
    then: at(T, 'boot-a', 5000),
    now: at(T - HOUR_MS, 'boot-b', 120),
    seconds: 120,
  },
  {
    name: 'another boot, wall clock says less than the uptime: the uptime',
    then: at(T, 'boot-a', 5000),
    now: at(T + 60_000, 'boot-b', 120),
    seconds: 120,
  },
  {
    name: 'another boot, wall clock says more than the uptime: the wall clock',
    then: at(T, 'boot-a', 5000),
    now: at(T + 2 * HOUR_MS, 'boot-b', 120),
    seconds: 7200,
  },
  {
    name: 'another boot, uptime unknown: the wall clock',
    then: at(T, 'boot-a', 5000),
    now: at(T + 90_000, 'boot-b', undefined),
    seconds: 90,
  },
  {
    name: 'another boot, uptime unknown, wall clock behind: 0',
    then: at(T, 'boot-a', 5000),
    now: at(T - HOUR_MS, 'boot-b', undefined),
    seconds: 0,
  },
  // Unknown boots: the wall clock, never negative.
  {
    name: 'boot unknown then: wall clock, not the uptime',
    then: at(T, undefined, 100),
    now: at(T + 30_000, 'boot-a', 400),
    seconds: 30,
  },
  {
    name: 'boot unknown now: wall clock, not the uptime',
    then: at(T, 'boot-a', 100),
    now: at(T + 30_000, undefined, 400),
    seconds: 30,
  },
  {
    name: 'both boots unknown: wall clock',
    then: at(T, undefined, undefined),
    now: at(T + 45_000, undefined, undefined),
    seconds: 45,
  },
  {
    name: 'boot unknown then, wall clock behind: 0',
    then: at(T, undefined, 100),
    now: at(T - HOUR_MS, 'boot-a', 400),
    seconds: 0,
  },
  {
    name: 'both boots unknown, wall clock behind: 0',
    then: at(T, undefined, undefined),
    now: at(T - DAY_MS, undefined, undefined),
    seconds: 0,
  },
];

describe('secondsBetween', () => {
  for (const { name, then, now, seconds } of cases) {
    it(name, () => {
      assert.equal(secondsBetween(then, now), seconds);
    });
  }

  it('never returns a negative number, across every combination of boots and clocks', () => {
    const boots = [undefined, 'boot-a', 'boot-b'];
    const uptimes = [undefined, 0, 100, 5000];
    const offsets = [-DAY_MS, -1, 0, 1, DAY_MS];
    for (const thenBoot of boots) {
      for (const nowBoot of boots) {
        for (const thenUptime of uptimes) {
          for (const nowUptime of uptimes) {
            for (const offset of offsets) {
              const seconds = secondsBetween(at(T, thenBoot, thenUptime), at(T + offset, nowBoot, nowUptime));
              assert.ok(seconds >= 0, `${thenBoot}/${thenUptime} → ${nowBoot}/${nowUptime} ${offset}ms: ${seconds}`);
            }
          }
        }
      }
    }
  });
});

describe('secondsBetween with a time that cannot be read', () => {
  it('counts it as just now in the same or an unknown boot, so the cooldown holds', () => {
    assert.equal(secondsBetween(at(Number.NaN, undefined, undefined), at(T, undefined, undefined)), 0);
    assert.equal(secondsBetween(at(Number.NaN, 'boot-a', undefined), at(T, 'boot-a', 400)), 0);
  });

  it('counts the current uptime as elapsed after another boot', () => {
    assert.equal(secondsBetween(at(Number.NaN, 'boot-a', 100), at(T, 'boot-b', 400)), 400);
  });
});
