import { formatSeconds } from '../../time/format-duration.js';
import type { NetworkConfig } from '../config/network-types.js';
import type { NetworkStateRow } from '../store/read-network-state.js';
import { isLinkFailure, type LinkState } from '../link/classify-link.js';
import { formatCount } from '../../display/format-count.js';

export interface LadderFacts {
  state: LinkState;
  /** Consecutive failed checks, this one included. */
  consecutiveFailures: number;
  threshold: number;
  /** When the ladder last ran (ms since the epoch), if ever. */
  lastLadderAtMs: number | undefined;
  nowMs: number;
  intervalMinutes: number;
}

export type LadderDecision =
  { kind: 'healthy' } | { kind: 'not_judged' } | { kind: 'wait'; reason: string } | { kind: 'run'; reason: string };

/**
 * Whether this tick runs the ladder: only for a failure seen `threshold` times in a row,
 * and at most every `intervalMinutes`. Pure.
 */
export function decideLadder(facts: LadderFacts): LadderDecision {
  if (facts.state === 'up') return { kind: 'healthy' };
  if (facts.state === 'check_error') return { kind: 'not_judged' };
  const count = `${formatCount(facts.consecutiveFailures, 'consecutive failed check')}, threshold ${facts.threshold}`;
  if (facts.consecutiveFailures < facts.threshold)
    return { kind: 'wait', reason: `${count}: the ladder waits for the threshold` };
  if (facts.lastLadderAtMs !== undefined) {
    const sinceMs = facts.nowMs - facts.lastLadderAtMs;
    const intervalMs = facts.intervalMinutes * 60_000;
    // A last run in the future means the clock was set back: run rather than wait for it.
    // The time left is in whole seconds, rounded down: a wait of 59m 59.5s is not "60m 00s".
    if (sinceMs >= 0 && sinceMs < intervalMs) {
      return {
        kind: 'wait',
        reason: `${count}; the ladder ran ${formatSeconds(sinceMs / 1000)} ago and runs at most every ${formatSeconds(intervalMs / 1000)} (next in ${formatSeconds(Math.floor((intervalMs - sinceMs) / 1000))})`,
      };
    }
  }
  return { kind: 'run', reason: count };
}

/** What a check means for the count and the ladder, the same for a tick and for its dry run. */
export interface AfterCheck {
  consecutiveFailures: number;
  decision: LadderDecision;
}

/**
 * After a check found `state`: a failure adds one to the count, `up` resets it, and
 * `check_error` leaves it as it was; then whether the ladder runs. Pure.
 */
export function decideAfterCheck(
  network: Pick<NetworkConfig, 'consecutive_failures_threshold' | 'interval_minutes'>,
  before: Pick<NetworkStateRow, 'consecutive_failures' | 'last_ladder_at'>,
  state: LinkState,
  nowMs: number,
): AfterCheck {
  const consecutiveFailures = isLinkFailure(state)
    ? before.consecutive_failures + 1
    : state === 'up'
      ? 0
      : before.consecutive_failures;
  const decision = decideLadder({
    state,
    consecutiveFailures,
    threshold: network.consecutive_failures_threshold,
    lastLadderAtMs: before.last_ladder_at === null ? undefined : Date.parse(before.last_ladder_at),
    nowMs,
    intervalMinutes: network.interval_minutes,
  });
  return { consecutiveFailures, decision };
}
