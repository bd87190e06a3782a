import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemErrorCode } from '../errors.js';
import { SCRATCH_BYTES, readToScratch } from './read-to-scratch.js';

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
    return readSmall(join(procRoot, String(pid), name));
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === 'ENOENT' || code === 'ESRCH') return undefined;
    throw error;
  }
}

/**
 * A procfs file's text. procfs reports every size as 0, so `readFileSync` would read it
 * through a fresh 64 KiB buffer each time; the shared one serves instead. A file that
 * fills it (a long command line) is read again whole the usual way.
 */
function readSmall(path: string): string {
  const fd = openSync(path, 'r');
  let bytes: Buffer;
  try {
    bytes = readToScratch(fd);
  } finally {
    closeSync(fd);
  }
  return bytes.length < SCRATCH_BYTES ? bytes.toString('utf8') : readFileSync(path, 'utf8');
}
