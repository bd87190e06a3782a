import { describeError, systemErrorCode } from '../errors.js';
import type { System } from '../system/system.js';
import { formatSeconds } from '../time/format-duration.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import { actionResult, type ActionResult } from './action-result.js';
import { commandEnv, type ActionContext } from './command-env.js';
import type { ActionPlan } from './plan-recovery.js';
import { findDaemon } from './find-daemon.js';
import { findMatches } from '../match/find-matches.js';
import { matchSelfOf } from '../match/match-self.js';
import {
  describePids,
  describeRules,
  describeUncertain,
  type MatchJudgement,
  type MatchRules,
} from '../match/judge-matches.js';

type StartPlan = Extract<ActionPlan, { kind: 'start' }>;

/**
 * The built-in `start`: moves the old heartbeat aside (it must not trigger a second
 * recovery while the new instance comes up), then runs the start command detached in its
 * own session, its output appended to the app's output log. Fails when the command
 * cannot run or exits non-zero within `verify_delay`.
 */
export async function runStartAction(plan: StartPlan, context: ActionContext, system: System): Promise<ActionResult> {
  const now = system.now();
  const startedAt = formatUtcTimestamp(now);
  const running = plan.byMatch === undefined ? undefined : runningMatchOf(plan.byMatch, system);
  if (running !== undefined)
    return actionResult({ action: plan.action, startedAt, durationMs: 0, outcome: 'failed', detail: running });
  const moved = moveHeartbeatAside(plan, system);
  // The boot clock before the command runs: a daemon it leaves cannot have started earlier.
  const uptimeBefore = system.processes.uptimeSeconds();
  const hooks = context.startHooks;
  hooks?.beforeSpawn(startedAt);
  const result = await system.startDetached({
    ...(hooks === undefined ? {} : { onSpawn: (pid: number) => hooks.spawned(pid, startedAt) }),
    command: plan.command,
    cwd: plan.cwd,
    env: commandEnv(system.env, context, plan.action),
    user: context.process.user,
    outputPath: plan.outputLog,
    fallbackOutputPaths: [plan.outputLogFallback],
    rotateAboveBytes: plan.outputLogMaxBytes,
    header: `--- ${startedAt} watchdog started ${context.process.key}: ${context.reason} ---`,
    verifyDelayMs: plan.verifyDelaySeconds * 1000,
  });
  // The boot clock once its exit (if it exited) was seen: its session's members were born before.
  const uptimeAfter = system.processes.uptimeSeconds();
  const within = `within ${formatSeconds(plan.verifyDelaySeconds)} (verify_delay)`;
  const fields = {
    action: plan.action,
    startedAt,
    durationMs: result.durationMs,
    pid: result.pid,
    exitCode: result.exitCode,
    signal: result.signal,
    outputTail: result.outputTail === '' ? null : result.outputTail,
  };
  // Healing never waits for a log file: the app started, its output went elsewhere, and the detail says where and why.
  const output =
    result.outputProblems.length === 0
      ? `output appended to ${result.outputPath}`
      : `${result.outputProblems.join('; ')}; output appended to ${result.outputPath}`;
  const notes = moved === undefined ? '' : `; ${moved}`;
  const warning =
    result.outputProblems.length === 0
      ? {}
      : { warning: `${result.outputProblems.join('; ')}; output appended to ${result.outputPath}` };
  if (result.outcome === 'spawn-failed' || (result.outcome === 'exited' && result.exitCode !== 0))
    hooks?.failed(startedAt);
  switch (result.outcome) {
    case 'spawn-failed':
      return actionResult({
        ...fields,
        ...warning,
        outcome: 'failed',
        detail: `could not run the start command: ${result.error ?? 'unknown error'}${notes}`,
      });
    case 'exited':
      if (result.exitCode === 0) {
        const found =
          result.pid === undefined || uptimeBefore === undefined || uptimeAfter === undefined
            ? undefined
            : await findDaemon(
                {
                  pidFile: plan.pidFile,
                  starterPid: result.pid,
                  startedUptimeSeconds: uptimeBefore,
                  exitedUptimeSeconds: uptimeAfter,
                  user: plan.appUser,
                  waitMs: plan.verifyDelaySeconds * 1000,
                },
                system,
              );
        const daemon = found === undefined ? '' : `; ${found.note}`;
        return actionResult({
          ...fields,
          ...warning,
          outcome: 'ok',
          daemon: found?.daemon,
          detail: `the start command exited 0 ${within} (it hands over or daemonizes)${daemon}; ${output}${notes}`,
        });
      }
      return actionResult({
        ...fields,
        ...warning,
        outcome: 'failed',
        detail: `the start command ${result.signal === null ? `exited ${result.exitCode ?? '?'}` : `was killed by ${result.signal}`} ${within}; ${output}${notes}`,
      });
    case 'running':
      if (result.interrupted === true) {
        const waited = formatSeconds(result.durationMs / 1000);
        return actionResult({
          ...fields,
          ...warning,
          outcome: 'ok',
          detail: `PID ${result.pid ?? '?'} running after ${waited}: verify_delay cut short, the watchdog was asked to stop (the app is left running); ${output}${notes}`,
        });
      }
      return actionResult({
        ...fields,
        ...warning,
        outcome: 'ok',
        detail: `PID ${result.pid ?? '?'} running after ${formatSeconds(plan.verifyDelaySeconds)}; ${output}${notes}`,
      });
  }
}

/**
 * For an app checked by `match` alone: why it must not start now, when a process that may
 * be it runs (a match, a matching ancestor of the watchdog, or a process of the user whose
 * command line goes on past the 4096 bytes searched and may match past them). Asked just before the start
 * command runs, after the kill: a daemon an earlier start left that came up late, or a copy
 * started by hand since the check, is never joined by a second one.
 */
function runningMatchOf(rules: MatchRules, system: System): string | undefined {
  let judgement: MatchJudgement;
  try {
    judgement = findMatches(rules, system.processes, matchSelfOf(system));
  } catch (error) {
    return `cannot tell whether it already runs: ${describeError(error)}; not starting what may be a second copy`;
  }
  const running = [...judgement.matches, ...judgement.ancestors].map((entry) => entry.pid);
  // A line cut before the part that would match may be the app: `--force` does not start beside it either.
  if (running.length === 0 && judgement.uncertain.length > 0)
    return `${describeUncertain(judgement.uncertain, rules)}; not starting what may be a second copy`;
  if (running.length === 0) return undefined;
  return `${describePids(running)} already ${running.length === 1 ? 'matches' : 'match'} ${describeRules(rules)}; not starting a second copy`;
}

/** Moves the old heartbeat to `*.stale`; a note of what happened, none when there was no heartbeat. */
function moveHeartbeatAside(plan: StartPlan, system: System): string | undefined {
  if (plan.heartbeat === undefined) return undefined;
  try {
    system.moveFile(plan.heartbeat.path, plan.heartbeat.movedTo);
    return `old heartbeat moved to ${plan.heartbeat.movedTo}`;
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === 'ENOENT') return undefined;
    // A file system error is worth a note, not a failed start; anything else is a bug.
    if (code === undefined) throw error;
    return `could not move the old heartbeat aside: ${describeError(error)}`;
  }
}
