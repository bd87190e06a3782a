import { closeSync, constants, fstatSync } from 'node:fs';
import { describeError, systemErrorCode } from '../errors.js';
import { PROCESS_LINK_TRUST, openFileSafely } from './open-file-safely.js';
import { readToScratch } from './read-to-scratch.js';

/** What a daemon's PID file said: a PID (still untrusted), or why none was read. */
export type PidFileRead =
  | { kind: 'pid'; pid: number; /** Who owns the file: who wrote it, or root. */ ownerUid: number }
  | { kind: 'missing' }
  | { kind: 'refused'; reason: string };

/** A PID file holds a number and a newline; anything much larger is not one. */
const MAX_PID_FILE_BYTES = 64;

/**
 * Reads a daemon's PID file as the app's user may have written it: never through a link
 * that user could plant (the file itself or a folder on the way), only a regular file, a
 * FIFO cannot block (non-blocking open), and only a plain decimal number is a PID. The PID
 * is still untrusted: the caller checks which process it names.
 */
export function readPidFile(path: string): PidFileRead {
  let fd: number;
  try {
    fd = openFileSafely(path, { flags: constants.O_RDONLY | constants.O_NONBLOCK, trust: PROCESS_LINK_TRUST });
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === 'ENOENT') return { kind: 'missing' };
    if (code === 'ELOOP')
      return { kind: 'refused', reason: `${path} is a symbolic link: not followed (it may point at any file)` };
    if (code === undefined) throw error;
    return { kind: 'refused', reason: `cannot open ${path}: ${describeError(error)}` };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { kind: 'refused', reason: `${path} is not a regular file` };
    const text = readToScratch(fd, MAX_PID_FILE_BYTES + 1).toString('latin1');
    const digits = /^\s*(\d{1,10})\s*$/.exec(text)?.[1];
    if (text.length > MAX_PID_FILE_BYTES || digits === undefined)
      return { kind: 'refused', reason: `${path} does not hold a PID (a decimal number)` };
    return { kind: 'pid', pid: Number(digits), ownerUid: stats.uid };
  } finally {
    closeSync(fd);
  }
}
