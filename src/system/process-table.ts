import { readProcFile } from './read-proc-file.js';

/**
 * What the process table says of a PID. A zombie has exited and only waits to be
 * reaped. A thread ID is not a process: `/proc/TID` exists for every thread although
 * only processes are listed, so a dead app's PID reused as another program's thread
 * must not pass for the app.
 */
export type ProcessLiveness = 'alive' | 'zombie' | 'dead' | 'thread';

/** The process table, as the health checks need it. */
export interface ProcessTable {
  liveness(pid: number): ProcessLiveness;
}

/**
 * The process table read straight from procfs (`/proc/PID/status`): one small read per
 * PID, no `ps` to spawn. `procRoot` is a parameter so tests can point it elsewhere.
 */
export function procfsProcessTable(procRoot = '/proc'): ProcessTable {
  return {
    liveness(pid: number): ProcessLiveness {
      const status = readProcFile(pid, 'status', procRoot);
      return status === undefined ? 'dead' : livenessFromStatus(status, pid);
    },
  };
}

/**
 * Reads `/proc/PID/status`: its `State:` (Z zombie, X dead) and its `Tgid:` (a thread
 * group ID other than the PID means the PID is a thread).
 *
 * @throws when the text has no state or thread group: better no verdict than "alive".
 */
export function livenessFromStatus(status: string, pid: number): ProcessLiveness {
  const state = /^State:\s*(\S)/m.exec(status)?.[1];
  const tgid = /^Tgid:\s*(\d+)\s*$/m.exec(status)?.[1];
  if (state === undefined || tgid === undefined) {
    throw new Error(`cannot read the state of PID ${pid} from its procfs status`);
  }
  if (Number(tgid) !== pid) return 'thread';
  if (state === 'Z') return 'zombie';
  if (state === 'X' || state === 'x') return 'dead';
  return 'alive';
}
