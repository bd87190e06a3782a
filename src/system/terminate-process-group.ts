import { performance } from 'node:perf_hooks';
import { pollDelayMs } from '../time/poll-delay.js';
import { sleep } from '../time/sleep.js';
import { systemErrorCode } from '../errors.js';
import { listProcessGroup } from './proc-stat.js';

/** How to stop a process group, and for tests what to stop it with. */
export interface TerminateProcessGroupOptions {
  /** How long the group has after SIGTERM before it gets SIGKILL. */
  killGraceMs: number;
  /** For testing: how a process group is listed (default {@link listProcessGroup}). */
  listGroup?: (pgid: number) => number[];
  /** For testing: how a signal is sent (default `process.kill`). */
  kill?: (pid: number, signal: NodeJS.Signals) => void;
  /**
   * The longest wait between two listings of the group while waiting for it to go (default
   * 20 ms). The first ones come sooner (see {@link pollDelayMs}).
   */
  pollIntervalMs?: number;
  /** How long to wait for the group to go after SIGKILL before giving up (default 5000 ms). */
  giveUpAfterMs?: number;
}

/** How the group was stopped. */
export interface TerminateProcessGroupResult {
  /** Whether SIGKILL had to be sent. */
  killed: boolean;
  /**
   * Members still listed when we gave up, empty once the group is gone. Not empty only
   * when SIGKILL could not finish them in time (stuck in uninterruptible sleep) or we
   * were not allowed to signal them (EPERM).
   */
  survivors: number[];
}

/**
 * Stops every process of group `pgid`: SIGTERM, up to `killGraceMs` for the group to
 * go, SIGKILL for what is left, then waits (bounded) until no member is listed, so no
 * grandchild outlives a command that timed out.
 *
 * @throws RangeError unless `pgid` is an integer > 1: `kill(-1)` or `kill(-0)` would
 * signal every process we may reach, or our own group.
 */
export async function terminateProcessGroup(pgid: number, options: TerminateProcessGroupOptions): Promise<TerminateProcessGroupResult> {
  if (!Number.isSafeInteger(pgid) || pgid <= 1) throw new RangeError(`refusing to signal process group ${pgid}`);
  const { killGraceMs, listGroup = listProcessGroup, pollIntervalMs = 20, giveUpAfterMs = 5000 } = options;
  const kill = options.kill ?? ((pid: number, signal: NodeJS.Signals) => process.kill(pid, signal));
  const wait = (forMs: number) => waitUntilEmpty(pgid, listGroup, forMs, pollIntervalMs);

  const afterTerm = signalGroup(kill, pgid, 'SIGTERM');
  if (afterTerm === 'gone') return { killed: false, survivors: [] };
  if (afterTerm === 'denied') return { killed: false, survivors: listGroup(pgid) };
  const leftAfterGrace = await wait(killGraceMs);
  // A PID is not reused while it still names a process group with a member in it, so a
  // group that still lists members is still ours to signal.
  if (leftAfterGrace.length === 0) return { killed: false, survivors: [] };

  const afterKill = signalGroup(kill, pgid, 'SIGKILL');
  if (afterKill === 'gone') return { killed: false, survivors: [] };
  if (afterKill === 'denied') return { killed: false, survivors: listGroup(pgid) };
  return { killed: true, survivors: await wait(giveUpAfterMs) };
}

/** `sent`, or `gone` (ESRCH: no member left), or `denied` (EPERM: no member we may signal). */
function signalGroup(
  kill: (pid: number, signal: NodeJS.Signals) => void,
  pgid: number,
  signal: NodeJS.Signals,
): 'sent' | 'gone' | 'denied' {
  try {
    kill(-pgid, signal);
    return 'sent';
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === 'ESRCH') return 'gone';
    if (code === 'EPERM') return 'denied';
    throw error;
  }
}

/** Lists the group until it is empty or `forMs` has passed; returns the last listing. */
async function waitUntilEmpty(
  pgid: number,
  listGroup: (pgid: number) => number[],
  forMs: number,
  everyMs: number,
): Promise<number[]> {
  const deadline = performance.now() + forMs;
  for (let attempt = 0; ; attempt += 1) {
    const members = listGroup(pgid);
    const left = deadline - performance.now();
    if (members.length === 0 || left <= 0) return members;
    await sleep(Math.min(pollDelayMs(attempt, everyMs), left));
  }
}
