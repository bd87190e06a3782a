import { describeError, systemErrorCode } from '../errors.js';
import { startedAtMs } from '../system/proc-stat.js';
import { observeIdentity } from '../system/observe-identity.js';
import type { System } from '../system/system.js';
import { checkIdentity, type ExpectedIdentity } from '../heartbeat/check-identity.js';
import { formatSeconds } from '../time/format-duration.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import { pollDelayMs } from '../time/poll-delay.js';
import { actionResult, type ActionResult } from './action-result.js';
import { decideKill, type KillDecision, type KillTarget } from './decide-kill.js';
import type { ActionPlan } from './plan-recovery.js';

/** The longest wait between two looks for the app after a signal (the first looks come sooner, see pollDelayMs). */
export const KILL_POLL_MS = 25;
/** How long a process may take to disappear after SIGKILL before `kill` fails (a process stuck in the kernel). */
export const AFTER_SIGKILL_WAIT_MS = 5000;

type KillPlan = Extract<ActionPlan, { kind: 'kill' }>;

/** What the guards decide for the plan's PID right now (also what `--dry-run` shows). */
export function decideKillNow(plan: KillPlan, system: System): KillDecision {
  const { candidate } = plan;
  if (candidate.pid === undefined)
    return { kind: candidate.refused ? 'refused' : 'nothing_to_kill', why: candidate.why };
  const { pid } = candidate;
  // The guards that need no procfs come first: a hostile PID is refused before anything is read of it.
  const readable = Number.isSafeInteger(pid) && pid > 1;
  const stat = readable ? system.processes.stat(pid) : undefined;
  const bootTimeMs = stat === undefined ? undefined : system.processes.bootTimeMs();
  const identity =
    stat === undefined || candidate.identity === undefined
      ? undefined
      : checkIdentity(pid, candidate.identity, observeIdentity(system.processes, pid));
  return decideKill(pid, {
    liveness: readable ? system.processes.liveness(pid) : 'dead',
    processGroup: stat?.pgrp,
    startTime: stat?.startTime,
    startedAtMs: stat === undefined || bootTimeMs === undefined ? undefined : startedAtMs(stat, bootTimeMs),
    heartbeatMs: candidate.heartbeatMs,
    expectedStartTicks: candidate.startTicks,
    identityProblem: identity?.ok === false ? identity.reason : undefined,
    identityProven: identity?.ok === true && provesWriter(candidate.identity, system.processes.bootId()),
    ownPid: system.ownPid,
    ownProcessGroup: system.ownProcessGroup,
    ancestors: system.ancestors(),
  });
}

/**
 * Whether a passed identity check proved the PID is the heartbeat's writer: its start time
 * was compared within the same boot (start times count from boot, so an app started early
 * at every boot has the same one each time; only the boot id tells those apart).
 */
function provesWriter(expected: ExpectedIdentity | undefined, bootId: string | undefined): boolean {
  return expected?.startTicks !== undefined && expected.bootId !== undefined && bootId !== undefined;
}

/**
 * The built-in `kill`: SIGTERM (and SIGCONT, so a stopped app can act on it) to the app,
 * or to the process group it leads; SIGKILL after `kill_timeout`. Fails only when the
 * app could not be signalled or is still there after SIGKILL.
 */
export async function runKillAction(plan: KillPlan, system: System): Promise<ActionResult> {
  const base = { action: plan.action, startedAt: formatUtcTimestamp(system.now()) };
  // Measured on the monotonic clock: a clock step during kill_timeout must neither cut it short
  // (SIGKILL at once) nor stretch it for hours.
  const startedMs = system.monotonicMs();
  const elapsed = (): number => system.monotonicMs() - startedMs;

  let decision: KillDecision;
  try {
    decision = decideKillNow(plan, system);
  } catch (error) {
    // procfs unreadable or unparsable: the app cannot be identified, so it is not signalled,
    // and the kill fails with the reason (nothing is swallowed: it is the action's detail).
    return actionResult({
      ...base,
      outcome: 'failed',
      durationMs: elapsed(),
      detail: `cannot inspect the process: ${describeError(error)}`,
    });
  }
  if (decision.kind === 'cannot_kill')
    return actionResult({ ...base, outcome: 'failed', durationMs: elapsed(), detail: decision.why });
  if (decision.kind !== 'signal')
    return actionResult({ ...base, outcome: decision.kind, durationMs: elapsed(), detail: decision.why });

  const { target } = decision;
  const who = target.group ? `process group ${target.pid}` : `PID ${target.pid}`;
  const done = (outcome: 'ok' | 'failed', signal: string, detail: string): ActionResult =>
    actionResult({ ...base, outcome, durationMs: elapsed(), pid: target.pid, signal, detail: `${who}: ${detail}` });

  const sent = send(system, target, 'SIGTERM');
  if (sent !== undefined)
    return sent === 'gone' ? done('ok', 'SIGTERM', 'exited before it was signalled') : done('failed', 'SIGTERM', sent);
  send(system, target, 'SIGCONT');
  // Asked to stop, the watchdog does not wait out kill_timeout: the kill is finished with SIGKILL now.
  if (await waitUntilGone(system, target, plan.timeoutSeconds * 1000, true)) {
    return done('ok', 'SIGTERM', `exited ${formatSeconds(elapsed() / 1000)} after SIGTERM`);
  }

  const killed = send(system, target, 'SIGKILL');
  // Gone just as kill_timeout ended: no SIGKILL was sent.
  if (killed === 'gone') return done('ok', 'SIGTERM', `exited ${formatSeconds(elapsed() / 1000)} after SIGTERM`);
  if (killed !== undefined) return done('failed', 'SIGKILL', killed);
  const stopping = system.signal?.aborted === true ? String(system.signal.reason) : undefined;
  if (await waitUntilGone(system, target, AFTER_SIGKILL_WAIT_MS)) {
    if (stopping !== undefined)
      return done(
        'ok',
        'SIGKILL',
        `still running when the watchdog was asked to stop (${stopping}); killed with SIGKILL`,
      );
    return done(
      'ok',
      'SIGKILL',
      `still running ${formatSeconds(plan.timeoutSeconds)} after SIGTERM (kill_timeout); killed with SIGKILL`,
    );
  }
  return done(
    'failed',
    'SIGKILL',
    `still running ${formatSeconds(AFTER_SIGKILL_WAIT_MS / 1000)} after SIGKILL (stuck in the kernel?)`,
  );
}

/** Sends a signal; `undefined` when sent, `'gone'` when there was no one left, else why it failed. */
function send(system: System, target: KillTarget, signal: NodeJS.Signals): 'gone' | string | undefined {
  // Only ever the app itself or the group it leads; never once its PID names another process.
  if (!isSameProcess(system, target)) {
    if (!target.group) return 'gone';
    // The leader has gone but members may be left: the group ID stays theirs while they
    // live (the kernel does not reuse it), unless a stranger with the reused PID leads it now.
    const members = system.processes.groupMembers(target.pid);
    if (members.length === 0 || members.includes(target.pid)) return 'gone';
  }
  try {
    system.sendSignal(target.group ? -target.pid : target.pid, signal);
    return undefined;
  } catch (error) {
    if (systemErrorCode(error) === 'ESRCH') return 'gone';
    return `cannot send ${signal}: ${describeError(error)}`;
  }
}

/** Whether the target went within `timeoutMs`; `untilStopped`: no longer than until the watchdog is asked to stop. */
async function waitUntilGone(
  system: System,
  target: KillTarget,
  timeoutMs: number,
  untilStopped = false,
): Promise<boolean> {
  const deadline = system.monotonicMs() + timeoutMs;
  for (let attempt = 0; ; attempt += 1) {
    if (isGone(system, target)) return true;
    if (system.monotonicMs() >= deadline || (untilStopped && system.signal?.aborted === true)) return false;
    await system.sleep(pollDelayMs(attempt, KILL_POLL_MS));
  }
}

/** The app has exited (a zombie counts) and, when it led a group, so has every member of it. */
function isGone(system: System, target: KillTarget): boolean {
  if (isSameProcess(system, target)) return false;
  if (!target.group) return true;
  const members = system.processes.groupMembers(target.pid);
  // A member with the leader's PID is a stranger that reused it: not ours to wait for.
  return members.length === 0 || members.includes(target.pid);
}

/** The PID still names the live app: same start time (not a reused PID), not a zombie. */
function isSameProcess(system: System, target: KillTarget): boolean {
  const stat = system.processes.stat(target.pid);
  if (stat === undefined || stat.state === 'Z' || stat.state === 'X' || stat.state === 'x') return false;
  return target.startTime === undefined || stat.startTime === target.startTime;
}
