import { closeSync, constants, fchownSync, fstatSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { systemErrorCode } from '../errors.js';
import type { LinkTrust } from './link-trust.js';
import { PROCESS_LINK_TRUST, reachFolder } from './open-file-safely.js';
import { regularFileSizeOrZero } from './file-size.js';
import { decodeTail } from './output-tail.js';
import { UnsafePathError } from './unsafe-path-error.js';
import { closeFolder, inFolder } from './walk-path.js';

/** An app's output file, opened for appending. */
export interface OpenedOutputFile {
  /** Read-write, appending; the caller closes it. What the app wrote is read back through it. */
  fd: number;
  /** The file's size once the header is written: where the app's own output begins. */
  startOffset: number;
  /** What went wrong without keeping the file from use (a rotation that failed). */
  notes: string[];
}

export interface OutputFileOptions {
  /** A file larger than this is renamed to `PATH.1` first. */
  rotateAboveBytes?: number | undefined;
  /** A line written before the app's own output. */
  header?: string | undefined;
  /**
   * The user the app runs as: besides root and the watchdog's user, the only owner the file
   * may have, and the one it is given. A file of root's in a folder of the app user's could
   * be moved by them anywhere in that file system, such as to its heartbeat's name, where a
   * heartbeat of root's names any PID it likes.
   */
  appUser?: { uid: number; gid: number } | undefined;
  trust?: LinkTrust | undefined;
}

/**
 * Opens (creating it 0o640, and its folder 0o750) the file an app's stdout and stderr
 * are appended to. A file above `rotateAboveBytes` is first renamed to `PATH.1`,
 * replacing the previous one, so a crash-looping app cannot fill the disk.
 *
 * The output log often lives in a folder the app's user can write, and the watchdog opens
 * it as root: so its folder is reached without links others could have planted, the file
 * itself is never a link, and a file with a second name (a hard link to a file of root's)
 * or of another user is refused, or the app's output would be appended to it.
 *
 * @throws {UnsafePathError} `EUNSAFEPATH` when the file or the way to it is not safe.
 * @throws the system error when the folder or file cannot be made or opened, or the header
 * cannot be written (`ENOSPC` on a full disk): the caller falls back to another file.
 */
export function openOutputFile(path: string, options: OutputFileOptions = {}): OpenedOutputFile {
  const trust = options.trust ?? PROCESS_LINK_TRUST;
  const name = basename(path);
  const folder = reachFolder(dirname(resolve(path)), { trust, createMode: 0o750 });
  let fd: number;
  const notes: string[] = [];
  try {
    if (
      options.rotateAboveBytes !== undefined &&
      regularFileSizeOrZero(inFolder(folder, name)) > options.rotateAboveBytes
    ) {
      rotateQuietly(inFolder(folder, name), inFolder(folder, `${name}.1`), path, notes);
    }
    fd = openFileIn(inFolder(folder, name), path);
  } finally {
    closeFolder(folder);
  }
  try {
    const stat = fstatSync(fd);
    const owners = new Set([0, trust.ownUid, options.appUser?.uid]);
    if (!stat.isFile()) throw new UnsafePathError(`${path} is not a regular file`, path);
    if (stat.nlink > 1)
      throw new UnsafePathError(
        `${path} has ${stat.nlink} names (hard links): it may be another file of the system's`,
        path,
      );
    if (!owners.has(stat.uid))
      throw new UnsafePathError(`${path} belongs to user ${stat.uid}, neither root nor the app's user`, path);
    // Through the descriptor: the file checked above, whatever its name leads to now.
    if (options.appUser !== undefined && (stat.uid !== options.appUser.uid || stat.gid !== options.appUser.gid)) {
      fchownSync(fd, options.appUser.uid, options.appUser.gid);
    }
    // A header that cannot be written (a full disk) means the app's output would be lost too.
    if (options.header !== undefined)
      writeSync(fd, options.header.endsWith('\n') ? options.header : `${options.header}\n`);
    return { fd, startOffset: fstatSync(fd).size, notes };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/**
 * The last `maxBytes` bytes of the file from `fromOffset` on, read through the descriptor
 * that wrote them (never by path again: the name may lead elsewhere by now), decoded as
 * UTF-8: what an app wrote since it was started, without older content.
 */
export function readOutputSince(fd: number, fromOffset: number, maxBytes: number): string {
  const size = fstatSync(fd).size;
  const start = Math.max(fromOffset, size - maxBytes);
  if (start >= size) return '';
  const bytes = Buffer.alloc(size - start);
  const read = readSync(fd, bytes, 0, bytes.length, start);
  return decodeTail(bytes.subarray(0, read), start > fromOffset);
}

/**
 * Opens the file without waiting: a write lease the app's user took on its own log would
 * otherwise hold the open (and the whole tick, and its lock) for the kernel's
 * lease-break-time, 45 s by default, long enough for the next tick to take the lock over.
 * A regular file ignores O_NONBLOCK once open.
 */
function openFileIn(path: string, shown: string): number {
  try {
    return openSync(
      path,
      constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK,
      0o640,
    );
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === 'EAGAIN' || code === 'EWOULDBLOCK')
      throw new UnsafePathError(`${shown} is held by a lease of another process: not opened`, shown);
    throw error;
  }
}

/**
 * Renames the file to `PATH.1`; when that fails (a file system that lets the file be
 * appended to but not renamed, a `.1` that is a folder), the file is kept and grows: a
 * log that cannot rotate is no reason to keep an app from starting.
 */
function rotateQuietly(from: string, to: string, shown: string, notes: string[]): void {
  try {
    renameSync(from, to);
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === undefined) throw error;
    notes.push(`could not rotate ${shown} (${code}): appended to as it is`);
  }
}
