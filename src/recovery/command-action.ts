import type { System } from '../system/system.js';
import { formatSeconds } from '../time/format-duration.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import { actionResult, type ActionResult } from './action-result.js';
import { commandEnv, type ActionContext } from './command-env.js';
import type { ActionPlan } from './plan-recovery.js';

type CommandPlan = Extract<ActionPlan, { kind: 'command' }>;

/**
 * A custom action (`commands.<name>`): the shell command, bounded by `cleanup_timeout`;
 * on timeout its whole process group is killed, so no grandchild is left behind.
 */
export async function runCommandAction(plan: CommandPlan, context: ActionContext, system: System): Promise<ActionResult> {
  const startedAt = formatUtcTimestamp(system.now());
  const result = await system.runShellCommand({
    command: plan.command,
    cwd: plan.cwd,
    env: commandEnv(system.env, context, plan.action),
    timeoutMs: plan.timeoutSeconds * 1000,
    killGraceMs: plan.killGraceSeconds * 1000,
  });
  const ok = result.spawnError === undefined && !result.timedOut && result.exitCode === 0;
  return actionResult({
    action: plan.action,
    outcome: ok ? 'ok' : 'failed',
    startedAt,
    durationMs: result.durationMs,
    pid: result.pid,
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: result.timedOut,
    detail: describeCommandResult(result, plan.timeoutSeconds),
    outputTail: result.outputTail === '' ? null : result.outputTail,
  });
}

function describeCommandResult(
  result: { spawnError?: string | undefined; timedOut: boolean; exitCode: number | null; signal: string | null; durationMs: number },
  timeoutSeconds: number,
): string {
  if (result.spawnError !== undefined) return `could not run: ${result.spawnError}`;
  if (result.timedOut) return `timed out after ${formatSeconds(timeoutSeconds)} (cleanup_timeout); its process group was killed`;
  const took = formatSeconds(result.durationMs / 1000);
  if (result.signal !== null) return `killed by ${result.signal} after ${took}`;
  return `exited ${result.exitCode ?? '?'} after ${took}`;
}
