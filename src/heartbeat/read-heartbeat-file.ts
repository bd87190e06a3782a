import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { describeError, systemErrorCode } from '../errors.js';
import { formatMode, systemPrivateGroups, writableByOthers, type IsPrivateGroup } from '../system/file-trust.js';
import { readToScratch } from '../system/read-to-scratch.js';

/** What reading a heartbeat file found, before its contents are judged. */
export type HeartbeatFileRead =
  | { kind: 'missing' }
  | { kind: 'unreadable'; reason: string }
  | { kind: 'read'; text: string; /** The file's owner, for a process with a `user`. */ ownerUid?: number | undefined };

/** A heartbeat is a few hundred bytes; anything much larger is not one. */
export const MAX_HEARTBEAT_BYTES = 64 * 1024;

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Read once per run, when a group-writable heartbeat first asks. */
const PRIVATE_GROUPS = systemPrivateGroups();

/**
 * Reads a heartbeat file without trusting it: a FIFO cannot block the tick (opened
 * non-blocking, and only regular files are read), a huge file is not slurped, and
 * bytes that are not UTF-8 are refused rather than mangled. A watchdog running as root
 * acts on what this file says, so a file anyone could have put there is not believed:
 * a symbolic link (it may point at another app's heartbeat), or a file other users
 * may write.
 */
export function readHeartbeatFile(path: string, isPrivateGroup: IsPrivateGroup = PRIVATE_GROUPS): HeartbeatFileRead {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (error) {
    return openFailure(error);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return { kind: 'unreadable', reason: 'heartbeat path is a directory' };
    if (!stat.isFile()) return { kind: 'unreadable', reason: 'heartbeat path is not a regular file' };
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
      // O_NOFOLLOW: the file itself is a symbolic link (or a folder on the way loops).
      return { kind: 'unreadable', reason: 'heartbeat path is a symbolic link: not trusted (it may point at any file)' };
    default:
      return { kind: 'unreadable', reason: `cannot open heartbeat file: ${describeError(error)}` };
  }
}
