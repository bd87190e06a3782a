import type { ProcessConfig } from '../config/types.js';
import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { StartedInstance } from '../store/process-control.js';
import type { System } from '../system/system.js';
import { describeError } from '../errors.js';
import { decideKillNow, type KillPlan } from './kill-action.js';
import { killCandidateOf, type KillDecision } from './decide-kill.js';
import type { MatchKillDecision } from './decide-match-kill.js';
import { decideMatchKillNow } from './match-kill-action.js';
import { planActions, type ActionPlan } from './plan-recovery.js';

/** An action as `--dry-run` shows it: the plan, and for `kill` what the guards decide right now. */
export interface ActionPreview {
  plan: ActionPlan;
  kill: KillDecision | MatchKillDecision | undefined;
}

/** The actions a pipeline would run, without running any. Reads procfs, changes nothing. */
export function previewActions(
  process: ProcessConfig,
  actions: readonly string[],
  heartbeat: HealthVerdict,
  system: System,
  limits: { outputLogMaxBytes: number },
  started: StartedInstance | undefined,
): ActionPreview[] {
  return planActions(process, actions, killCandidateOf(heartbeat, started, process), limits).map((plan) => ({
    plan,
    kill: plan.kind !== 'kill' ? undefined : previewKill(plan, system),
  }));
}

function previewKill(plan: KillPlan, system: System): KillDecision | MatchKillDecision {
  if (plan.byMatch === undefined) return decideKillNow(plan, system);
  try {
    return decideMatchKillNow(plan.byMatch, system);
  } catch (error) {
    return { kind: 'cannot_kill', why: `cannot inspect the processes: ${describeError(error)}` };
  }
}
