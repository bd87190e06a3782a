import type { HealthVerdict } from '../../src/heartbeat/classify-heartbeat.js';
import type { HealthState } from '../../src/heartbeat/health-state.js';

/** A verdict with only the state and reason given; the rest empty. */
export function verdictOf(state: HealthState, reason: string = state, extra: Partial<HealthVerdict> = {}): HealthVerdict {
  return {
    state,
    reason,
    pid: undefined,
    heartbeatTimestamp: undefined,
    heartbeatAgeSeconds: undefined,
    iteration: undefined,
    status: undefined,
    warning: undefined,
    ...extra,
  };
}
