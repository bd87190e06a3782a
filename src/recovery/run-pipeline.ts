import { describeError } from '../errors.js';
import { stopSignalOf } from '../system/stop-signal.js';
import type { System } from '../system/system.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import { actionResult, type ActionResult } from './action-result.js';
import type { ActionContext } from './command-env.js';
import { runCommandAction } from './command-action.js';
import { runKillAction } from './kill-action.js';
import { runMatchKillAction } from './match-kill-action.js';
import { stopsPipelineOnFailure, type ActionPlan } from './plan-recovery.js';
import { runStartAction } from './start-action.js';
import { runWakeAction } from './wake-action.js';

export interface PipelineResult {
  /**
   * `failed` when a built-in action (`kill`, `start`) failed: the pipeline stopped there (or,
   * with `commandsMustSucceed`, when a command failed);
   * `interrupted` when the watchdog was asked to stop (`system.signal`) before it ended.
   */
  outcome: 'succeeded' | 'failed' | 'interrupted';
  actions: ActionResult[];
  /** The start action, when one ran and succeeded: the app was started. */
  started: ActionResult | undefined;
  /** One line on what went wrong: the failed built-in action, or custom actions that failed. */
  summary: string;
}

export interface PipelineOptions {
  /**
   * A failed command fails the pipeline (the next ones still run): a file system's recovery
   * is its commands, so it succeeded only when they did. A process's commands are cleanups
   * around its start, whose failure is a warning (the Python Watchdog's rule).
   */
  commandsMustSucceed?: boolean | undefined;
}

/**
 * Runs the actions in order. A failed `kill` or `start` stops the pipeline (the rest are
 * recorded as skipped); a failed custom action is a warning and the pipeline goes on.
 * `onAction` sees each action as soon as it ends, so the audit log has it even if the
 * watchdog is killed before the pipeline ends.
 */
export async function runPipeline(
  plans: readonly ActionPlan[],
  context: ActionContext,
  system: System,
  onAction: (result: ActionResult, position: number) => void,
  { commandsMustSucceed = false }: PipelineOptions = {},
): Promise<PipelineResult> {
  const actions: ActionResult[] = [];
  let stoppedBy: ActionResult | undefined;
  const skipped = (plan: ActionPlan, why: string): ActionResult =>
    actionResult({
      action: plan.action,
      outcome: 'skipped',
      startedAt: formatUtcTimestamp(system.now()),
      durationMs: 0,
      detail: `not run: ${why}`,
    });
  for (const [position, plan] of plans.entries()) {
    const stopping = stopSignalOf(system.signal);
    const result =
      stoppedBy !== undefined
        ? skipped(plan, `${stoppedBy.action} failed`)
        : stopping !== undefined
          ? skipped(plan, `the watchdog was asked to stop (${stopping})`)
          : await runActionRecorded(plan, context, system);
    actions.push(result);
    onAction(result, position);
    if (stoppedBy === undefined && result.outcome === 'failed' && stopsPipelineOnFailure(plan)) stoppedBy = result;
  }
  const warnings = actions.filter((action, index) => {
    const plan = plans[index];
    return action.outcome === 'failed' && plan !== undefined && !stopsPipelineOnFailure(plan);
  });
  const started = actions.find((action, index) => action.outcome === 'ok' && plans[index]?.kind === 'start');
  const stopped = stopSignalOf(system.signal);
  const summary = summarize(stoppedBy, warnings, commandsMustSucceed);
  if (stopped !== undefined && stoppedBy === undefined) {
    const done = actions
      .filter((action) => action.outcome !== 'skipped')
      .map((action) => `${action.action} ${action.outcome}`);
    const did = done.length === 0 ? 'nothing had run' : `done: ${done.join(', ')}`;
    return {
      outcome: 'interrupted',
      actions,
      started,
      summary: `interrupted by ${stopped} (${did})${summary === '' ? '' : `; ${summary}`}`,
    };
  }
  const failed = stoppedBy !== undefined || (commandsMustSucceed && warnings.length > 0);
  return { outcome: failed ? 'failed' : 'succeeded', actions, started, summary };
}

/**
 * An action that throws is the watchdog's own fault (an OS call that failed in a way the
 * action does not expect): it is recorded as that action failing, so the audit log never
 * shows a recovery that just stopped, and the tick goes on to the other processes.
 */
async function runActionRecorded(plan: ActionPlan, context: ActionContext, system: System): Promise<ActionResult> {
  const startedMs = system.monotonicMs();
  try {
    return await runAction(plan, context, system);
  } catch (error) {
    return actionResult({
      action: plan.action,
      outcome: 'failed',
      startedAt: formatUtcTimestamp(new Date(startedMs)),
      durationMs: system.monotonicMs() - startedMs,
      detail: `the watchdog could not run it: ${describeError(error)}`,
    });
  }
}

function runAction(plan: ActionPlan, context: ActionContext, system: System): Promise<ActionResult> {
  switch (plan.kind) {
    case 'kill':
      return plan.byMatch === undefined ? runKillAction(plan, system) : runMatchKillAction(plan, plan.byMatch, system);
    case 'command':
      return runCommandAction(plan, context, system);
    case 'start':
      return runStartAction(plan, context, system);
    case 'wol':
      return runWakeAction(plan, system);
  }
}

function summarize(
  stoppedBy: ActionResult | undefined,
  warnings: readonly ActionResult[],
  commandsMustSucceed: boolean,
): string {
  const parts: string[] = [];
  if (stoppedBy !== undefined) parts.push(`${stoppedBy.action} failed: ${stoppedBy.detail}`);
  const prefix = commandsMustSucceed ? '' : 'warning: ';
  for (const warning of warnings) parts.push(`${prefix}${warning.action} failed: ${warning.detail}`);
  return parts.join('; ');
}
