import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HealthVerdict } from '../../src/heartbeat/classify-heartbeat.js';
import { graceClockOf, isStartedInstanceGone, startFactsOf } from '../../src/recovery/start-facts.js';
import type { StartedInstance } from '../../src/store/process-control.js';
import { FAKE_BOOT_ID, fakeSystem, type FakeProcess } from '../helpers/fake-system.js';
import { verdictOf } from '../helpers/verdicts.js';

const REQUEST = { intent: 'recover' as const, force: false, actions: ['kill', 'start'] };
const untrusted = (pid: number): HealthVerdict =>
  verdictOf('invalid_heartbeat', 'heartbeat iteration must be a non-negative integer (got "many")', { pid });
const factsFor = (checked: HealthVerdict, processes: FakeProcess[], started?: StartedInstance, expected = {}) => {
  const system = fakeSystem({ processes });
  return {
    facts: startFactsOf(REQUEST, { verdict: checked, checked, guard: undefined }, started, system.processes, expected),
    system,
  };
};

describe('startFactsOf', () => {
  it('names the live process an untrusted heartbeat names', () => {
    assert.equal(factsFor(untrusted(4000), [{ pid: 4000 }]).facts.untrustedLivePid, 4000);
  });

  it('not when it is dead, a zombie or a thread', () => {
    assert.equal(factsFor(untrusted(4000), []).facts.untrustedLivePid, undefined);
    assert.equal(factsFor(untrusted(4000), [{ pid: 4000, state: 'Z' }]).facts.untrustedLivePid, undefined);
    assert.equal(factsFor(untrusted(4000), [{ pid: 4000, thread: true }]).facts.untrustedLivePid, undefined);
  });

  it('not when it is the instance the watchdog recorded: kill stops that one', () => {
    const { facts } = factsFor(untrusted(4000), [{ pid: 4000, startTime: 777 }], {
      pid: 4000,
      startTicks: 777,
      bootId: FAKE_BOOT_ID,
    });
    assert.deepEqual([facts.untrustedLivePid, facts.recordedLivePid], [undefined, 4000]);
  });

  it('not when the config shows it is a stranger (match, user)', () => {
    const stranger = [{ pid: 4000, commandLine: '/usr/sbin/sshd', uid: 0 }];
    assert.equal(
      factsFor(untrusted(4000), stranger, undefined, { match: /my_app/u }).facts.untrustedLivePid,
      undefined,
    );
    assert.equal(
      factsFor(untrusted(4000), stranger, undefined, { user: { name: 'app', uid: 1000, gid: 1000, home: '/' } }).facts
        .untrustedLivePid,
      undefined,
    );
    assert.equal(
      factsFor(untrusted(4000), [{ pid: 4000, commandLine: '/opt/my_app' }], undefined, { match: /my_app/u }).facts
        .untrustedLivePid,
      4000,
    );
  });

  it("not when it runs as another user than the heartbeat's ordinary writer (no `user`)", () => {
    const written = (pid: number): HealthVerdict =>
      verdictOf('invalid_heartbeat', 'names another key', { pid, writerUid: 1001 });
    assert.equal(factsFor(written(4000), [{ pid: 4000, uid: 1002 }]).facts.untrustedLivePid, undefined);
    assert.equal(factsFor(written(4000), [{ pid: 4000, uid: 1001 }]).facts.untrustedLivePid, 4000);
  });

  it('never looks up a hostile PID', () => {
    for (const pid of [-1, 0, 1]) {
      const { facts, system } = factsFor(untrusted(pid), [{ pid: 1 }]);
      assert.equal(facts.untrustedLivePid, undefined);
      assert.deepEqual(system.inspected, []);
    }
  });

  it('a recorded instance is alive only with the same start time and boot', () => {
    const live = [{ pid: 5000, startTime: 900 }];
    const none = verdictOf('no_heartbeat');
    assert.equal(
      factsFor(none, live, { pid: 5000, startTicks: 900, bootId: FAKE_BOOT_ID.toUpperCase() }).facts.recordedLivePid,
      5000,
    );
    assert.equal(factsFor(none, live, { pid: 5000, startTicks: 900 }).facts.recordedLivePid, 5000);
    assert.equal(
      factsFor(none, live, { pid: 5000, startTicks: 901, bootId: FAKE_BOOT_ID }).facts.recordedLivePid,
      undefined,
    );
    assert.equal(
      factsFor(none, live, { pid: 5000, startTicks: 900, bootId: 'another-boot' }).facts.recordedLivePid,
      undefined,
    );
    assert.equal(
      factsFor(none, [{ pid: 5000, startTime: 900, state: 'Z' }], { pid: 5000, startTicks: 900 }).facts.recordedLivePid,
      undefined,
    );
  });
});

describe('isStartedInstanceGone', () => {
  const STARTED: StartedInstance = { pid: 5000, startTicks: 900, bootId: FAKE_BOOT_ID };
  const cases: [name: string, started: StartedInstance | undefined, processes: FakeProcess[], gone: boolean][] = [
    ['nothing recorded (a start under way, or one that handed over): may be coming up', undefined, [], false],
    ['still running: same PID, start time and boot', STARTED, [{ pid: 5000, startTime: 900 }], false],
    ['stopped (SIGSTOP) is still there', STARTED, [{ pid: 5000, startTime: 900, state: 'T' }], false],
    ['not running, nothing left in its session or group', STARTED, [{ pid: 4000 }], true],
    ['a zombie, nothing left', STARTED, [{ pid: 5000, startTime: 900, state: 'Z' }], true],
    [
      'its PID taken by a process that does not lead a session or group',
      STARTED,
      [{ pid: 5000, startTime: 950, pgrp: 10, session: 10 }],
      true,
    ],
    [
      'its PID taken by a process that leads its own session: cannot be told from a member, not proven',
      STARTED,
      [{ pid: 5000, startTime: 950 }],
      false,
    ],
    [
      'a child it left in its session (forked without setsid) runs',
      STARTED,
      [{ pid: 5001, startTime: 905, pgrp: 5001, session: 5000 }],
      false,
    ],
    [
      'a child it left in its process group runs',
      STARTED,
      [{ pid: 5001, startTime: 905, pgrp: 5000, session: 77 }],
      false,
    ],
    ['only a zombie is left in its session', STARTED, [{ pid: 5001, startTime: 905, session: 5000, state: 'Z' }], true],
    [
      'recorded in another boot: gone with it, whatever holds its IDs now',
      { ...STARTED, bootId: 'another-boot' },
      [
        { pid: 5000, startTime: 900 },
        { pid: 5001, session: 5000 },
      ],
      true,
    ],
    ['recorded without a boot id (older rows), not running, nothing left', { pid: 5000, startTicks: 900 }, [], true],
  ];
  for (const [name, started, processes, gone] of cases) {
    it(name, () => {
      assert.equal(isStartedInstanceGone(started, fakeSystem({ processes }).processes), gone);
    });
  }
});

describe('graceClockOf', () => {
  it('a process table that cannot be read proves nothing gone: the grace holds', () => {
    const { processes } = fakeSystem({ processes: [] });
    const failing = {
      ...processes,
      sessionMembers: (): number[] => {
        throw new Error('cannot parse a procfs stat line');
      },
    };
    assert.equal(graceClockOf(processes).isGone?.({ pid: 5000, startTicks: 900, bootId: FAKE_BOOT_ID }), true);
    assert.equal(graceClockOf(failing).isGone?.({ pid: 5000, startTicks: 900, bootId: FAKE_BOOT_ID }), false);
  });
});
