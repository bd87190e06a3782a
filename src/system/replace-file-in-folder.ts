import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { systemErrorCode } from '../errors.js';
import { formatMode, writableByOthers } from './file-trust.js';
import type { LinkTrust } from './link-trust.js';
import { PROCESS_LINK_TRUST, reachFolder } from './open-file-safely.js';
import { readToScratch } from './read-to-scratch.js';
import { UnsafePathError } from './unsafe-path-error.js';
import { closeFolder, inFolder } from './walk-path.js';
import { writeAndRename } from './write-and-rename.js';

/** The largest file read back as the previous contents (a heartbeat's limit). */
const MAX_PREVIOUS_BYTES = 64 * 1024;

/** How {@link replaceFileInFolder} writes. */
export interface ReplaceInFolderOptions {
  /** The file's mode, set whatever the umask. */
  mode: number;
  trust?: LinkTrust | undefined;
  /** This process runs as root (it may give the file to the folder's owner). */
  asRoot?: boolean | undefined;
}

/**
 * Replaces the file at `path` atomically with what `render` makes of its current text, for
 * a file that an app's user owns the folder of (a heartbeat): a reader sees the old file or
 * the new one, never half of one.
 *
 * - The folder is reached without a symbolic link that others could have planted, and a
 *   folder that users other than its owner may write (a shared group, everyone, `/tmp`) is
 *   refused: anyone there could swap the file.
 * - The current file is read from the folder's descriptor, never through a link, and only
 *   when it is a regular file (`undefined` otherwise); a link at the name is replaced as
 *   a link, never followed.
 * - The temporary file has an unpredictable name and is created exclusively, never through
 *   a link; it is renamed from the folder's descriptor and removed when anything fails.
 * - Root writing in an ordinary user's folder gives the file to that user, as the file the
 *   user's app would have written: the watchdog believes a file of root's there about no
 *   PID, since the user could have moved any of root's files there.
 * - No fsync: rewritten every few seconds, often on SD cards, and stale after a power cut
 *   anyway.
 *
 * @throws {UnsafePathError} `EUNSAFEPATH` when the folder or the way to it is not safe.
 * @throws the system error of any step (`ENOENT`: the folder does not exist).
 */
export function replaceFileInFolder(
  path: string,
  render: (current: string | undefined) => string,
  { mode, trust = PROCESS_LINK_TRUST, asRoot = process.geteuid?.() === 0 }: ReplaceInFolderOptions,
): void {
  const name = basename(path);
  const folder = reachFolder(dirname(resolve(path)), { trust });
  try {
    const stat = fstatSync(folder.fd);
    if (writableByOthers(stat, trust.isPrivateGroup))
      throw new UnsafePathError(
        `${folder.path} is a folder others can write (mode ${formatMode(stat.mode)}): ${name} is not written there`,
        folder.path,
      );
    const text = render(readCurrent(inFolder(folder, name)));
    const giveTo = asRoot && stat.uid !== 0 && stat.uid !== trust.ownUid ? stat : undefined;
    writeAndRename(folder, name, text, { mode, sync: false, owner: giveTo });
  } finally {
    closeFolder(folder);
  }
}

/** The text of the regular file at `name` (a path inside an open folder); `undefined` for anything else. */
function readCurrent(name: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(name, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    // Nothing there, a link (ELOOP), unreadable: there is no current file to go on from.
    const code = systemErrorCode(error);
    if (code === 'ENOENT' || code === 'ELOOP' || code === 'EACCES' || code === 'ENXIO') return undefined;
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_PREVIOUS_BYTES) return undefined;
    return readToScratch(fd, MAX_PREVIOUS_BYTES).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
