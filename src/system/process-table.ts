import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemErrorCode } from '../errors.js';

/** What the process table says of a PID. A zombie has exited: it only waits to be reaped. */
export type ProcessLiveness = 'alive' | 'zombie' | 'dead';

/** The process table, as the health checks need it. */
export interface ProcessTable {
  liveness(pid: number): ProcessLiveness;
}

/**
 * The process table read straight from procfs (`/proc/PID/stat`): one small read per
 * PID, no `ps` to spawn. `procRoot` is a parameter so tests can point it elsewhere.
 */
export function procfsProcessTable(procRoot = '/proc'): ProcessTable {
  return {
    liveness(pid: number): ProcessLiveness {
      let stat: string;
      try {
        stat = readFileSync(join(procRoot, String(pid), 'stat'), 'utf8');
      } catch (error) {
        const code = systemErrorCode(error);
        if (code === 'ENOENT' || code === 'ESRCH') return 'dead';
        throw error;
      }
      return livenessFromStat(stat);
    },
  };
}

/**
 * The state field of a `/proc/PID/stat` line. The command name before it is in
 * parentheses and may itself contain spaces and parentheses, so the state is found
 * after the last `)`.
 */
export function livenessFromStat(stat: string): ProcessLiveness {
  const state = stat.slice(stat.lastIndexOf(')') + 1).trim()[0];
  if (state === 'Z' || state === 'X' || state === 'x') return state === 'Z' ? 'zombie' : 'dead';
  return 'alive';
}
