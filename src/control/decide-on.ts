import type { ProcessConfig } from '../config/types.js';
import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';

export type OnDecision = { start: true; actions: string[] } | { start: false; why: string };

/**
 * What `watchdog on` does: start the app, never a second copy of one that is healthy or
 * still coming up after a start (unless forced). A hung instance (its heartbeat names a
 * live PID) is killed first, if the process's pipeline kills at all; cleanup actions are
 * for recoveries and do not run.
 */
export function decideOn(process: ProcessConfig, current: HealthVerdict, force: boolean): OnDecision {
  if (!force && current.state === 'healthy') {
    return { start: false, why: `already running and healthy (${current.reason}); not starting a second copy (--force starts one anyway)` };
  }
  if (!force && current.state === 'starting') {
    return { start: false, why: `already starting (${current.reason}); not starting a second copy (--force starts one anyway)` };
  }
  if (!force && (current.state === 'check_error' || current.state === 'invalid_heartbeat')) {
    return { start: false, why: `cannot tell whether it runs (${current.reason}); not starting what may be a second copy (--force starts one anyway)` };
  }
  const hung = current.state === 'timed_out' || current.state === 'error_status';
  const kills = process.recovery_actions.includes('kill');
  if (!force && hung && !kills) {
    return { start: false, why: `it still runs, hung (${current.reason}), and its pipeline has no kill; not starting a second copy (--force starts one anyway)` };
  }
  // Without a trusted heartbeat the instance the watchdog last started may still run: kill looks for it.
  return { start: true, actions: kills && current.state !== 'healthy' ? ['kill', 'start'] : ['start'] };
}
