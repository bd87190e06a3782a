import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemErrorCode } from '../errors.js';
import { SCRATCH_BYTES, readToScratch } from './read-to-scratch.js';

/**
 * Reads `/proc/PID/NAME`; `undefined` when there is no such process (ENOENT, or ESRCH:
 * it exited between opening the file and reading it) or the PID is not a valid one.
 *
 * @param procRoot where procfs is mounted; tests point it at a fake tree.
 * @param limit at most this many bytes are read (the rest of the file is never read); at most `SCRATCH_BYTES`.
 * @throws on any other read error (procfs itself unusable).
 */
export function readProcFile(pid: number, name: string, procRoot = '/proc', limit?: number): string | undefined {
  if (!Number.isSafeInteger(pid) || pid < 1) return undefined;
  try {
    return readSmall(join(procRoot, String(pid), name), limit);
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === 'ENOENT' || code === 'ESRCH') return undefined;
    throw error;
  }
}

/**
 * The first `limit` bytes of `/proc/PID/NAME` (at most `SCRATCH_BYTES`), as bytes: valid
 * until the next read of a procfs file. `undefined` as for {@link readProcFile}.
 *
 * @throws on any other read error.
 */
export function readProcBytes(pid: number, name: string, procRoot: string, limit: number): Buffer | undefined {
  if (!Number.isSafeInteger(pid) || pid < 1) return undefined;
  try {
    const fd = openSync(join(procRoot, String(pid), name), 'r');
    try {
      return readToScratch(fd, limit);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === 'ENOENT' || code === 'ESRCH') return undefined;
    throw error;
  }
}

/**
 * A procfs file's text. procfs reports every size as 0, so `readFileSync` would read it
 * through a fresh 64 KiB buffer each time; the shared one serves instead. A file that
 * fills it is read again whole the usual way, unless a `limit` was asked.
 */
function readSmall(path: string, limit: number | undefined): string {
  const fd = openSync(path, 'r');
  let bytes: Buffer;
  try {
    bytes = readToScratch(fd, limit);
  } finally {
    closeSync(fd);
  }
  return limit !== undefined || bytes.length < SCRATCH_BYTES ? bytes.toString('utf8') : readFileSync(path, 'utf8');
}
