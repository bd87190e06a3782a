import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HEALTH_STATES } from '../../src/heartbeat/health-state.js';
import { decideKill, killCandidateOf, type KillDecision, type KillFacts } from '../../src/recovery/decide-kill.js';
import { parseHeartbeat } from '../../src/heartbeat/parse-heartbeat.js';
import { verdictOf } from '../helpers/verdicts.js';

const APP = 4000;
const OWN_PID = 100;
const OWN_GROUP = 90;
const SHELL = 60;

/** An app alive and leading its own group; the watchdog is PID 100 in group 90, under a shell (60) and cron (50). */
const facts = (overrides: Partial<KillFacts> = {}): KillFacts => ({
  liveness: 'alive',
  processGroup: APP,
  startTime: 777,
  startedAtMs: undefined,
  heartbeatMs: undefined,
  expectedStartTicks: undefined,
  ownPid: OWN_PID,
  ownProcessGroup: OWN_GROUP,
  ancestors: new Set([SHELL, 50]),
  ...overrides,
});

describe('decideKill', () => {
  const cases: [name: string, pid: number, facts: KillFacts, expected: KillDecision['kind'], group?: boolean][] = [
    ['PID -1 (every process)', -1, facts(), 'refused'],
    ['PID 0 (its own group)', 0, facts(), 'refused'],
    ['PID 1 (init)', 1, facts(), 'refused'],
    ['a fractional PID', 1.5, facts(), 'refused'],
    ['NaN', Number.NaN, facts(), 'refused'],
    ['Infinity', Number.POSITIVE_INFINITY, facts(), 'refused'],
    ['a negative group', -APP, facts(), 'refused'],
    ['the watchdog itself', OWN_PID, facts({ processGroup: OWN_GROUP }), 'refused'],
    [
      'an ancestor (its shell, or the app running watchdog on itself)',
      SHELL,
      facts({ processGroup: SHELL }),
      'cannot_kill',
    ],
    ['an ancestor even when the table says it is dead', SHELL, facts({ liveness: 'dead' }), 'cannot_kill'],
    ['a dead PID', APP, facts({ liveness: 'dead', processGroup: undefined, startTime: undefined }), 'nothing_to_kill'],
    ['a zombie', APP, facts({ liveness: 'zombie' }), 'nothing_to_kill'],
    ["another process's thread", APP, facts({ liveness: 'thread', processGroup: 3000 }), 'refused'],
    ['an app leading its group', APP, facts(), 'signal', true],
    ['an app in another group', APP, facts({ processGroup: 3000 }), 'signal', false],
    ["an app leading the watchdog's own group", OWN_GROUP, facts({ processGroup: OWN_GROUP }), 'signal', false],
    ['an app whose group could not be read', APP, facts({ processGroup: undefined }), 'signal', false],
    [
      'a process that started after its heartbeat was written (a reused PID)',
      APP,
      facts({ startedAtMs: 10_000, heartbeatMs: 5_000 }),
      'refused',
    ],
    [
      'a process that started just before its heartbeat',
      APP,
      facts({ startedAtMs: 4_900, heartbeatMs: 5_000 }),
      'signal',
      true,
    ],
    [
      'a process dated a little after its heartbeat (start times are known to a second)',
      APP,
      facts({ startedAtMs: 6_500, heartbeatMs: 5_000 }),
      'signal',
      true,
    ],
    [
      'a proven writer dated hours after its heartbeat (the clock stepped forward)',
      APP,
      facts({ startedAtMs: 6 * 3_600_000, heartbeatMs: 5_000, identityProven: true }),
      'signal',
      true,
    ],
    ['a process whose start is unknown', APP, facts({ startedAtMs: undefined, heartbeatMs: 5_000 }), 'signal', true],
    [
      'a live process whose start time cannot be read (it may have reused the PID)',
      APP,
      facts({ startTime: undefined }),
      'refused',
    ],
    ['the instance the watchdog started, same start time', APP, facts({ expectedStartTicks: 777 }), 'signal', true],
    [
      'the PID of the instance the watchdog started, now another process',
      APP,
      facts({ expectedStartTicks: 555 }),
      'nothing_to_kill',
    ],
  ];
  for (const [name, pid, given, expected, group] of cases) {
    it(`${name} (PID ${pid}) → ${expected}${group === undefined ? '' : group ? ', its group' : ', the PID alone'}`, () => {
      const decision = decideKill(pid, given);
      assert.equal(decision.kind, expected);
      if (decision.kind === 'signal') {
        assert.deepEqual(decision.target, { pid, group, startTime: given.startTime });
      } else {
        assert.match(decision.why, new RegExp(`PID ${String(pid)}\\b`));
      }
    });
  }
});

describe('killCandidateOf', () => {
  /** What a heartbeat without identity keys, for a process with no `match` nor `user`, says the app is: nothing beyond its PID. */
  const noIdentity = {
    startTicks: undefined,
    bootId: undefined,
    match: undefined,
    user: undefined,
    writerUid: undefined,
  };

  it('never yields the PID of a heartbeat that is not trusted', () => {
    assert.deepEqual(
      killCandidateOf(verdictOf('invalid_heartbeat', 'heartbeat timestamp is 2h in the future', { pid: APP })),
      {
        pid: undefined,
        refused: true,
        why: 'the heartbeat is not trusted (heartbeat timestamp is 2h in the future)',
      },
    );
    assert.deepEqual(killCandidateOf(verdictOf('invalid_heartbeat', 'heartbeat file is empty')), {
      pid: undefined,
      refused: false,
      why: 'the heartbeat is not trusted (heartbeat file is empty)',
    });
  });

  it('yields the PID of every other verdict that names one', () => {
    for (const state of HEALTH_STATES.filter((each) => each !== 'invalid_heartbeat')) {
      assert.deepEqual(
        killCandidateOf(verdictOf(state, state, { pid: APP })),
        { pid: APP, heartbeatMs: undefined, identity: noIdentity },
        state,
      );
    }
  });

  it("carries the heartbeat's time, so a process younger than its heartbeat is not taken for its writer", () => {
    const verdict = verdictOf('timed_out', 'old', {
      pid: APP,
      heartbeatTimestamp: '2026-02-05T06:17:29.601049+00:00',
      heartbeatMs: Date.parse('2026-02-05T06:17:29.601Z'),
    });
    assert.deepEqual(killCandidateOf(verdict), {
      pid: APP,
      heartbeatMs: Date.parse('2026-02-05T06:17:29.601Z'),
      identity: noIdentity,
    });
  });

  it('falls back on the instance the watchdog started when the heartbeat names no trusted PID', () => {
    const started = { pid: 5000, startTicks: 4242 };
    const expected = {
      pid: 5000,
      startTicks: 4242,
      identity: { startTicks: 4242, bootId: undefined, user: undefined },
    };
    assert.deepEqual(killCandidateOf(verdictOf('no_heartbeat', 'no heartbeat file'), started), expected);
    assert.deepEqual(
      killCandidateOf(verdictOf('invalid_heartbeat', 'heartbeat file is empty', { pid: APP }), started),
      expected,
    );
    // A trusted heartbeat's PID wins: it is the instance that beats.
    assert.deepEqual(killCandidateOf(verdictOf('timed_out', 'old', { pid: APP }), started), {
      pid: APP,
      heartbeatMs: undefined,
      identity: noIdentity,
    });
  });

  it('has nothing to consider when no PID is known', () => {
    assert.deepEqual(killCandidateOf(verdictOf('no_heartbeat', 'no heartbeat file')), {
      pid: undefined,
      refused: false,
      why: 'no PID known (no heartbeat file)',
    });
  });
});

describe('killCandidateOf: the heartbeat time as the check parsed it', () => {
  // Forms parseTimestamp accepts that Date.parse refuses: the kill path re-parsed the text and
  // silently skipped the PID-reuse guard on them.
  for (const timestamp of [
    ' 2026-02-05T06:17:29.601049+00:00 ',
    '2026-02-05T11:47:44.601+05:30:15',
    '2026-02-05 06:17:29+0000',
  ]) {
    it(`${JSON.stringify(timestamp)}: the guard gets the parsed time`, () => {
      const parsed = parseHeartbeat(
        JSON.stringify({ process_key: 'app', pid: APP, timestamp, status: 'running', iteration: 1 }),
      );
      assert.ok(parsed.ok);
      const candidate = killCandidateOf(
        verdictOf('timed_out', 'old', {
          pid: APP,
          heartbeatTimestamp: timestamp,
          heartbeatMs: parsed.heartbeat.epochMs,
        }),
      );
      assert.ok(candidate.pid !== undefined && candidate.heartbeatMs !== undefined);
      assert.equal(candidate.heartbeatMs, parsed.heartbeat.epochMs);
      const decision = decideKill(
        APP,
        facts({ startedAtMs: candidate.heartbeatMs + 60_000, heartbeatMs: candidate.heartbeatMs }),
      );
      assert.equal(decision.kind, 'refused', 'a process started after the heartbeat is not its writer');
    });
  }
});
