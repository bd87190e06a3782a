import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemErrorCode } from '../errors.js';

/**
 * Reads `/proc/PID/NAME`; `undefined` when there is no such process (ENOENT, or ESRCH:
 * it exited between opening the file and reading it) or the PID is not a valid one.
 *
 * @param procRoot where procfs is mounted; tests point it at a fake tree.
 * @throws on any other read error (procfs itself unusable).
 */
export function readProcFile(pid: number, name: string, procRoot = '/proc'): string | undefined {
  if (!Number.isSafeInteger(pid) || pid < 1) return undefined;
  try {
    return readFileSync(join(procRoot, String(pid), name), 'utf8');
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === 'ENOENT' || code === 'ESRCH') return undefined;
    throw error;
  }
}
