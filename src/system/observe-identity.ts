import type { ProcessUids } from './process-owner.js';
import type { ProcessInspector } from './system.js';

/** What the system says of the live PID now; read lazily, only what a check needs. */
export interface ObservedIdentity {
  startTicks: () => number | undefined;
  bootId: () => string | undefined;
  commandLine: () => string | undefined;
  uids: () => ProcessUids | undefined;
}

/** What the process table says of `pid`, read only when an identity check asks. */
export function observeIdentity(processes: ProcessInspector, pid: number): ObservedIdentity {
  return {
    startTicks: () => processes.stat(pid)?.startTime,
    bootId: () => processes.bootId(),
    commandLine: () => processes.commandLine(pid),
    uids: () => processes.uids(pid),
  };
}
