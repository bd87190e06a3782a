import { isFailure, type HealthState } from '../../src/heartbeat/health-state.js';
import type { ProcessCheck } from '../../src/tick/process-check.js';
import { processConfig } from './process-config.js';
import { verdictOf } from './verdicts.js';

export interface ProcessCheckOptions {
  key?: string;
  state?: HealthState;
  reason?: string;
  /** Default 2 for a failure (the threshold), 0 otherwise. */
  consecutiveFailures?: number;
  guard?: ProcessCheck['guard'];
}

/**
 * One process's check as the tick records it, threshold 2: a recovery is due for a failure
 * at 2 in a row or more, unless the crash-loop guard holds it (`guard`). `web`, `timed_out`
 * unless told otherwise; the heartbeat's own verdict is the recorded one.
 */
export function processCheck({
  key = 'web',
  state = 'timed_out',
  reason = state,
  consecutiveFailures = isFailure(state) ? 2 : 0,
  guard,
}: ProcessCheckOptions = {}): ProcessCheck {
  const verdict = verdictOf(state, reason);
  return {
    process: processConfig({ key }),
    verdict,
    checked: verdict,
    consecutiveFailures,
    threshold: 2,
    recoveryDue: isFailure(state) && consecutiveFailures >= 2 && guard === undefined,
    guard,
  };
}
