import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { HealthState } from '../heartbeat/health-state.js';
import type { StartedInstance } from '../store/process-control.js';

/** The process whose use is measured as the app's, and whether it is judged against the limits. */
export type MeasuredApp =
  | {
      kind: 'app';
      pid: number;
      startTicks: number;
      bootId: string | undefined;
      /** How it is known to be the app. */
      by: 'heartbeat' | 'started';
      /**
       * Judged against the limits: the heartbeat is healthy (a failing one is the more basic
       * problem) and names this very process, so the kill of a recovery targets what was measured.
       */
      judged: boolean;
    }
  | { kind: 'none'; why: string };

/** Heartbeat states in which a trusted heartbeat names the live app (as the start rule's TRUSTED_LIVE). */
const NAMES_LIVE_APP: ReadonlySet<HealthState> = new Set(['healthy', 'timed_out', 'error_status']);

/**
 * Which process is the app, for its resource limits: only one whose identity is proven, as
 * a kill proves it: the heartbeat's PID when the heartbeat records its start time and boot
 * (this boot), which the check found to be that live process; else the instance the
 * watchdog started, when `startedAlive` (the caller read the table: same PID, start time and
 * boot). A heartbeat naming a PID without that proof is never measured as the app: another
 * process may have it. Pure.
 */
export function decideMeasuredApp(
  verdict: Pick<HealthVerdict, 'state' | 'pid' | 'pidStartTicks' | 'bootId'>,
  started: StartedInstance | undefined,
  startedAlive: boolean,
  bootId: string | undefined,
): MeasuredApp {
  const healthy = verdict.state === 'healthy';
  if (
    NAMES_LIVE_APP.has(verdict.state) &&
    verdict.pid !== undefined &&
    verdict.pidStartTicks !== undefined &&
    verdict.bootId !== undefined &&
    bootId !== undefined &&
    verdict.bootId.toLowerCase() === bootId.toLowerCase()
  ) {
    return {
      kind: 'app',
      pid: verdict.pid,
      startTicks: verdict.pidStartTicks,
      bootId,
      by: 'heartbeat',
      judged: healthy,
    };
  }
  if (started !== undefined && startedAlive) {
    return {
      kind: 'app',
      pid: started.pid,
      startTicks: started.startTicks,
      bootId: started.bootId ?? bootId,
      by: 'started',
      judged: healthy && verdict.pid === started.pid,
    };
  }
  if (verdict.pid !== undefined && NAMES_LIVE_APP.has(verdict.state))
    return {
      kind: 'none',
      why: `not measured: PID ${verdict.pid} is not proven to be the app (its heartbeat records no start time and boot, and the watchdog did not start it)`,
    };
  return { kind: 'none', why: 'not measured: no live app is known' };
}
