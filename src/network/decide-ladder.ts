import { formatSeconds } from '../time/format-duration.js';
import type { LinkState } from './classify-link.js';

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
  | { kind: 'healthy' }
  | { kind: 'not_judged' }
  | { kind: 'wait'; reason: string }
  | { kind: 'run'; reason: string };

/**
 * Whether this tick runs the ladder: only for a failure seen `threshold` times in a row,
 * and at most every `intervalMinutes`. Pure.
 */
export function decideLadder(facts: LadderFacts): LadderDecision {
  if (facts.state === 'up') return { kind: 'healthy' };
  if (facts.state === 'check_error') return { kind: 'not_judged' };
  const count = `${facts.consecutiveFailures} consecutive failed check(s), threshold ${facts.threshold}`;
  if (facts.consecutiveFailures < facts.threshold) return { kind: 'wait', reason: `${count}: the ladder waits for the threshold` };
  if (facts.lastLadderAtMs !== undefined) {
    const sinceMs = facts.nowMs - facts.lastLadderAtMs;
    const intervalMs = facts.intervalMinutes * 60_000;
    // A last run in the future means the clock was set back: run rather than wait for it.
    if (sinceMs >= 0 && sinceMs < intervalMs) {
      return {
        kind: 'wait',
        reason: `${count}; the ladder ran ${formatSeconds(sinceMs / 1000)} ago and runs at most every ${formatSeconds(intervalMs / 1000)} (next in ${formatSeconds((intervalMs - sinceMs) / 1000)})`,
      };
    }
  }
  return { kind: 'run', reason: count };
}
