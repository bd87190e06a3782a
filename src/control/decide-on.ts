import type { ProcessConfig } from '../config/types.js';
import { decideStart, type StartDecision, type StartFacts } from '../recovery/decide-start.js';

export type OnDecision =
  { start: true; actions: string[] } | (Extract<StartDecision, { start: false }> & { start: false });

/**
 * What `watchdog on` (and `start-all`) does: {@link decideStart} says whether it may start;
 * a running instance (hung, or the one the watchdog last started) is killed first, if the
 * process's pipeline kills at all; cleanup actions are for recoveries and do not run.
 */
export function decideOn(
  process: Pick<ProcessConfig, 'recovery_actions'>,
  facts: Omit<StartFacts, 'intent' | 'kills'>,
): OnDecision {
  const kills = process.recovery_actions.includes('kill');
  const decision = decideStart({ ...facts, intent: 'start', kills });
  if (!decision.start) return decision;
  // Without a trusted heartbeat the instance the watchdog last started may still run: kill looks for it.
  return { start: true, actions: kills && facts.state !== 'healthy' ? ['kill', 'start'] : ['start'] };
}
