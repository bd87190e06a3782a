import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { ProcessLiveness } from '../system/process-table.js';

/** The PID a heartbeat names, when there is one worth considering for `kill`, and when the heartbeat was written. */
export type KillCandidate = { pid: number; heartbeatMs?: number | undefined } | { pid: undefined; why: string; refused: boolean };

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
export function killCandidateOf(verdict: HealthVerdict): KillCandidate {
  if (verdict.state === 'invalid_heartbeat') {
    return { pid: undefined, refused: verdict.pid !== undefined, why: `the heartbeat is not trusted (${verdict.reason})` };
  }
  if (verdict.pid === undefined) return { pid: undefined, refused: false, why: `no PID known (${verdict.reason})` };
  const heartbeatMs = verdict.heartbeatTimestamp === undefined ? undefined : Date.parse(verdict.heartbeatTimestamp);
  return { pid: verdict.pid, heartbeatMs: Number.isNaN(heartbeatMs) ? undefined : heartbeatMs };
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
}

export type KillDecision =
  | { kind: 'signal'; target: KillTarget }
  | { kind: 'nothing_to_kill'; why: string }
  | { kind: 'refused'; why: string };

/**
 * The guards of DESIGN.md, as a pure decision: only an integer > 1 that is a live,
 * non-zombie process, not the watchdog or one of its ancestors, is ever signalled, and
 * a process group only when that process leads it (and the watchdog is not in it).
 */
export function decideKill(pid: number, facts: KillFacts): KillDecision {
  if (!Number.isSafeInteger(pid) || pid <= 1) return { kind: 'refused', why: `PID ${pid} is never signalled (only PIDs above 1 are)` };
  if (pid === facts.ownPid) return { kind: 'refused', why: `PID ${pid} is the watchdog itself` };
  if (facts.ancestors.has(pid)) return { kind: 'refused', why: `PID ${pid} is an ancestor of the watchdog (its shell, cron or sshd)` };
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
  // A process younger than the heartbeat cannot have written it: the app died and another
  // program got its PID (the Python Watchdog killed such strangers).
  if (facts.startedAtMs !== undefined && facts.heartbeatMs !== undefined && facts.startedAtMs > facts.heartbeatMs + START_TIME_TOLERANCE_MS) {
    return {
      kind: 'refused',
      why: `PID ${pid} started ${new Date(facts.startedAtMs).toISOString()}, after its heartbeat was written: another program reusing the app's PID`,
    };
  }
  const group = facts.processGroup === pid && facts.processGroup !== facts.ownProcessGroup;
  return { kind: 'signal', target: { pid, group, startTime: facts.startTime } };
}
