import { formatSeconds } from '../time/format-duration.js';
import type { ProcessLiveness } from '../system/process-table.js';
import type { UserAccount } from '../system/lookup-user.js';
import { checkIdentity, type IdentityCheck } from './check-identity.js';
import type { ObservedIdentity } from '../system/observe-identity.js';
import { describeJson } from './describe-json.js';
import type { HealthState } from './health-state.js';
import { judgeStatus } from './judge-status.js';
import { parseHeartbeat } from './parse-heartbeat.js';
import type { HeartbeatFileRead } from './read-heartbeat-file.js';

/** The outcome of one health check of one process. */
export interface HealthVerdict {
  state: HealthState;
  /** Why, in words a person reads at 3 a.m. */
  reason: string;
  pid: number | undefined;
  /** The heartbeat's timestamp as written, when it had a valid one. */
  heartbeatTimestamp: string | undefined;
  /**
   * That timestamp as parsed, in ms since the epoch: parsed once, by parseHeartbeat, and
   * used as parsed (a second parse of the text disagreed with the first on forms it accepts).
   */
  heartbeatMs: number | undefined;
  /** Seconds between the heartbeat and the check, when known. */
  heartbeatAgeSeconds: number | undefined;
  iteration: number | undefined;
  /** The status the app reported; `undefined` when it wrote none, or one that is not a string (the reason quotes it). */
  status: string | undefined;
  /** Something worth telling that is not a failure (a heartbeat naming another process key). */
  warning: string | undefined;
  /** The writer's start time and boot, when its heartbeat records them: what a kill checks again. */
  pidStartTicks: number | undefined;
  bootId: string | undefined;
  /** The heartbeat file's owner when it is an ordinary user, whom the PID must run as (without a `user`). */
  writerUid: number | undefined;
  /** The identity checks that applied to the live PID; `undefined` when none was reached. */
  identity: IdentityCheck[] | undefined;
  /** For an app found by `match` alone: how many processes matched (0 for `not_running`); else `undefined`. */
  matchCount?: number | undefined;
}

export interface ClassifyInput {
  read: HeartbeatFileRead;
  /** The process key in the config. */
  processKey: string;
  /** Every process key in the config: a heartbeat naming another process's key is that process's, not this one's. */
  configuredKeys?: ReadonlySet<string> | undefined;
  timeoutSeconds: number;
  /** How far in the future a heartbeat may be before it is not believed. */
  maxClockSkewSeconds: number;
  /** The check's time, in milliseconds since the epoch. */
  nowMs: number;
  liveness: (pid: number) => ProcessLiveness;
  /** The live PID as the identity checks see it. */
  observe: (pid: number) => ObservedIdentity;
  /** The process's `user`: the heartbeat must be owned by it, the PID must run as it. */
  user?: UserAccount | undefined;
  /** The process's `match`: the PID's command line must match it. */
  match?: RegExp | undefined;
  /** The watchdog's own user: a heartbeat it owns (or root does) needs no owner check. */
  ownUid?: number | undefined;
  /** The process's `healthy_statuses`: any other status is `error_status`. Default `["running"]`, the Python Watchdog's rule. */
  healthyStatuses?: readonly string[] | undefined;
}

const STALE_REASONS: Record<Exclude<ProcessLiveness, 'alive'>, (pid: number) => string> = {
  dead: (pid) => `PID ${pid} is not running`,
  zombie: (pid) => `PID ${pid} is a zombie (exited)`,
  thread: (pid) => `PID ${pid} is a thread of another process, not the app`,
};

/**
 * Decides the health of one process from its heartbeat, in the Python Watchdog's order:
 * no heartbeat → (heartbeat not trustworthy) → stale PID → timed out → error status → healthy.
 */
export function classifyHeartbeat(input: ClassifyInput): HealthVerdict {
  const { read } = input;
  if (read.kind === 'missing') return verdict('no_heartbeat', 'no heartbeat file');
  if (read.kind === 'unreadable') return verdict('invalid_heartbeat', read.reason);

  if (input.user !== undefined && read.ownerUid !== input.user.uid) {
    const owner = read.ownerUid === undefined ? 'an unknown user' : `uid ${read.ownerUid}`;
    return verdict(
      'invalid_heartbeat',
      `heartbeat file is owned by ${owner}, not by ${input.user.name} (uid ${input.user.uid}): not trusted`,
    );
  }

  // An ordinary user who wrote the file can only speak for a PID of their own: what a start
  // weighs before it refuses for an untrusted heartbeat naming a live process.
  const writerUid =
    read.ownerUid !== undefined && read.ownerUid !== 0 && read.ownerUid !== input.ownUid ? read.ownerUid : undefined;
  const parsed = parseHeartbeat(read.text);
  if (!parsed.ok) return verdict('invalid_heartbeat', parsed.reason, { pid: parsed.pid, writerUid });
  const beat = parsed.heartbeat;

  if (beat.process_key !== input.processKey && input.configuredKeys?.has(beat.process_key) === true) {
    // A heartbeat that says it is another configured app's (copied, linked or pointed at by
    // its writer) proves nothing about this one, and its PID is the other app's.
    return verdict(
      'invalid_heartbeat',
      `heartbeat names process_key ${JSON.stringify(beat.process_key)}, another process of this config: not trusted as ${JSON.stringify(input.processKey)}'s`,
      {
        pid: beat.pid,
        writerUid,
      },
    );
  }

  const ageSeconds = (input.nowMs - beat.epochMs) / 1000;
  const seen = {
    pid: beat.pid,
    heartbeatTimestamp: beat.timestamp,
    heartbeatMs: beat.epochMs,
    heartbeatAgeSeconds: ageSeconds,
    iteration: beat.iteration,
    status: typeof beat.status === 'string' ? beat.status : undefined,
    pidStartTicks: beat.pid_start_ticks,
    writerUid,
    bootId: beat.boot_id,
    warning:
      beat.process_key === input.processKey
        ? undefined
        : `heartbeat names process_key ${describeJson(beat.process_key, 80)}, expected ${JSON.stringify(input.processKey)}`,
  };

  if (-ageSeconds > input.maxClockSkewSeconds) {
    return verdict(
      'invalid_heartbeat',
      `heartbeat timestamp is ${formatSeconds(-ageSeconds)} in the future (more than the ${formatSeconds(input.maxClockSkewSeconds)} allowed for clock skew)`,
      seen,
    );
  }
  const liveness = input.liveness(beat.pid);
  if (liveness !== 'alive') return verdict('stale_pid', STALE_REASONS[liveness](beat.pid), seen);
  const identity = checkIdentity(
    beat.pid,
    {
      startTicks: beat.pid_start_ticks,
      bootId: beat.boot_id,
      match: input.match,
      user: input.user,
      writerUid: seen.writerUid,
    },
    input.observe(beat.pid),
  );
  const known = { ...seen, identity: identity.applied };
  if (!identity.ok) return verdict('stale_pid', identity.reason, known);
  if (ageSeconds > input.timeoutSeconds) {
    return verdict(
      'timed_out',
      `last heartbeat ${formatSeconds(ageSeconds)} ago, timeout ${formatSeconds(input.timeoutSeconds)}`,
      known,
    );
  }
  const status = judgeStatus(beat.status, input.healthyStatuses);
  if (!status.healthy) return verdict('error_status', status.reason, known);
  return verdict(
    'healthy',
    `heartbeat ${formatSeconds(Math.max(0, ageSeconds))} ago, iteration ${beat.iteration}`,
    known,
  );
}

/** A verdict; what was not seen of the heartbeat stays undefined. */
export function verdict(
  state: HealthState,
  reason: string,
  seen: Partial<Omit<HealthVerdict, 'state' | 'reason'>> = {},
): HealthVerdict {
  return {
    state,
    reason,
    pid: seen.pid,
    heartbeatTimestamp: seen.heartbeatTimestamp,
    heartbeatMs: seen.heartbeatMs,
    heartbeatAgeSeconds: seen.heartbeatAgeSeconds,
    iteration: seen.iteration,
    status: seen.status,
    warning: seen.warning,
    pidStartTicks: seen.pidStartTicks,
    bootId: seen.bootId,
    writerUid: seen.writerUid,
    identity: seen.identity,
    // Only an app found by match has one: every other verdict stays as it was.
    ...(seen.matchCount === undefined ? {} : { matchCount: seen.matchCount }),
  };
}
