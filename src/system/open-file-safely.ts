import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, type Stats } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { systemErrorCode } from '../errors.js';
import { systemPrivateGroups } from './file-trust.js';
import type { FolderCache, ReachedFolder } from './folder-cache.js';
import { mayFollowLinkIn, trustedFolderRefusal, type LinkTrust } from './link-trust.js';
import { UnsafePathError } from './unsafe-path-error.js';
import { O_PATH, closeFolder, inFolder, openFolder, type FolderHandle, type OpenFolderOptions } from './walk-path.js';

/** Trust as this process has it: root and its own user, this machine's private groups (read once, when first asked). */
export const PROCESS_LINK_TRUST: LinkTrust = {
  ownUid: process.geteuid?.() ?? 0,
  isPrivateGroup: systemPrivateGroups(),
};

/**
 * The folder at `path`, reached as {@link openFolder} reaches it, but cheaply in the usual
 * case: the folder is first named with `O_PATH` (which opens nothing, whatever the path
 * leads to), and kept when the kernel's own name for it is the path asked for, which it is
 * only when no symbolic link was on the way. A path with a link on it takes the careful walk.
 */
export function reachFolder(path: string, options: OpenFolderOptions): FolderHandle {
  const wanted = resolve(path);
  let fd: number | undefined;
  try {
    fd = openSync(wanted, O_PATH | constants.O_DIRECTORY);
  } catch (error) {
    const code = systemErrorCode(error);
    if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'ELOOP') throw error;
  }
  if (fd !== undefined) {
    let found: string | undefined;
    try {
      found = readlinkSync(`/proc/self/fd/${fd}`);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    if (found === wanted) return { fd, path: wanted };
    closeSync(fd);
  }
  return openFolder(wanted, options);
}

/**
 * {@link reachFolder} for a folder whose files the watchdog writes and later believes (its
 * log, journal, metrics): it must also be root's or the watchdog's user's and writable by
 * no one else ({@link trustedFolderRefusal}).
 *
 * @param refusedWhat said after the refusal, such as `watchdog.prom is not written there`.
 * @throws {UnsafePathError} `EUNSAFEPATH` when it is not, or the way to it is not safe.
 */
export function reachTrustedFolder(path: string, options: OpenFolderOptions, refusedWhat?: string): FolderHandle {
  const folder = reachFolder(path, options);
  let refusal: string | undefined;
  try {
    refusal = trustedFolderRefusal(fstatSync(folder.fd), options.trust);
  } catch (error) {
    closeFolder(folder);
    throw error;
  }
  if (refusal === undefined) return folder;
  closeFolder(folder);
  throw new UnsafePathError(
    `${folder.path} is ${refusal}${refusedWhat === undefined ? '' : `: ${refusedWhat}`}`,
    folder.path,
  );
}

/** How {@link openFileSafely} opens a file. */
export interface OpenFileOptions extends OpenFolderOptions {
  /** open(2) flags; `O_NOFOLLOW` is always added. */
  flags: number;
  /** The mode of a file created (before the umask). */
  fileMode?: number | undefined;
  /**
   * Follow the file itself when it is a link, where the folders' rule allows it (a link of
   * root's in a folder only root writes: /etc/watchdog/config.json → /opt/...). Off by
   * default: a file that is a link is `ELOOP`.
   */
  followTrustedLink?: boolean | undefined;
  /** Folders kept open for the tick: a folder already reached is not reached again. */
  folders?: FolderCache | undefined;
}

/**
 * Opens the file at `path` without following a symbolic link that someone other than root
 * or the watchdog's user could have planted: its folder is reached by {@link reachFolder},
 * and the file itself, never a link, is opened from that folder's descriptor.
 *
 * @throws {UnsafePathError} `EUNSAFEPATH` at such a link on the way.
 * @throws the system error of the open (`ELOOP` when the file itself is a link).
 */
export function openFileSafely(path: string, options: OpenFileOptions): number {
  return openFileAndFolder(path, options).fd;
}

/** {@link openFileSafely}, with the owner and mode of the folder the file was opened in. */
export function openFileAndFolder(path: string, options: OpenFileOptions): { fd: number; folder: Stats } {
  let wanted = resolve(path);
  for (let links = 0; ; links += 1) {
    const { folder, stat, release } = reachFolderStat(dirname(wanted), options);
    try {
      const name = inFolder(folder, basename(wanted));
      try {
        const fd = openSync(name, options.flags | constants.O_NOFOLLOW, options.fileMode);
        return { fd, folder: stat };
      } catch (error) {
        if (systemErrorCode(error) !== 'ELOOP' || options.followTrustedLink !== true || links >= 40) throw error;
        const link = lstatSync(name);
        if (!link.isSymbolicLink()) throw error;
        const refusal = mayFollowLinkIn(stat, link, options.trust);
        if (refusal !== undefined)
          throw new UnsafePathError(`${wanted} is a symbolic link in ${folder.path}, ${refusal}: not followed`, wanted);
        wanted = resolve(folder.path, readlinkSync(name));
      }
    } finally {
      release();
    }
  }
}

/** The folder and its stat, from the tick's cache when there is one. */
function reachFolderStat(path: string, options: OpenFileOptions): ReachedFolder & { release: () => void } {
  if (options.folders !== undefined) return options.folders.get(path, options, reachFolder);
  const folder = reachFolder(path, options);
  try {
    return { folder, stat: fstatSync(folder.fd), release: () => closeFolder(folder) };
  } catch (error) {
    closeFolder(folder);
    throw error;
  }
}
