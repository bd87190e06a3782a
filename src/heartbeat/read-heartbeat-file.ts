import { closeSync, constants, fstatSync } from 'node:fs';
import { describeError, systemErrorCode } from '../errors.js';
import { formatMode, writableByOthers, type FileOwnership, type IsPrivateGroup } from '../system/file-trust.js';
import type { FolderCache } from '../system/folder-cache.js';
import { PROCESS_LINK_TRUST, openFileAndFolder } from '../system/open-file-safely.js';
import { readToScratch } from '../system/read-to-scratch.js';

/** What reading a heartbeat file found, before its contents are judged. */
export type HeartbeatFileRead =
  | { kind: 'missing' }
  | { kind: 'unreadable'; reason: string }
  | { kind: 'read'; text: string; /** The file's owner, for a process with a `user`. */ ownerUid?: number | undefined };

/** A heartbeat is a few hundred bytes; anything much larger is not one. */
export const MAX_HEARTBEAT_BYTES = 64 * 1024;

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a heartbeat file without trusting it: a FIFO cannot block the tick (opened
 * non-blocking, and only regular files are read), a huge file is not slurped, and
 * bytes that are not UTF-8 are refused rather than mangled. A watchdog running as root
 * acts on what this file says, so a file anyone could have put there is not believed:
 * a symbolic link (it may point at another app's heartbeat), a folder on the way that an
 * app's user replaced with a link (only links that root or the watchdog's user placed, in
 * folders only they can write, are followed), a file that another user's file has no
 * business being in this folder ({@link misplacedHeartbeat}: a hard link can give another
 * app's heartbeat a name here), or a file other users may write.
 *
 * @param isPrivateGroup whose group write still means the owner alone (this machine's groups by default).
 * @param ownUid the watchdog's own user, trusted like root with the links on the way.
 * @param folders the tick's open folders, so heartbeats that share one reach it once.
 */
export function readHeartbeatFile(
  path: string,
  isPrivateGroup: IsPrivateGroup = PROCESS_LINK_TRUST.isPrivateGroup,
  ownUid: number = PROCESS_LINK_TRUST.ownUid,
  folders?: FolderCache,
): HeartbeatFileRead {
  let fd: number;
  let folder: FileOwnership;
  try {
    ({ fd, folder } = openFileAndFolder(path, {
      flags: constants.O_RDONLY | constants.O_NONBLOCK,
      trust: { ownUid, isPrivateGroup },
      folders,
    }));
  } catch (error) {
    return openFailure(error);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return { kind: 'unreadable', reason: 'heartbeat path is a directory' };
    if (!stat.isFile()) return { kind: 'unreadable', reason: 'heartbeat path is not a regular file' };
    const misplaced = misplacedHeartbeat(stat, folder, ownUid);
    if (misplaced !== undefined) return { kind: 'unreadable', reason: misplaced };
    if (writableByOthers(stat, isPrivateGroup)) {
      return {
        kind: 'unreadable',
        reason: `heartbeat file is writable by other users (mode ${formatMode(stat.mode)}): not trusted (the app should write it 0644)`,
      };
    }
    if (stat.size > MAX_HEARTBEAT_BYTES) {
      return { kind: 'unreadable', reason: `heartbeat file is too large (${stat.size} bytes)` };
    }
    const bytes = readToScratch(fd, MAX_HEARTBEAT_BYTES + 1);
    if (bytes.length > MAX_HEARTBEAT_BYTES) {
      return { kind: 'unreadable', reason: 'heartbeat file is too large (grew while being read)' };
    }
    try {
      return { kind: 'read', text: decoder.decode(bytes), ownerUid: stat.uid };
    } catch {
      return { kind: 'unreadable', reason: 'heartbeat file is not valid UTF-8' };
    }
  } catch (error) {
    return { kind: 'unreadable', reason: `cannot read heartbeat file: ${describeError(error)}` };
  } finally {
    closeSync(fd);
  }
}

function openFailure(error: unknown): HeartbeatFileRead {
  switch (systemErrorCode(error)) {
    case 'ENOENT':
      return { kind: 'missing' };
    case 'EACCES':
    case 'EPERM':
      return { kind: 'unreadable', reason: 'heartbeat file is not readable (permission denied)' };
    case 'ENOTDIR':
      return { kind: 'unreadable', reason: 'a folder on the heartbeat path is not a directory' };
    case 'ELOOP':
      // O_NOFOLLOW: the file itself is a symbolic link (or the links on the way loop).
      return {
        kind: 'unreadable',
        reason: 'heartbeat path is a symbolic link: not trusted (it may point at any file)',
      };
    case 'EUNSAFEPATH':
      return {
        kind: 'unreadable',
        reason: `a folder on the heartbeat path is not trusted: ${describeError(error)} (it may lead to another app's folder)`,
      };
    default:
      return { kind: 'unreadable', reason: `cannot open heartbeat file: ${describeError(error)}` };
  }
}

/**
 * Why a heartbeat does not belong where it was found, or `undefined` when it does.
 * - An ordinary user's file in another ordinary user's folder got there through a hard link
 *   (or a folder they share): it may be another app's heartbeat.
 * - A file of root's (or the watchdog's user's) in an ordinary user's folder may be any
 *   file of root's that user could move there (a log root made for them), and a heartbeat
 *   of root's is believed about any PID.
 * - A file with a second name whose owner is not the folder's (a shared folder such as
 *   /run/heartbeats, or a root folder) may be another app's heartbeat too.
 * A file in its owner's own folder is that owner's, whatever other names it has: another
 * user linking to it must not make its own app untrusted (and recovered).
 */
export function misplacedHeartbeat(
  file: FileOwnership & { nlink: number },
  folder: FileOwnership,
  ownUid: number,
): string | undefined {
  const ordinary = (uid: number): boolean => uid !== 0 && uid !== ownUid;
  if (file.uid === folder.uid) return undefined;
  if (ordinary(folder.uid)) {
    if (ordinary(file.uid))
      return `heartbeat file belongs to uid ${file.uid} but its folder to uid ${folder.uid} (a hard link to another user's file?): not trusted`;
    return `heartbeat file belongs to ${file.uid === 0 ? 'root' : "the watchdog's user"} but its folder to uid ${folder.uid}, who could have moved any such file there: not trusted`;
  }
  if (file.nlink > 1)
    return `heartbeat file has ${file.nlink} names (hard links): not trusted (it may be another app's heartbeat)`;
  return undefined;
}
