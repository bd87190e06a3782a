import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemErrorCode } from '../errors.js';

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
      if (!Number.isSafeInteger(pid) || pid < 1) return 'dead';
      let status: string;
      try {
        status = readFileSync(join(procRoot, String(pid), 'status'), 'utf8');
      } catch (error) {
        const code = systemErrorCode(error);
        if (code === 'ENOENT' || code === 'ESRCH') return 'dead';
        throw error;
      }
      return livenessFromStatus(status, pid);
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
