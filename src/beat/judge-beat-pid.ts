import type { ProcessLiveness } from '../system/process-table.js';

/** What the process table says of the PID a beat would name. */
export interface BeatPidFacts {
  liveness: ProcessLiveness;
  /** Field 22 of its `/proc/PID/stat`, when it could be read. */
  startTicks: number | undefined;
}

export type BeatPidVerdict = { ok: true; startTicks: number } | { ok: false; reason: string };

/** Linux never hands out PIDs above this (PID_MAX_LIMIT on 64-bit), as the watchdog reads heartbeats. */
const PID_MAX = 4_194_304;

/**
 * Whether a heartbeat may name `pid`: a live process (not a zombie, not a thread of
 * another one), from 2 up, as the watchdog will judge it. A heartbeat naming a dead PID
 * would send the watchdog after whatever process gets that PID next, so none is written.
 * Pure: `facts` reads the process table only when the number itself is acceptable.
 */
export function judgeBeatPid(pid: number, facts: () => BeatPidFacts): BeatPidVerdict {
  if (!Number.isSafeInteger(pid) || pid < 2 || pid > PID_MAX)
    return { ok: false, reason: `PID ${pid} is not one a heartbeat may name (a whole number from 2 to ${PID_MAX})` };
  const { liveness, startTicks } = facts();
  switch (liveness) {
    case 'alive':
      // Its stat is read after its status: gone in between, it is as dead.
      return startTicks === undefined ? { ok: false, reason: `no process has PID ${pid}` } : { ok: true, startTicks };
    case 'dead':
      return { ok: false, reason: `no process has PID ${pid}` };
    case 'zombie':
      return { ok: false, reason: `PID ${pid} has exited (a zombie)` };
    case 'thread':
      return { ok: false, reason: `PID ${pid} is a thread of another process, not a process` };
  }
}
