import { basename, dirname, resolve } from 'node:path';
import type { LinkTrust } from './link-trust.js';
import { PROCESS_LINK_TRUST, reachTrustedFolder } from './open-file-safely.js';
import { closeFolder } from './walk-path.js';
import { writeAndRename } from './write-and-rename.js';

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
    writeAndRename(folder, name, text, { mode, sync });
  } finally {
    closeFolder(folder);
  }
}
