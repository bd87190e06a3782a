import { lstatSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { describeError, systemErrorCode } from '../errors.js';
import type { IsPrivateGroup } from './file-trust.js';
import { PROCESS_LINK_TRUST, reachFolder } from './open-file-safely.js';
import { closeFolder } from './walk-path.js';

/** `lstat`, or `undefined` when nothing is there. */
export type StatPath = (path: string) => Pick<Stats, 'mode' | 'uid' | 'gid'> | undefined;

/** Where a path really is, its trusted links resolved; or why it cannot be trusted. */
export type ResolvePath = (path: string) => { path: string } | { problem: string };

/** Who may be trusted with a path, and how it is looked at. */
export interface PathTrust {
  /** The watchdog's own user: besides root, the only owner trusted. */
  ownUid: number;
  isPrivateGroup: IsPrivateGroup;
  statPath: StatPath;
  /** Resolves the links on the way first; without it, the path is judged as written. */
  resolvePath?: ResolvePath | undefined;
}

/** Trust as this process has it: root and its own user, this machine's groups, the real file system. */
export function processPathTrust(): PathTrust {
  return {
    ...PROCESS_LINK_TRUST,
    statPath: lstatOrUndefined,
    resolvePath: (path) => resolveFolders(path, PROCESS_LINK_TRUST),
  };
}

/**
 * The path with its folders' trusted links resolved ({@link reachFolder}): the nearest
 * folder that exists is reached, and what does not exist yet is added to where it led. A
 * link that others could have planted on the way is a problem.
 */
function resolveFolders(
  path: string,
  trust: Pick<PathTrust, 'ownUid' | 'isPrivateGroup'>,
): { path: string } | { problem: string } {
  const rest = [basename(path)];
  for (let folderPath = dirname(resolve(path)); ; folderPath = dirname(folderPath)) {
    try {
      const folder = reachFolder(folderPath, { trust });
      closeFolder(folder);
      return { path: join(folder.path, ...rest) };
    } catch (error) {
      const code = systemErrorCode(error);
      if (code === 'EUNSAFEPATH') return { problem: describeError(error) };
      // A user who cannot search a folder (`status` run by someone else than root) cannot be
      // misled through it either: what it can see is judged as written.
      if (code === 'EACCES') return { path: resolve(path) };
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || folderPath === '/') throw error;
      rest.unshift(basename(folderPath));
    }
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    const code = systemErrorCode(error);
    // EACCES: a folder this user cannot search; the nearest one it can see is judged.
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') return undefined;
    throw error;
  }
}
