import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readlinkSync, type Stats } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { systemErrorCode } from '../errors.js';
import { mayFollowLinkIn, type LinkTrust } from './link-trust.js';
import { UnsafePathError } from './unsafe-path-error.js';

/**
 * `O_PATH` (Linux, the same value on x86, x86-64, ARM and ARM64; Node does not export it): a
 * descriptor that names a folder without opening it for reading, so walking through a folder
 * needs only the right to search it, and nothing a path leads to is ever "opened" with side
 * effects (a device's open, an automount).
 */
export const O_PATH = 0o10000000;

/** Linux gives up after this many links in one lookup (MAXSYMLINKS). */
const MAX_LINKS = 40;

/** A folder reached by {@link openFolder}: every later step is taken from its descriptor. */
export interface FolderHandle {
  /** An `O_PATH` descriptor of the folder; closed by {@link closeFolder}. */
  fd: number;
  /** Where the folder is, every trusted link resolved. */
  path: string;
}

/** How {@link openFolder} treats folders that do not exist yet. */
export interface OpenFolderOptions {
  trust: LinkTrust;
  /** Create missing folders with this mode (before the umask); without it, a missing folder is `ENOENT`. */
  createMode?: number | undefined;
}

/**
 * The path of `name` inside an open folder. The kernel resolves `/proc/self/fd/N` to the
 * folder the descriptor holds, whatever has been renamed or replaced since, so an operation
 * on this path acts in that folder: Node has no `openat`, and this is what `openat` does.
 */
export function inFolder(folder: FolderHandle | number, name: string): string {
  return `/proc/self/fd/${typeof folder === 'number' ? folder : folder.fd}/${name}`;
}

/**
 * Opens the folder at the absolute `path` one component at a time, from `/`, each from the
 * descriptor of the one before, so a folder renamed or replaced during the walk cannot send
 * it elsewhere. A symbolic link is followed only where nobody but root and the watchdog's
 * own user could have planted it ({@link mayFollowLinkIn}): `/var/run` → `/run` is fine, a
 * heartbeat folder that an app's user replaced with a link to another user's folder is not.
 *
 * @throws {UnsafePathError} `EUNSAFEPATH` at a link that others could have planted.
 * @throws the system error (`ENOENT`, `ENOTDIR`, `EACCES`, `ELOOP`...) when a folder is
 *   missing (and not to be created), is not a folder, or cannot be searched.
 */
export function openFolder(path: string, options: OpenFolderOptions): FolderHandle {
  if (!isAbsolute(path)) throw new RangeError(`openFolder needs an absolute path, not ${JSON.stringify(path)}`);
  const pending = components(path);
  let fd = openSync('/', O_PATH | constants.O_DIRECTORY);
  let where = '/';
  let links = 0;
  try {
    for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
      if (name === '.') continue;
      if (name === '..') {
        // From a link's target: the parent of the folder actually reached, not of a name.
        fd = replace(fd, openSync(inFolder(fd, '..'), O_PATH | constants.O_DIRECTORY));
        where = join(where, '..');
        continue;
      }
      const child = openChild(fd, name, options.createMode);
      if (child !== undefined) {
        fd = replace(fd, child);
        where = join(where, name);
        continue;
      }
      // Not a folder: a link, or something else (ENOTDIR, as the kernel would say).
      const link = lstatSync(inFolder(fd, name));
      const at = join(where, name);
      if (!link.isSymbolicLink()) throw notAFolder(at);
      const folder = fstatSync(fd);
      const refusal = mayFollowLinkIn(folder, link, options.trust);
      if (refusal !== undefined)
        throw new UnsafePathError(`${at} is a symbolic link in ${where}, ${refusal}: not followed`, at);
      links += 1;
      if (links > MAX_LINKS)
        throw Object.assign(new Error(`too many symbolic links on the way to ${path}`), { code: 'ELOOP' });
      const target = readlinkSync(inFolder(fd, name));
      if (isAbsolute(target)) {
        fd = replace(fd, openSync('/', O_PATH | constants.O_DIRECTORY));
        where = '/';
      }
      pending.unshift(...components(target));
    }
    return { fd, path: where };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Closes a folder opened by {@link openFolder}. */
export function closeFolder(folder: FolderHandle): void {
  closeSync(folder.fd);
}

/** Runs `body` with the folder open, and closes it whatever happens. */
export function withFolder<T>(path: string, options: OpenFolderOptions, body: (folder: FolderHandle) => T): T {
  const folder = openFolder(path, options);
  try {
    return body(folder);
  } finally {
    closeFolder(folder);
  }
}

/** The folder's owner and mode, as the descriptor sees them (no path is looked up again). */
export function statFolder(folder: FolderHandle): Stats {
  return fstatSync(folder.fd);
}

/** `name` in `fd` as a folder; `undefined` when it is something else (a link, a file). */
function openChild(fd: number, name: string, createMode: number | undefined): number | undefined {
  const flags = O_PATH | constants.O_DIRECTORY | constants.O_NOFOLLOW;
  try {
    return openSync(inFolder(fd, name), flags);
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === 'ENOTDIR' || code === 'ELOOP') return undefined;
    if (code !== 'ENOENT' || createMode === undefined) throw error;
  }
  try {
    mkdirSync(inFolder(fd, name), createMode);
  } catch (error) {
    // Made by someone else meanwhile: what is there now is judged like anything found.
    if (systemErrorCode(error) !== 'EEXIST') throw error;
  }
  try {
    return openSync(inFolder(fd, name), flags);
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === 'ENOTDIR' || code === 'ELOOP') return undefined;
    throw error;
  }
}

function replace(old: number, next: number): number {
  closeSync(old);
  return next;
}

function components(path: string): string[] {
  return path.split('/').filter((part) => part !== '');
}

function notAFolder(at: string): Error {
  return Object.assign(new Error(`ENOTDIR: ${at} is not a folder`), { code: 'ENOTDIR', path: at });
}
