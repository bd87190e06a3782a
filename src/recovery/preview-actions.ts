import type { ProcessConfig } from '../config/types.js';
import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { StartedInstance } from '../store/process-control.js';
import type { System } from '../system/system.js';
import { decideKillNow } from './kill-action.js';
import { killCandidateOf, type KillDecision } from './decide-kill.js';
import { planActions, type ActionPlan } from './plan-recovery.js';

/** An action as `--dry-run` shows it: the plan, and for `kill` what the guards decide right now. */
export interface ActionPreview {
  plan: ActionPlan;
  kill: KillDecision | undefined;
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
    kill: plan.kind === 'kill' ? decideKillNow(plan, system) : undefined,
  }));
}
