import type { ProcessConfig } from '../config/types.js';
import { formatSeconds } from '../time/format-duration.js';
import { formatCount } from '../display/format-count.js';

/** A process's limits on recoveries: `max_recoveries`, `recovery_window_seconds`, `recovery_backoff_seconds`. */
export interface CrashLoopLimits {
  maxRecoveries: number;
  windowSeconds: number;
  backoffSeconds: number;
}

export function crashLoopLimitsOf(
  process: Pick<ProcessConfig, 'max_recoveries' | 'recovery_window_seconds' | 'recovery_backoff_seconds'>,
): CrashLoopLimits {
  return {
    maxRecoveries: process.max_recoveries,
    windowSeconds: process.recovery_window_seconds,
    backoffSeconds: process.recovery_backoff_seconds,
  };
}

/** How far ahead of the clock a recovery may seem to have started and still count (ticks of one run). */
const CLOCK_TOLERANCE_MS = 60_000;

/** One of cron's recoveries of a process, as the guard weighs it. */
export interface PastRecovery {
  startedAt: string;
  finishedAt: string | null;
  /** `succeeded`, `failed`, `interrupted`, `running`. */
  outcome: string;
  /** The boot it ran in and the boot clock (`/proc/uptime`) at its start and end; null in rows older than them. */
  bootId?: string | null | undefined;
  startedUptimeSeconds?: number | null | undefined;
  finishedUptimeSeconds?: number | null | undefined;
}

/** This boot's id and the seconds since it, when they can be read. */
export interface GuardClock {
  bootId: string | undefined;
  uptimeSeconds: number | undefined;
}

/** What the guard needs to know of a process's recent recoveries. */
export interface RecoveryBudget {
  /** Recoveries that started within the window (and since the guard was last reset). */
  recent: number;
  /** Failed recoveries in a row, the latest first, since the last reset (interrupted ones are passed over). */
  failedInARow: number;
  /** When the latest failed one ended, in ms since the epoch. */
  lastFailedMs: number | undefined;
}

export type CrashLoopDecision =
  { kind: 'allow' } | { kind: 'backoff'; untilMs: number; reason: string } | { kind: 'give_up'; reason: string };

/**
 * When a recovery's moment was, in ms since the epoch as the wall clock reads now. A moment
 * of this boot is placed by the boot clock, which NTP cannot step: a step of the wall clock
 * since then (a device without a real-time clock) neither pushes recent recoveries out of
 * the window, so a crash loop never gives up, nor ends a backoff at once. Moments of an
 * earlier boot, and rows recorded before the boot clock was, keep their wall time.
 */
function momentMs(
  wall: string,
  uptimeSeconds: number | null | undefined,
  recovery: PastRecovery,
  nowMs: number,
  clock: GuardClock | undefined,
): number {
  const sameBoot =
    clock?.bootId !== undefined &&
    clock.uptimeSeconds !== undefined &&
    typeof recovery.bootId === 'string' &&
    recovery.bootId.toLowerCase() === clock.bootId.toLowerCase();
  if (sameBoot && typeof uptimeSeconds === 'number' && clock.uptimeSeconds !== undefined)
    return nowMs - (clock.uptimeSeconds - uptimeSeconds) * 1000;
  return Date.parse(wall);
}

/**
 * Weighs past recoveries, newest first. Only those after `countedSinceMs` (when a person
 * last reset the guard, with `on`, `restart` or `reset`) count, so a reset gives a fresh budget.
 * With `clock`, recoveries of this boot are placed on the boot clock (see {@link momentMs}).
 */
export function budgetOf(
  recoveries: readonly PastRecovery[],
  nowMs: number,
  windowSeconds: number,
  countedSinceMs: number | undefined,
  clock?: GuardClock,
): RecoveryBudget {
  // A reset "in the future" is a clock set back since: it no longer limits anything.
  const resetMs = countedSinceMs !== undefined && countedSinceMs <= nowMs ? countedSinceMs : undefined;
  const since = Math.max(nowMs - windowSeconds * 1000, resetMs ?? -Infinity);
  const counted = recoveries.filter((recovery) => resetMs === undefined || Date.parse(recovery.startedAt) >= resetMs);
  // Recoveries dated after now were recorded before the clock was set back (a device without
  // a real-time clock, booted at an old date): they are not "within the window".
  const recent = counted.filter((recovery) => {
    const startedMs = momentMs(recovery.startedAt, recovery.startedUptimeSeconds, recovery, nowMs, clock);
    return startedMs >= since && startedMs <= nowMs + CLOCK_TOLERANCE_MS;
  }).length;
  // An interrupted recovery (the watchdog died mid-pipeline) says nothing of the app, and
  // may have left it killed and not started: it neither adds to the backoff nor ends it.
  const finished = counted.filter((recovery) => recovery.outcome !== 'interrupted' && recovery.outcome !== 'running');
  let failedInARow = 0;
  for (const recovery of finished) {
    if (recovery.outcome !== 'failed') break;
    failedInARow += 1;
  }
  const latestFailed = failedInARow > 0 ? finished[0] : undefined;
  const lastFailedMs =
    latestFailed === undefined
      ? undefined
      : latestFailed.finishedAt === null
        ? momentMs(latestFailed.startedAt, latestFailed.startedUptimeSeconds, latestFailed, nowMs, clock)
        : momentMs(latestFailed.finishedAt, latestFailed.finishedUptimeSeconds, latestFailed, nowMs, clock);
  return { recent, failedInARow, lastFailedMs: Number.isNaN(lastFailedMs) ? undefined : lastFailedMs };
}

/**
 * Whether a recovery that is due may run now. After `maxRecoveries` within the window the
 * app is given up on: restarting it again would only repeat the crash (and may wear out
 * flash or hammer a broken peer), so a person must look. After a failed recovery the next
 * waits `backoffSeconds`, doubled for each further failure in a row (at most the window).
 */
export function decideCrashLoop(budget: RecoveryBudget, limits: CrashLoopLimits, nowMs: number): CrashLoopDecision {
  if (budget.recent >= limits.maxRecoveries) {
    return {
      kind: 'give_up',
      reason: `gave up: ${formatCount(budget.recent, 'recovery', 'recoveries')} within ${formatSeconds(limits.windowSeconds)} (max_recoveries ${limits.maxRecoveries})`,
    };
  }
  if (budget.failedInARow > 0 && budget.lastFailedMs !== undefined && limits.backoffSeconds > 0) {
    const waitSeconds = Math.min(limits.backoffSeconds * 2 ** (budget.failedInARow - 1), limits.windowSeconds);
    const untilMs = budget.lastFailedMs + waitSeconds * 1000;
    // A wait longer than the backoff itself means the clock was set back: the wait is over.
    if (nowMs < untilMs && untilMs - nowMs <= waitSeconds * 1000) {
      const failures =
        budget.failedInARow === 1 ? 'a failed recovery' : `${budget.failedInARow} failed recoveries in a row`;
      return {
        kind: 'backoff',
        untilMs,
        reason: `next recovery in ${formatSeconds((untilMs - nowMs) / 1000)} (backoff ${formatSeconds(waitSeconds)} after ${failures})`,
      };
    }
  }
  return { kind: 'allow' };
}
