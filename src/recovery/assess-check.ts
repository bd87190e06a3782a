import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { StartedInstance } from '../store/process-control.js';
import type { BootClock } from '../system/boot-info.js';
import { formatSeconds } from '../time/format-duration.js';
import {
  decideCrashLoop,
  type CrashLoopDecision,
  type CrashLoopLimits,
  type RecoveryBudget,
} from './crash-loop-guard.js';
import { isRecoveryDue, nextConsecutiveFailures } from './recovery-due.js';

/** What the audit log says of a process before this check. */
export interface PreviousState {
  consecutiveFailures: number;
  /** Set while the process is turned off by `watchdog off`. */
  offSince: string | null;
  offBy: string | null;
  /** When the watchdog last started it. */
  startedAt: string | null;
  /** Until then a missing heartbeat is not a failure. */
  graceUntil: string | null;
  /** The boot and the boot clock (seconds since boot) of the last start: the grace is judged on them in the same boot. */
  startedBootId: string | null;
  startedUptimeSeconds: number | null;
  /** The instance the last start left (PID, start time, boot), when it was recorded. */
  startedInstance?: StartedInstance | undefined;
  /** Set while the crash-loop guard has given up on the process. */
  gaveUpAt: string | null;
  gaveUpReason: string | null;
  /** The process's recent recoveries, as the crash-loop guard weighs them. */
  budget: RecoveryBudget;
}

export const NO_RECOVERIES: RecoveryBudget = { recent: 0, failedInARow: 0, lastFailedMs: undefined };

export const NO_PREVIOUS_STATE: PreviousState = {
  consecutiveFailures: 0,
  offSince: null,
  offBy: null,
  startedAt: null,
  graceUntil: null,
  startedBootId: null,
  startedUptimeSeconds: null,
  gaveUpAt: null,
  gaveUpReason: null,
  budget: NO_RECOVERIES,
};

/** Without limits (a dry run of something that is not cron's recovery), the guard never holds. */
export const NO_CRASH_LOOP_LIMITS: CrashLoopLimits = { maxRecoveries: Infinity, windowSeconds: 0, backoffSeconds: 0 };

/** The start grace's clock: the boot clock at a check (system/boot-info.ts), and a way to tell the last start's instance is gone. */
export interface GraceClock extends BootClock {
  /**
   * Whether a recorded started instance is provably gone (see `isStartedInstanceGone`);
   * asked only when a start grace would otherwise hold. Absent: never proven.
   */
  isGone?: ((instance: StartedInstance) => boolean) | undefined;
}

export interface Assessment {
  /** The heartbeat's verdict, or `off` / `starting` wrapped around it: what is recorded. */
  verdict: HealthVerdict;
  /** The heartbeat's own verdict: what `kill` trusts or not. */
  checked: HealthVerdict;
  consecutiveFailures: number;
  recoveryDue: boolean;
  /** What the crash-loop guard said of a recovery that was due: held back (`backoff`) or given up on (`give_up`). */
  guard: Exclude<CrashLoopDecision, { kind: 'allow' }> | undefined;
}

/**
 * Weighs one check against the process's history: a process turned off is `off` and
 * never due; a process started moments ago is `starting` while it has not written its
 * first heartbeat (or only the old instance's heartbeat is there), so the old heartbeat
 * cannot trigger a second recovery while the new instance comes up. The reasons of `off` and
 * `gave_up` name the check behind them as `label` (by default the heartbeat or the health probe,
 * from its state: `heartbeat: timed_out (...)`).
 */
export function assessCheck(
  checked: HealthVerdict,
  previous: PreviousState,
  threshold: number,
  nowMs: number,
  limits: CrashLoopLimits = NO_CRASH_LOOP_LIMITS,
  clock?: GraceClock,
  label?: string,
): Assessment {
  const held = (state: 'off' | 'gave_up', reason: string): Assessment => ({
    verdict: {
      ...checked,
      state,
      reason: `${reason}; ${label ?? checkLabel(checked.state)}: ${checked.state} (${checked.reason})`,
    },
    checked,
    consecutiveFailures: 0,
    recoveryDue: false,
    guard: undefined,
  });
  if (previous.offSince !== null)
    return held('off', `turned off${previous.offBy === null ? '' : ` by ${previous.offBy}`} at ${previous.offSince}`);
  if (previous.gaveUpAt !== null) {
    return held(
      'gave_up',
      `${previous.gaveUpReason ?? 'gave up'} at ${previous.gaveUpAt}; \`watchdog on\` or \`watchdog reset\` resumes recoveries`,
    );
  }
  const graced = inStartGrace(checked, previous, nowMs, clock);
  const assessed =
    graced === undefined
      ? checked
      : graced.gone
        ? { ...checked, reason: `${checked.reason}; ${graced.reason}` }
        : { ...checked, state: 'starting' as const, reason: graced.reason };
  const consecutiveFailures = nextConsecutiveFailures(previous.consecutiveFailures, assessed.state);
  const due = isRecoveryDue(assessed.state, consecutiveFailures, threshold);
  const guard = due ? decideCrashLoop(previous.budget, limits, nowMs) : { kind: 'allow' as const };
  switch (guard.kind) {
    case 'allow':
      return { verdict: assessed, checked, consecutiveFailures, recoveryDue: due, guard: undefined };
    case 'backoff':
      return {
        verdict: { ...assessed, reason: `${assessed.reason}; ${guard.reason}` },
        checked,
        consecutiveFailures,
        recoveryDue: false,
        guard,
      };
    case 'give_up':
      return {
        verdict: {
          ...assessed,
          state: 'gave_up',
          reason: `${guard.reason}; ${label ?? checkLabel(assessed.state)}: ${assessed.state} (${assessed.reason})`,
        },
        checked,
        consecutiveFailures: 0,
        recoveryDue: false,
        guard,
      };
  }
}

/**
 * The `starting` reason when the check falls in the grace period after a start and only
 * shows the new instance is not up yet; `gone` when it would, but the started instance is
 * provably gone (it died during its grace): then the grace excuses nothing.
 */
function inStartGrace(
  checked: HealthVerdict,
  previous: PreviousState,
  nowMs: number,
  clock: GraceClock | undefined,
): { gone: boolean; reason: string } | undefined {
  const since = sinceStart(previous, nowMs, clock);
  if (since === undefined) return undefined;
  const { elapsedMs, graceMs } = since;
  if (elapsedMs < 0 || elapsedMs >= graceMs) return undefined;

  // Written before the start (older than the time since it): the old instance's heartbeat.
  const oldHeartbeat = checked.heartbeatAgeSeconds !== undefined && checked.heartbeatAgeSeconds * 1000 > elapsedMs;
  // A heartbeat that cannot be trusted may be the new instance's first, half written by a
  // writer that does not write atomically: it gets the grace period too.
  // An app found by `match` that no process matches yet is one still coming up, as one whose first heartbeat is not due.
  // So is one whose health probe does not answer yet: an app may beat, or run, long before it
  // listens; killing it then would start it again and again, never letting it come up.
  const noNewHeartbeat =
    checked.state === 'no_heartbeat' ||
    checked.state === 'invalid_heartbeat' ||
    checked.state === 'not_running' ||
    checked.state === 'probe_failed' ||
    oldHeartbeat;
  if (!noNewHeartbeat || checked.state === 'healthy' || checked.state === 'check_error') return undefined;
  const waited = formatSeconds(Math.max(0, elapsedMs / 1000));
  const instance = previous.startedInstance;
  if (instance !== undefined && clock?.isGone?.(instance) === true) {
    return { gone: true, reason: `PID ${instance.pid}, started ${waited} ago, has exited: no start grace` };
  }
  const left = formatSeconds((graceMs - elapsedMs) / 1000);
  return {
    gone: false,
    reason: `started ${waited} ago, waiting for ${awaited(checked.state)} (${left} of grace left); ${checked.reason}`,
  };
}

/** What told the state a held check wraps: its health probe for `probe_failed`, else its heartbeat (as always said). */
function checkLabel(state: HealthVerdict['state']): string {
  return state === 'probe_failed' ? 'health probe' : 'heartbeat';
}

/** What a check in its start grace waits for, in a few words. */
function awaited(state: HealthVerdict['state']): string {
  if (state === 'not_running') return 'a matching process';
  if (state === 'probe_failed') return 'its health probe to answer';
  return 'its first heartbeat';
}

/**
 * How long ago the last start was, and how long its grace lasts. In the boot it happened
 * in, on the boot clock: a step of the wall clock (NTP on a device without a real-time
 * clock) neither stretches the grace by hours nor ends it at once. After a reboot the
 * started instance is gone, so there is no grace. Only for a start recorded without the
 * boot clock (older rows, /proc/uptime unreadable) is the wall clock used.
 */
function sinceStart(
  previous: PreviousState,
  nowMs: number,
  clock: GraceClock | undefined,
): { elapsedMs: number; graceMs: number } | undefined {
  if (previous.startedAt === null || previous.graceUntil === null) return undefined;
  const startedMs = Date.parse(previous.startedAt);
  const graceUntilMs = Date.parse(previous.graceUntil);
  if (Number.isNaN(startedMs) || Number.isNaN(graceUntilMs)) return undefined;
  const graceMs = graceUntilMs - startedMs;
  const { startedBootId, startedUptimeSeconds } = previous;
  if (startedBootId !== null && clock?.bootId !== undefined) {
    if (startedBootId.toLowerCase() !== clock.bootId.toLowerCase()) return undefined;
    if (startedUptimeSeconds !== null && clock.uptimeSeconds !== undefined) {
      return { elapsedMs: (clock.uptimeSeconds - startedUptimeSeconds) * 1000, graceMs };
    }
  }
  // A clock now before the start was set back: the grace would last as long as the step, so it ends.
  return { elapsedMs: nowMs - startedMs, graceMs };
}
