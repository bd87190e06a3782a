import type { System } from '../system/system.js';
import { commandSucceeded, describeCommandResult } from '../system/describe-command-result.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import { actionResult, type ActionResult } from './action-result.js';
import { commandEnv, type ActionContext } from './command-env.js';
import type { ActionPlan } from './plan-recovery.js';

type CommandPlan = Extract<ActionPlan, { kind: 'command' }>;

/**
 * A custom action (`commands.<name>`): the shell command, bounded by `cleanup_timeout`;
 * on timeout its whole process tree is killed, so no grandchild is left behind.
 */
export async function runCommandAction(
  plan: CommandPlan,
  context: ActionContext,
  system: System,
): Promise<ActionResult> {
  const startedAt = formatUtcTimestamp(system.now());
  const result = await system.runShellCommand({
    command: plan.command,
    cwd: plan.cwd,
    env: commandEnv(system.env, context, plan.action),
    user: context.process.user,
    timeoutMs: plan.timeoutSeconds * 1000,
    killGraceMs: plan.killGraceSeconds * 1000,
  });
  const ok = commandSucceeded(result);
  return actionResult({
    action: plan.action,
    outcome: ok ? 'ok' : 'failed',
    startedAt,
    durationMs: result.durationMs,
    pid: result.pid,
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: result.timedOut,
    detail: describeCommandResult(result, plan.timeoutSeconds, 'cleanup_timeout'),
    outputTail: result.outputTail === '' ? null : result.outputTail,
  });
}
