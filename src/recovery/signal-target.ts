import { describeError, systemErrorCode } from '../errors.js';
import { checkIdentity } from '../heartbeat/check-identity.js';
import { observeIdentity } from '../system/observe-identity.js';
import type { System } from '../system/system.js';
import { pollDelayMs } from '../time/poll-delay.js';
import type { KillTarget } from './decide-kill.js';

/** The longest wait between two looks for the app after a signal (the first looks come sooner, see pollDelayMs). */
export const KILL_POLL_MS = 25;
/** How long a process may take to disappear after SIGKILL before `kill` fails (a process stuck in the kernel). */
export const AFTER_SIGKILL_WAIT_MS = 5000;

/**
 * Sends a signal; `undefined` when sent, `'gone'` when there was no one left, else why it
 * was not sent. A target with a `recheck` (found by `match`) that no longer is what was
 * matched (command line, user) is not signalled, and that is said.
 */
export function send(system: System, target: KillTarget, signal: NodeJS.Signals): 'gone' | string | undefined {
  // Only ever the app itself or the group it leads; never once its PID names another process.
  if (!isSameProcess(system, target)) {
    if (!target.group) return 'gone';
    // The leader has gone but members may be left: the group ID stays theirs while they
    // live (the kernel does not reuse it), unless a stranger with the reused PID leads it now.
    const members = system.processes.groupMembers(target.pid);
    if (members.length === 0 || members.includes(target.pid)) return 'gone';
  } else if (target.recheck !== undefined) {
    const identity = checkIdentity(target.pid, target.recheck, observeIdentity(system.processes, target.pid));
    if (!identity.ok) return `${signal} not sent: ${identity.reason}`;
  }
  try {
    system.sendSignal(target.group ? -target.pid : target.pid, signal);
    return undefined;
  } catch (error) {
    if (systemErrorCode(error) === 'ESRCH') return 'gone';
    return `cannot send ${signal}: ${describeError(error)}`;
  }
}

/**
 * Whether every target went within `timeoutMs`; `untilStopped`: no longer than until the
 * watchdog is asked to stop.
 */
export async function waitUntilGone(
  system: System,
  targets: readonly KillTarget[],
  timeoutMs: number,
  untilStopped = false,
): Promise<boolean> {
  const deadline = system.monotonicMs() + timeoutMs;
  for (let attempt = 0; ; attempt += 1) {
    if (targets.every((target) => isGone(system, target))) return true;
    if (system.monotonicMs() >= deadline || (untilStopped && system.signal?.aborted === true)) return false;
    await system.sleep(pollDelayMs(attempt, KILL_POLL_MS));
  }
}

/**
 * The app has exited (a zombie counts) and, when it led a group, so has every member of it.
 * By start time only: a process that changed its command line since it was signalled is
 * still there (and not signalled again).
 */
export function isGone(system: System, target: KillTarget): boolean {
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
