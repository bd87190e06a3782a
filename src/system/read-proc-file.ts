import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
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
    return readSmall(join(procRoot, String(pid), name));
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === 'ENOENT' || code === 'ESRCH') return undefined;
    throw error;
  }
}

/** Enough for a stat or status file; a longer file (a long command line) is read whole the usual way. */
const SCRATCH_BYTES = 16 * 1024;
let scratch: Buffer | undefined;

/**
 * A procfs file's text. procfs reports every size as 0, so `readFileSync` reads it through
 * a fresh 64 KiB buffer each time: a tick of a thousand processes spent more on those
 * allocations than on the reads. One reused buffer serves (reads are synchronous).
 */
function readSmall(path: string): string {
  const fd = openSync(path, 'r');
  let length = 0;
  try {
    const buffer = (scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES));
    for (;;) {
      const count = readSync(fd, buffer, length, buffer.length - length, null);
      if (count === 0) return buffer.toString('utf8', 0, length);
      length += count;
      if (length === buffer.length) break;
    }
  } finally {
    closeSync(fd);
  }
  return readFileSync(path, 'utf8');
}
