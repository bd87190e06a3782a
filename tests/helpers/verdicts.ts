import { verdict, type HealthVerdict } from '../../src/heartbeat/classify-heartbeat.js';
import type { HealthState } from '../../src/heartbeat/health-state.js';

/** A verdict with only the state (and a reason) given. */
export function verdictOf(
  state: HealthState,
  reason: string = state,
  extra: Partial<HealthVerdict> = {},
): HealthVerdict {
  return verdict(state, reason, extra);
}
