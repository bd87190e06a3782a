import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScannedProcess } from '../../src/match/judge-matches.js';
import type { KillFacts } from '../../src/recovery/decide-kill.js';
import { decideMatchKill } from '../../src/recovery/decide-match-kill.js';

const WATCHDOG = 500;
const ROOT = { name: 'root', uid: 0, gid: 0, home: '/root' };
const rules = { match: /mosquitto/, user: ROOT };

const scanned = (pid: number, startTicks = 1000 + pid): ScannedProcess => ({
  pid,
  ppid: 1,
  state: 'S',
  startTicks,
  commandLine: 'mosquitto -d',
  uids: { real: 0, effective: 0 },
});

/** What procfs says of a PID at the kill: alive, the start time the scan read, in its own group. */
const facts = (pid: number, fields: Partial<KillFacts> = {}): KillFacts => ({
  liveness: 'alive',
  processGroup: pid,
  startTime: 1000 + pid,
  startedAtMs: undefined,
  heartbeatMs: undefined,
  expectedStartTicks: undefined,
  ownPid: WATCHDOG,
  ownProcessGroup: WATCHDOG,
  ancestors: new Set([400]),
  ...fields,
});

interface Case {
  name: string;
  matches: number[];
  ancestors?: number[];
  facts: KillFacts[];
  kind: string;
  targets?: number[];
  why?: RegExp;
}

const cases: Case[] = [
  {
    name: 'nothing matches: nothing to kill',
    matches: [],
    facts: [],
    kind: 'nothing_to_kill',
    why: /no process matches/,
  },
  {
    name: 'every match is signalled, never as a group even when it leads one',
    matches: [900, 901],
    facts: [facts(900), facts(901)],
    kind: 'signal_each',
    targets: [900, 901],
  },
  {
    name: 'a matching ancestor fails the kill before anything is signalled',
    matches: [900],
    ancestors: [400],
    facts: [facts(900)],
    kind: 'cannot_kill',
    why: /PID 400, an ancestor of the watchdog/,
  },
  {
    name: 'init matching fails the kill: never signalled, no copy beside it',
    matches: [],
    ancestors: [1],
    facts: [],
    kind: 'cannot_kill',
    why: /PID 1 \(init\)/,
  },
  {
    name: 'a PID reused between the scan and the facts is not signalled',
    matches: [900, 901],
    facts: [facts(900, { startTime: 5 }), facts(901)],
    kind: 'signal_each',
    targets: [901],
  },
  {
    name: 'a match whose command line changed since the scan is refused, the others still signalled',
    matches: [900, 901],
    facts: [
      facts(900, { identityProblem: 'PID 900 is not the app: its command line "x" does not match mosquitto' }),
      facts(901),
    ],
    kind: 'signal_each',
    targets: [901],
  },
  {
    name: 'all refused: nothing to kill, saying why',
    matches: [900],
    facts: [facts(900, { startTime: undefined })],
    kind: 'nothing_to_kill',
    why: /start time cannot be read/,
  },
  {
    name: 'a match gone since the scan (no facts): nothing to kill',
    matches: [900],
    facts: [],
    kind: 'nothing_to_kill',
    why: /PID 900 exited before/,
  },
  {
    name: 'a zombie since the scan is not signalled',
    matches: [900],
    facts: [facts(900, { liveness: 'zombie' })],
    kind: 'nothing_to_kill',
    why: /zombie/,
  },
  {
    name: 'the watchdog itself, should a scan ever list it, is refused',
    matches: [WATCHDOG],
    facts: [facts(WATCHDOG)],
    kind: 'nothing_to_kill',
    why: /the watchdog itself/,
  },
];

describe('decideMatchKill', () => {
  for (const c of cases) {
    it(c.name, () => {
      const decision = decideMatchKill(
        { matches: c.matches.map((pid) => scanned(pid)), ancestors: (c.ancestors ?? []).map((pid) => scanned(pid)) },
        rules,
        new Map(c.facts.map((entry, index) => [c.matches[index] ?? -1, entry])),
      );
      assert.equal(decision.kind, c.kind);
      if (decision.kind === 'signal_each') {
        assert.deepEqual(
          decision.targets.map((target) => target.pid),
          c.targets,
        );
        for (const target of decision.targets) {
          assert.equal(target.group, false, 'never a process group');
          assert.deepEqual(target.recheck, { startTicks: 1000 + target.pid, match: rules.match, user: ROOT });
        }
      } else if (c.why !== undefined) assert.match(decision.why, c.why);
    });
  }
});
