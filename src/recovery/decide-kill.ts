import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { StartedInstance } from '../store/process-control.js';
import type { ProcessLiveness } from '../system/process-table.js';
import type { ExpectedIdentity } from '../heartbeat/check-identity.js';
import type { UserAccount } from '../system/lookup-user.js';

/**
 * The PID `kill` considers: the one a trusted heartbeat names (with when the heartbeat was
 * written), or else the instance the watchdog itself started (with its exact start time,
 * its identity), or none.
 */
export type KillCandidate =
  | {
      pid: number;
      heartbeatMs?: number | undefined;
      startTicks?: number | undefined;
      /** What the heartbeat and the config say the app is: checked again just before a signal. */
      identity?: ExpectedIdentity | undefined;
    }
  | { pid: undefined; why: string; refused: boolean };

/**
 * How much later than the heartbeat a process may seem to have started and still be its
 * writer: a process's start is known to about a second (`btime` is whole seconds).
 */
export const START_TIME_TOLERANCE_MS = 2000;

/**
 * Which PID `kill` may consider. Only a heartbeat that parsed names one: the PID of a
 * heartbeat that cannot be trusted is never signalled (a `"pid": -1` made the Python
 * Watchdog signal every process it could reach).
 */
export function killCandidateOf(
  verdict: HealthVerdict,
  started?: StartedInstance,
  expected: { match?: RegExp | undefined; user?: UserAccount | undefined } = {},
): KillCandidate {
  const trusted = verdict.state !== 'invalid_heartbeat';
  // A heartbeat naming no live app (`stale_pid`: dead, a zombie, another process) names nothing usable either.
  if (!trusted || verdict.pid === undefined || (verdict.state === 'stale_pid' && started !== undefined)) {
    // An app that never wrote a heartbeat (or only untrusted ones) may still run: the
    // instance the watchdog started (or the daemon its start command left) is the one to
    // stop, by its proven identity, or every start would add a copy.
    if (started !== undefined) {
      return {
        pid: started.pid,
        startTicks: started.startTicks,
        identity: { startTicks: started.startTicks, bootId: started.bootId, user: expected.user },
      };
    }
    if (!trusted)
      return {
        pid: undefined,
        refused: verdict.pid !== undefined,
        why: `the heartbeat is not trusted (${verdict.reason})`,
      };
    return { pid: undefined, refused: false, why: `no PID known (${verdict.reason})` };
  }
  return {
    pid: verdict.pid,
    // As the check parsed it: Date.parse of the text refused forms the parser accepts (white
    // space around it, an offset with seconds), and the guard below was then silently skipped.
    heartbeatMs: verdict.heartbeatMs,
    identity: {
      startTicks: verdict.pidStartTicks,
      bootId: verdict.bootId,
      match: expected.match,
      user: expected.user,
      writerUid: verdict.writerUid,
    },
  };
}

/** What the system says of a PID at the moment of deciding. */
export interface KillFacts {
  liveness: ProcessLiveness;
  /** Its process group, from procfs; undefined when it could not be read. */
  processGroup: number | undefined;
  /** Its start time (clock ticks since boot): the identity a reused PID does not share. */
  startTime: number | undefined;
  /** When it started, in ms since the epoch, when known. */
  startedAtMs: number | undefined;
  /** When the heartbeat naming it was written, in ms since the epoch, when known. */
  heartbeatMs: number | undefined;
  /** For the instance the watchdog started: the start time it had then. */
  expectedStartTicks: number | undefined;
  /** Why the live PID is not the app by its identity (start time, command line, user); `undefined` when it is, or nothing is known. */
  identityProblem?: string | undefined;
  /**
   * The live PID is proven to be the heartbeat's writer: its start time (clock ticks since
   * boot) is the one the heartbeat records, in the same boot. No clock can forge that.
   */
  identityProven?: boolean | undefined;
  ownPid: number;
  ownProcessGroup: number;
  /** The watchdog's parent, grandparent... (its shell, cron, sshd). */
  ancestors: ReadonlySet<number>;
}

/** Who gets the signals: the app, or the whole process group it leads. */
export interface KillTarget {
  pid: number;
  /** True when the app leads its own process group: the signal goes to the group. */
  group: boolean;
  startTime: number | undefined;
  /**
   * For a process found by `match`: what it must still be just before each signal (its
   * command line and user too, not only its start time); a process that no longer is gets
   * no signal.
   */
  recheck?: ExpectedIdentity | undefined;
}

/**
 * `refused`: not a process to signal (hostile, a thread, a reused PID): the pipeline goes on
 * as if there were nothing to kill. `cannot_kill`: very likely the live app, but one the
 * watchdog must not signal (it is the watchdog's own ancestor, as when an app runs
 * `watchdog restart` on itself): the kill fails, so no second copy is started beside it.
 */
export type KillDecision =
  | { kind: 'signal'; target: KillTarget }
  | { kind: 'nothing_to_kill'; why: string }
  | { kind: 'refused'; why: string }
  | { kind: 'cannot_kill'; why: string };

/**
 * The kill guards (docs/design.md, "Kill guards", in this order), as a pure decision:
 * only an integer > 1 that is a live, non-zombie process, not the watchdog or one of its
 * ancestors, is ever signalled, and a process group only when that process leads it (and
 * the watchdog is not in it).
 */
export function decideKill(pid: number, facts: KillFacts): KillDecision {
  if (!Number.isSafeInteger(pid) || pid <= 1)
    return { kind: 'refused', why: `PID ${pid} is never signalled (only PIDs above 1 are)` };
  if (pid === facts.ownPid) return { kind: 'refused', why: `PID ${pid} is the watchdog itself` };
  // Before the ancestor guard: an ancestor that is shown not to be the app (a reused PID) is
  // no reason to fail the kill, only not to signal it.
  if (facts.identityProblem !== undefined && facts.liveness === 'alive')
    return { kind: 'refused', why: facts.identityProblem };
  if (facts.ancestors.has(pid)) {
    return {
      kind: 'cannot_kill',
      why: `PID ${pid} is an ancestor of the watchdog (its shell, cron, sshd, or the app itself running watchdog)`,
    };
  }
  switch (facts.liveness) {
    case 'dead':
      return { kind: 'nothing_to_kill', why: `PID ${pid} is not running` };
    case 'zombie':
      return { kind: 'nothing_to_kill', why: `PID ${pid} has already exited (zombie)` };
    case 'thread':
      return { kind: 'refused', why: `PID ${pid} is a thread of another process, not the app` };
    case 'alive':
      break;
  }
  if (facts.startTime === undefined) {
    return {
      kind: 'refused',
      why: `PID ${pid}: its start time cannot be read, so it cannot be told apart from a process that reused the PID`,
    };
  }
  if (facts.expectedStartTicks !== undefined && facts.startTime !== facts.expectedStartTicks) {
    return {
      kind: 'nothing_to_kill',
      why: `PID ${pid} is no longer the instance the watchdog started (it exited; another process has the PID)`,
    };
  }
  // A process younger than the heartbeat cannot have written it: the app died and another
  // program got its PID (the Python Watchdog killed such strangers). A wall-clock judgement:
  // after a clock step forward, `btime` (boot time by the wall clock) moves with it and every
  // process seems to have started after its heartbeat. So it only judges a PID whose identity
  // is not proven: a proven writer is the app, and refusing it would start a second copy.
  if (
    facts.identityProven !== true &&
    facts.startedAtMs !== undefined &&
    facts.heartbeatMs !== undefined &&
    facts.startedAtMs > facts.heartbeatMs + START_TIME_TOLERANCE_MS
  ) {
    return {
      kind: 'refused',
      why: `PID ${pid} started ${new Date(facts.startedAtMs).toISOString()}, after its heartbeat was written: another program reusing the app's PID`,
    };
  }
  const group = facts.processGroup === pid && facts.processGroup !== facts.ownProcessGroup;
  return { kind: 'signal', target: { pid, group, startTime: facts.startTime } };
}
