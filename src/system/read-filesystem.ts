import { fstatSync, lstatSync, readFileSync, statfsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describeError, systemErrorCode } from '../errors.js';
import type { LinkTrust } from './link-trust.js';
import { findMount, isReadOnlyMount, parseMountinfo } from './mountinfo.js';
import { PROCESS_LINK_TRUST, reachFolder } from './open-file-safely.js';
import { closeFolder, inFolder } from './walk-path.js';

/** What a file system holding a folder has, as `statfs` and mountinfo tell it. */
export interface FilesystemFigures {
  /** The folder asked about, its trusted links resolved. */
  folder: string;
  /** The mount that holds it. */
  mountPoint: string;
  fsType: string;
  /** The file system's size in bytes. */
  sizeBytes: number;
  /** Bytes an ordinary user may still write (`f_bavail`): root's reserve is not free for the apps. */
  freeBytes: number;
  /** The mount or its super block is read-only. */
  readOnly: boolean;
  /** On the device `/` is on: the root file system, at `/` or a bind mount of it elsewhere. */
  rootFilesystem: boolean;
}

/**
 * How reading went: the figures; `unavailable` when the folder is not there or its device
 * fails (the device's problem: a log folder removed, a disk gone, a card in error), or when
 * an app's user put something in the way in a folder of its own (a link the watchdog does
 * not follow, a mount root may not enter); `error` when the watchdog could not look (its
 * own side: procfs, mountinfo, a permission it lacks in a folder of root's).
 */
export type FilesystemRead =
  | { kind: 'read'; figures: FilesystemFigures }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'error'; reason: string };

export interface ReadFilesystemOptions {
  /** Where procfs is mounted (default `/proc`): `self/mountinfo` and `self/fdinfo/N` are read there. */
  procRoot?: string | undefined;
  /** Who may have planted a link on the way (default: root and the watchdog's own user). */
  trust?: LinkTrust | undefined;
}

/** Errors of the device or of the path the config names, not of the watchdog. */
const DEVICE_ERRORS = new Set(['ENOENT', 'ENOTDIR', 'EIO', 'ENXIO', 'ENODEV', 'ESTALE', 'ENOTCONN', 'EUCLEAN']);

/**
 * Reads the file system that holds the folder at `path` (absolute). Nothing is opened for
 * reading or writing, created or changed: the folder is reached with `O_PATH` (which opens
 * nothing), following a symbolic link only where root or the watchdog's user could have
 * planted it, and `statfs` asks through that descriptor, so a link swapped in after the walk
 * changes nothing. The mount is the one that descriptor is on, by the mount id the kernel
 * gives in its fdinfo, so a mount covered by a later one above it is never taken for it;
 * by the folder's real path only where fdinfo has no `mnt_id` (Linux before 3.15). Never throws.
 */
export function readFilesystem(path: string, options: ReadFilesystemOptions = {}): FilesystemRead {
  const trust = options.trust ?? PROCESS_LINK_TRUST;
  let folder;
  try {
    folder = reachFolder(path, { trust });
  } catch (error) {
    return failed(error, path, trust);
  }
  let stats;
  try {
    stats = statfsSync(inFolder(folder, '.'));
  } catch (error) {
    closeFolder(folder);
    return failed(error, path, trust);
  }
  try {
    const procRoot = options.procRoot ?? '/proc';
    const mounts = parseMountinfo(readFileSync(join(procRoot, 'self/mountinfo'), 'utf8'));
    const mountId = mountIdOf(folder.fd, procRoot);
    const mount = mounts.find((entry) => entry.mountId === mountId) ?? findMount(mounts, folder.path);
    if (mount === undefined) return { kind: 'error', reason: `no mount holds ${folder.path} in mountinfo` };
    return {
      kind: 'read',
      figures: {
        folder: folder.path,
        mountPoint: mount.mountPoint,
        fsType: mount.fsType,
        sizeBytes: stats.blocks * stats.bsize,
        freeBytes: stats.bavail * stats.bsize,
        readOnly: isReadOnlyMount(mount),
        rootFilesystem: fstatSync(folder.fd).dev === statSync('/').dev,
      },
    };
  } catch (error) {
    return { kind: 'error', reason: `the watchdog could not read its mountinfo: ${describeError(error)}` };
  } finally {
    closeFolder(folder);
  }
}

/** The id of the mount a descriptor is on (`mnt_id:` in its fdinfo), `undefined` where the kernel does not say it. */
function mountIdOf(fd: number, procRoot: string): number | undefined {
  let text;
  try {
    text = readFileSync(join(procRoot, 'self/fdinfo', String(fd)), 'utf8');
  } catch {
    return undefined;
  }
  const found = /^mnt_id:\s*(\d+)$/m.exec(text);
  return found?.[1] === undefined ? undefined : Number(found[1]);
}

/**
 * A link the walk refused is the doing of whoever could plant it (an app's user, in its own
 * folder): counted, as removing the folder would be, and named, so it cannot hide a full
 * disk as `check_error` forever. So is a permission refused inside a folder of such a user
 * (root is refused only by what that user mounted there: FUSE without `allow_other`). A
 * permission refused in root's own folders is the watchdog's trouble, never counted.
 */
function failed(error: unknown, path: string, trust: LinkTrust): FilesystemRead {
  const code = systemErrorCode(error);
  if (code === 'ENOENT') return { kind: 'unavailable', reason: `${path} does not exist` };
  if (code === 'ENOTDIR') return { kind: 'unavailable', reason: `${path} is not a folder` };
  if (code !== undefined && DEVICE_ERRORS.has(code))
    return { kind: 'unavailable', reason: `${path} cannot be read: ${describeError(error)}` };
  if (code === 'EUNSAFEPATH')
    return { kind: 'unavailable', reason: `${path} cannot be checked: ${describeError(error)}` };
  if (code === 'EACCES' || code === 'EPERM') {
    const owner = untrustedOwnerOnTheWay(path, trust);
    if (owner !== undefined)
      return {
        kind: 'unavailable',
        reason: `${path} cannot be checked: ${describeError(error)}, in ${owner.folder}, a folder of user ${owner.uid}`,
      };
  }
  return { kind: 'error', reason: `the watchdog could not read ${path}: ${describeError(error)}` };
}

/**
 * The deepest folder of `path` (or above it) the watchdog can still look at, when it belongs
 * to neither root nor the watchdog's user: where a refusal came from. Only says how a
 * refusal is counted; nothing is read through it.
 */
function untrustedOwnerOnTheWay(path: string, trust: LinkTrust): { folder: string; uid: number } | undefined {
  for (let folder = path; ; folder = dirname(folder)) {
    try {
      const { uid } = lstatSync(folder);
      return uid === 0 || uid === trust.ownUid ? undefined : { folder, uid };
    } catch {
      if (folder === dirname(folder)) return undefined;
    }
  }
}
