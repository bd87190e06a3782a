import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkIdentity,
  describeIdentity,
  type ExpectedIdentity,
  type IdentityCheck,
} from '../../src/heartbeat/check-identity.js';
import type { ObservedIdentity } from '../../src/system/observe-identity.js';
import type { UserAccount } from '../../src/system/lookup-user.js';
import type { ProcessUids } from '../../src/system/process-owner.js';

const PID = 4321;
const BOOT = '6f1c2a3b-0000-4000-8000-00000000aaaa';
const OTHER_BOOT = '6f1c2a3b-0000-4000-8000-00000000bbbb';
const APP_USER: UserAccount = { name: 'app', uid: 1000, gid: 1000, home: '/home/app' };

/** What the fake system says of the live PID; `undefined` fields read as "no such process". */
interface Seen {
  startTicks?: number | undefined;
  bootId?: string | undefined;
  commandLine?: string | undefined;
  uids?: ProcessUids | undefined;
}

const APP: Seen = {
  startTicks: 5000,
  bootId: BOOT,
  commandLine: '/usr/bin/node /srv/app/server.js --port 8080',
  uids: { real: 1000, effective: 1000 },
};

/** An ObservedIdentity over `seen` that records which facts were read (they are read lazily). */
function observed(seen: Seen): ObservedIdentity & { read: string[] } {
  const read: string[] = [];
  return {
    read,
    startTicks: () => (read.push('startTicks'), seen.startTicks),
    bootId: () => (read.push('bootId'), seen.bootId),
    commandLine: () => (read.push('commandLine'), seen.commandLine),
    uids: () => (read.push('uids'), seen.uids),
  };
}

interface Case {
  name: string;
  expected: ExpectedIdentity;
  seen: Seen;
  applied: IdentityCheck[];
  /** `undefined`: the PID is the app. */
  reason?: string | RegExp;
}

const cases: Case[] = [
  // Nothing known beyond the PID: nothing to check.
  { name: 'no identity known: PID only, ok', expected: {}, seen: APP, applied: [] },

  // Start time and boot.
  { name: 'start time matches', expected: { startTicks: 5000, bootId: BOOT }, seen: APP, applied: ['start_time'] },
  {
    name: 'start time matches, the heartbeat records no boot',
    expected: { startTicks: 5000 },
    seen: APP,
    applied: ['start_time'],
  },
  {
    name: 'start time differs: PID reused',
    expected: { startTicks: 4999, bootId: BOOT },
    seen: APP,
    applied: ['start_time'],
    reason: `PID ${PID} is another process: it started at tick 5000, the heartbeat's writer at tick 4999 (PID reused)`,
  },
  {
    name: 'the boot differs: written before the last reboot (even with the same start ticks)',
    expected: { startTicks: 5000, bootId: OTHER_BOOT },
    seen: APP,
    applied: ['start_time'],
    reason: `PID ${PID} is not the app: its heartbeat was written before the last reboot (boot ${OTHER_BOOT}, now ${BOOT})`,
  },
  {
    name: 'the boot differs with only a boot id recorded',
    expected: { bootId: OTHER_BOOT },
    seen: APP,
    applied: ['start_time'],
    reason: /written before the last reboot/,
  },
  { name: 'a boot id alone that matches is ok', expected: { bootId: BOOT }, seen: APP, applied: ['start_time'] },
  {
    name: 'the current boot id cannot be read: the start time still decides',
    expected: { startTicks: 5000, bootId: OTHER_BOOT },
    seen: { ...APP, bootId: undefined },
    applied: ['start_time'],
  },
  {
    name: 'the process is gone when its start time is read',
    expected: { startTicks: 5000 },
    seen: { ...APP, startTicks: undefined },
    applied: ['start_time'],
    reason: `PID ${PID} is not running`,
  },

  // User.
  { name: 'runs as the user', expected: { user: APP_USER }, seen: APP, applied: ['user'] },
  {
    name: 'runs as another user',
    expected: { user: APP_USER },
    seen: { ...APP, uids: { real: 0, effective: 0 } },
    applied: ['user'],
    reason: `PID ${PID} runs as uid 0, not as app (uid 1000): not the app`,
  },
  {
    name: 'real uid is the user, effective is not (a setuid program)',
    expected: { user: APP_USER },
    seen: { ...APP, uids: { real: 1000, effective: 0 } },
    applied: ['user'],
    reason: `PID ${PID} runs as uid 0, not as app (uid 1000): not the app`,
  },
  {
    name: 'effective uid is the user, real is not',
    expected: { user: APP_USER },
    seen: { ...APP, uids: { real: 0, effective: 1000 } },
    applied: ['user'],
    reason: `PID ${PID} runs as uid 1000, not as app (uid 1000): not the app`,
  },
  {
    name: 'the process is gone when its user is read',
    expected: { user: APP_USER },
    seen: { ...APP, uids: undefined },
    applied: ['user'],
    reason: `PID ${PID} is not running`,
  },

  // Command line.
  { name: 'the command line matches', expected: { match: /server\.js/u }, seen: APP, applied: ['command_line'] },
  {
    name: 'the command line does not match',
    expected: { match: /worker\.js/u },
    seen: APP,
    applied: ['command_line'],
    reason: `PID ${PID} is not the app: its command line "/usr/bin/node /srv/app/server.js --port 8080" does not match worker\\.js`,
  },
  {
    name: 'an empty command line (a kernel thread or zombie) does not match',
    expected: { match: /server/u },
    seen: { ...APP, commandLine: '' },
    applied: ['command_line'],
    reason: `PID ${PID} is not the app: its command line "" does not match server`,
  },
  {
    name: 'an unreadable command line counts as empty',
    expected: { match: /server/u },
    seen: { ...APP, commandLine: undefined },
    applied: ['command_line'],
    reason: `PID ${PID} is not the app: its command line "" does not match server`,
  },
  {
    name: 'a pattern that matches the empty string accepts an empty command line',
    expected: { match: /^$/u },
    seen: { ...APP, commandLine: '' },
    applied: ['command_line'],
  },
  {
    name: 'a long command line is clipped in the reason',
    expected: { match: /nope/u },
    seen: { ...APP, commandLine: `/usr/bin/app ${'x'.repeat(200)}` },
    applied: ['command_line'],
    reason: new RegExp(`its command line "/usr/bin/app x{64}\\.\\.\\." does not match nope$`),
  },

  // Several at once: every check applies; the first failure (start time, user, command line) is named.
  {
    name: 'all three pass',
    expected: { startTicks: 5000, bootId: BOOT, user: APP_USER, match: /server/u },
    seen: APP,
    applied: ['start_time', 'user', 'command_line'],
  },
  {
    name: 'all three fail: the start time is named, the others not reached',
    expected: { startTicks: 1, user: APP_USER, match: /nope/u },
    seen: { ...APP, uids: { real: 0, effective: 0 } },
    applied: ['start_time'],
    reason: /PID reused/,
  },
  {
    name: 'user and command line fail: the user is named',
    expected: { startTicks: 5000, user: APP_USER, match: /nope/u },
    seen: { ...APP, uids: { real: 0, effective: 0 } },
    applied: ['start_time', 'user'],
    reason: /runs as uid 0, not as app/,
  },
  {
    name: 'only the command line fails after the others passed',
    expected: { startTicks: 5000, user: APP_USER, match: /nope/u },
    seen: APP,
    applied: ['start_time', 'user', 'command_line'],
    reason: /does not match nope$/,
  },
  {
    name: 'user and command line without a start time',
    expected: { user: APP_USER, match: /server/u },
    seen: APP,
    applied: ['user', 'command_line'],
  },
];

describe('checkIdentity', () => {
  for (const { name, expected, seen, applied, reason } of cases) {
    it(name, () => {
      const verdict = checkIdentity(PID, expected, observed(seen));
      assert.deepEqual(verdict.applied, applied, 'the checks that applied');
      if (reason === undefined) {
        assert.deepEqual(verdict, { ok: true, applied });
        return;
      }
      assert.equal(verdict.ok, false, 'the PID is not the app');
      const said = verdict.ok ? '' : verdict.reason;
      if (typeof reason === 'string') assert.equal(said, reason);
      else assert.match(said, reason);
    });
  }

  it('reads only what a check needs', () => {
    const nothing = observed(APP);
    checkIdentity(PID, {}, nothing);
    assert.deepEqual(nothing.read, []);

    const userOnly = observed(APP);
    checkIdentity(PID, { user: APP_USER }, userOnly);
    assert.deepEqual(userOnly.read, ['uids']);

    const matchOnly = observed(APP);
    checkIdentity(PID, { match: /server/u }, matchOnly);
    assert.deepEqual(matchOnly.read, ['commandLine']);

    const bootMismatch = observed(APP);
    checkIdentity(PID, { startTicks: 5000, bootId: OTHER_BOOT, user: APP_USER }, bootMismatch);
    assert.deepEqual(bootMismatch.read, ['bootId'], 'a failed check stops the others');
  });
});

describe('describeIdentity', () => {
  const cases: [IdentityCheck[], string][] = [
    [[], 'PID only'],
    [['start_time'], 'start time'],
    [['command_line'], 'command line'],
    [['user'], 'user'],
    [['start_time', 'user', 'command_line'], 'start time + user + command line'],
    [['user', 'command_line'], 'user + command line'],
  ];
  for (const [applied, words] of cases) {
    it(`${JSON.stringify(applied)} → ${words}`, () => {
      assert.equal(describeIdentity(applied), words);
    });
  }
});
