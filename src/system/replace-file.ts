import { closeSync, constants, fchmodSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { systemErrorCode } from '../errors.js';
import type { LinkTrust } from './link-trust.js';
import { PROCESS_LINK_TRUST, reachTrustedFolder } from './open-file-safely.js';
import { closeFolder, inFolder } from './walk-path.js';

/**
 * Replaces the file at `path` with `text` atomically: a temporary file beside it, then a
 * rename over it, so a reader sees the old file or the new one, never half of one.
 *
 * The folder is reached without links that others could have planted, and must be root's
 * or the watchdog's user's and writable by no one else (what is written here, a journal or
 * metrics, is believed later). The temporary file has an unpredictable name, is created
 * exclusively and never through a link, and is renamed from the folder's descriptor; it is
 * removed when anything fails.
 *
 * @param mode the file's mode, set whatever the umask.
 * @param options.sync `false` for a file in memory (tmpfs), where an fsync is a system call for nothing.
 * @param options.createMode when given, the folder is made (and missing folders above it) with this mode.
 * @throws {UnsafePathError} `EUNSAFEPATH` when the folder or the way to it is not safe.
 * @throws the system error of any step.
 */
export function replaceFile(
  path: string,
  text: string,
  mode: number,
  trust: LinkTrust = PROCESS_LINK_TRUST,
  { sync = true, createMode }: { sync?: boolean; createMode?: number } = {},
): void {
  const name = basename(path);
  const folder = reachTrustedFolder(dirname(resolve(path)), { trust, createMode }, `${name} is not written there`);
  try {
    // Lazily: node:crypto costs a healthy tick that writes no file 0.2 ms to load.
    const suffix = process.getBuiltinModule('node:crypto').randomBytes(9).toString('base64url');
    const temporary = inFolder(folder, `.${name}.${suffix}.tmp`);
    const fd = openSync(
      temporary,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      mode,
    );
    try {
      try {
        fchmodSync(fd, mode);
        writeSync(fd, text);
        if (sync) fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, inFolder(folder, name));
    } catch (error) {
      removeQuietly(temporary);
      throw error;
    }
  } finally {
    closeFolder(folder);
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (systemErrorCode(error) !== 'ENOENT') throw error;
  }
}
