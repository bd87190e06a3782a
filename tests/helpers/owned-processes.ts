import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemErrorCode } from '../../src/errors.js';
import { listProcessGroup, readProcStat } from '../../src/system/proc-stat.js';
import { onCleanup } from './cleanup.js';

/**
 * SIGKILLs, when the test ends, the process group led by `pgid`, which the test started
 * (a detached child). Only while a member is still listed: a PID is not reused while it
 * names a process group with members, so the group is still the test's own.
 */
export function killGroupOnCleanup(pgid: number): void {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new RangeError(`not a process group of this test: ${pgid}`);
  onCleanup(() => {
    if (listProcessGroup(pgid).length === 0) return;
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch (error) {
      if (systemErrorCode(error) !== 'ESRCH') throw error;
    }
  });
}

/**
 * SIGKILLs, when the test ends, a process the test started through a shell (its PID
 * read from a file), if that PID still names the same process: its start time is
 * taken now, so a PID reused meanwhile by another process is left alone.
 */
export function killProcessOnCleanup(pid: number): void {
  const startTime = readProcStat(pid)?.startTime;
  if (startTime === undefined) return;
  onCleanup(() => {
    if (!isGone(pid, startTime)) process.kill(pid, 'SIGKILL');
  });
}

/** Whether `pid` has exited: no such process, a zombie, or (given `startTime`) another process now. */
export function isGone(pid: number, startTime?: number): boolean {
  const stat = readProcStat(pid);
  return (
    stat === undefined ||
    stat.state === 'Z' ||
    stat.state === 'X' ||
    (startTime !== undefined && stat.startTime !== startTime)
  );
}

/** Polls `condition` until it holds; fails after `timeoutMs`. A wait, not a timing assertion. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting until ${what}`);
    await sleep(20);
  }
}

/** Waits for a file a shell writes a PID into (`echo $! > FILE`), then reads that PID. */
export async function readPidFile(path: string): Promise<number> {
  let pid = NaN;
  await waitUntil(() => {
    try {
      pid = Number(readFileSync(path, 'utf8').trim());
    } catch (error) {
      if (systemErrorCode(error) !== 'ENOENT') throw error;
    }
    return Number.isInteger(pid) && pid > 1;
  }, `${path} holds a PID`);
  return pid;
}
