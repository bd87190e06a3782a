import { readFileSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
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
}

/**
 * How reading went: the figures; `unavailable` when the folder is not there or its device
 * fails (the device's problem: a log folder removed, a disk gone, a card in error); `error`
 * when the watchdog could not look (its own side: procfs, permissions, a link it refuses).
 */
export type FilesystemRead =
  | { kind: 'read'; figures: FilesystemFigures }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'error'; reason: string };

export interface ReadFilesystemOptions {
  /** Where procfs is mounted (default `/proc`): `self/mountinfo` is read there. */
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
 * changes nothing. The mount is found in mountinfo by the folder's real path. Never throws.
 */
export function readFilesystem(path: string, options: ReadFilesystemOptions = {}): FilesystemRead {
  const trust = options.trust ?? PROCESS_LINK_TRUST;
  let folder;
  try {
    folder = reachFolder(path, { trust });
  } catch (error) {
    return failed(error, path);
  }
  let stats;
  try {
    stats = statfsSync(inFolder(folder, '.'));
  } catch (error) {
    closeFolder(folder);
    return failed(error, path);
  }
  try {
    const mounts = parseMountinfo(readFileSync(join(options.procRoot ?? '/proc', 'self/mountinfo'), 'utf8'));
    const mount = findMount(mounts, folder.path);
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
      },
    };
  } catch (error) {
    return { kind: 'error', reason: `the watchdog could not read its mountinfo: ${describeError(error)}` };
  } finally {
    closeFolder(folder);
  }
}

function failed(error: unknown, path: string): FilesystemRead {
  const code = systemErrorCode(error);
  if (code === 'ENOENT') return { kind: 'unavailable', reason: `${path} does not exist` };
  if (code === 'ENOTDIR') return { kind: 'unavailable', reason: `${path} is not a folder` };
  if (code !== undefined && DEVICE_ERRORS.has(code))
    return { kind: 'unavailable', reason: `${path} cannot be read: ${describeError(error)}` };
  return { kind: 'error', reason: `the watchdog could not read ${path}: ${describeError(error)}` };
}
