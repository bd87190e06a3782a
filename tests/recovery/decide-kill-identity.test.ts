// The identity of the app in kill's decision: what killCandidateOf hands on from the
// heartbeat and the config, and decideKill refusing a process that is not the app.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideKill, killCandidateOf, type KillFacts } from '../../src/recovery/decide-kill.js';
import type { UserAccount } from '../../src/system/lookup-user.js';
import { verdictOf } from '../helpers/verdicts.js';

const APP = 4000;
const BOOT = 'c56eb81d-1067-4a71-a9b6-3578e853042b';
const APP_USER: UserAccount = { name: 'app', uid: 1000, gid: 1000, home: '/home/app' };
const REUSED = `PID ${APP} is another process: it started at tick 900, the heartbeat's writer at tick 777 (PID reused)`;

const facts = (overrides: Partial<KillFacts> = {}): KillFacts => ({
  liveness: 'alive',
  processGroup: APP,
  startTime: 900,
  startedAtMs: undefined,
  heartbeatMs: undefined,
  expectedStartTicks: undefined,
  identityProblem: undefined,
  ownPid: 100,
  ownProcessGroup: 90,
  ancestors: new Set([60, 50]),
  ...overrides,
});

describe('decideKill with an identity problem', () => {
  it('a live process that is not the app by its identity is refused, with the identity’s reason', () => {
    assert.deepEqual(decideKill(APP, facts({ identityProblem: REUSED })), { kind: 'refused', why: REUSED });
  });

  it('refused for a wrong user or command line too', () => {
    const why = `PID ${APP} runs as uid 0, not as app (uid 1000): not the app`;
    assert.deepEqual(decideKill(APP, facts({ identityProblem: why })), { kind: 'refused', why });
  });

  it('without a problem the same process is signalled', () => {
    assert.deepEqual(decideKill(APP, facts()), { kind: 'signal', target: { pid: APP, group: true, startTime: 900 } });
  });

  it('a process gone by now is nothing to kill, whatever its identity said', () => {
    assert.equal(
      decideKill(APP, facts({ liveness: 'dead', startTime: undefined, identityProblem: REUSED })).kind,
      'nothing_to_kill',
    );
  });

  it('the hostile-PID guards come first', () => {
    for (const pid of [-1, 0, 1]) {
      assert.deepEqual(decideKill(pid, facts({ identityProblem: REUSED })), {
        kind: 'refused',
        why: `PID ${pid} is never signalled (only PIDs above 1 are)`,
      });
    }
  });

  it('an identity problem is the reason given before an unreadable start time', () => {
    assert.deepEqual(decideKill(APP, facts({ startTime: undefined, identityProblem: REUSED })), {
      kind: 'refused',
      why: REUSED,
    });
  });

  it('an ancestor of the watchdog that is shown not to be the app is refused, not a failed kill', () => {
    assert.deepEqual(decideKill(APP, facts({ ancestors: new Set([APP]), identityProblem: REUSED })), {
      kind: 'refused',
      why: REUSED,
    });
  });
});

describe('killCandidateOf hands on what the app is', () => {
  const timedOut = (extra: Parameters<typeof verdictOf>[2] = {}) =>
    verdictOf('timed_out', 'last heartbeat 10m ago', {
      pid: APP,
      heartbeatTimestamp: '2026-02-05T06:17:29.601049+00:00',
      heartbeatMs: Date.parse('2026-02-05T06:17:29.601Z'),
      ...extra,
    });

  it("the heartbeat's start time and boot, and the process's match and user", () => {
    const match = /server\.js/u;
    assert.deepEqual(
      killCandidateOf(timedOut({ pidStartTicks: 777, bootId: BOOT }), undefined, { match, user: APP_USER }),
      {
        pid: APP,
        heartbeatMs: Date.parse('2026-02-05T06:17:29.601Z'),
        identity: { startTicks: 777, bootId: BOOT, match, user: APP_USER, writerUid: undefined },
      },
    );
  });

  it('a heartbeat without identity keys, for a process with neither match nor user: nothing beyond the PID', () => {
    assert.deepEqual(killCandidateOf(timedOut()), {
      pid: APP,
      heartbeatMs: Date.parse('2026-02-05T06:17:29.601Z'),
      identity: { startTicks: undefined, bootId: undefined, match: undefined, user: undefined, writerUid: undefined },
    });
  });

  it('the instance the watchdog started is known by its exact start time instead', () => {
    const started = { pid: 5000, startTicks: 4242, bootId: 'b00t' };
    // Its start time and boot, and the app's user: proven again just before a signal.
    const expected = { pid: 5000, startTicks: 4242, identity: { startTicks: 4242, bootId: 'b00t', user: APP_USER } };
    assert.deepEqual(
      killCandidateOf(verdictOf('no_heartbeat', 'no heartbeat file'), started, { user: APP_USER }),
      expected,
    );
    assert.deepEqual(
      killCandidateOf(verdictOf('invalid_heartbeat', 'owned by uid 0', { pid: APP }), started, { user: APP_USER }),
      expected,
    );
    // A heartbeat naming no live app names nothing usable: the recorded instance (a daemon its start left) is stopped.
    assert.deepEqual(
      killCandidateOf(verdictOf('stale_pid', 'PID 4321 is not running', { pid: APP }), started, { user: APP_USER }),
      expected,
    );
  });

  it('an untrusted heartbeat hands on no PID, whatever identity is configured', () => {
    assert.deepEqual(
      killCandidateOf(verdictOf('invalid_heartbeat', 'heartbeat file is owned by uid 0', { pid: APP }), undefined, {
        user: APP_USER,
      }),
      {
        pid: undefined,
        refused: true,
        why: 'the heartbeat is not trusted (heartbeat file is owned by uid 0)',
      },
    );
  });
});
