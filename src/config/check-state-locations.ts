import { lstatSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { describeError, systemErrorCode } from '../errors.js';
import { formatMode, writableByOthers, type IsPrivateGroup } from '../system/file-trust.js';
import { PROCESS_LINK_TRUST, reachFolder } from '../system/open-file-safely.js';
import { closeFolder } from '../system/walk-path.js';
import type { WatchdogConfig } from './types.js';

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

/** Which of its folders a location's safety rests on. */
export interface UnsafePathOptions {
  /**
   * Also every folder above its own (true: the database, journal, lock and log, whose owner
   * of a folder above could move them away and stop every tick). False for the metrics,
   * written through a descriptor of their folder: the way there is judged link by link as it
   * is walked, so a folder above of another user's (Debian's /var/lib/prometheus) does no harm.
   */
  ancestors?: boolean;
}

/**
 * Why `path` (a file the watchdog reads or writes) is not safe from other users, or
 * `undefined` when it is. The watchdog runs the config's commands, often as root, and
 * acts on what its database and journal say, so whoever can change them (or a folder
 * they are in) can run anything as root or silence the watchdog. The file, when it
 * exists, and its folder (or the nearest existing one, where the watchdog would create
 * it) must belong to root or the watchdog's user and not be writable by other users;
 * every folder above must belong to root or the watchdog's user, and may be writable by
 * every user only with the sticky bit (as /tmp is, above a private folder).
 */
export function findUnsafePath(
  written: string,
  trust: PathTrust,
  { ancestors = true }: UnsafePathOptions = {},
): string | undefined {
  const resolved = trust.resolvePath?.(written) ?? { path: written };
  if ('problem' in resolved) return resolved.problem;
  const { path } = resolved;
  const owner = (uid: number): boolean => uid === 0 || uid === trust.ownUid;
  const file = trust.statPath(path);
  if (file !== undefined) {
    if ((file.mode & 0o170000) === 0o120000) return `${path} is a symbolic link; name the file it points at instead`;
    if (!owner(file.uid))
      return `${path} belongs to user ${file.uid}, not to root or the watchdog's user; chown root ${path}`;
    if (writableByOthers(file, trust.isPrivateGroup))
      return `${path} is writable by group or others (mode ${formatMode(file.mode)}); chmod go-w ${path}`;
  }
  let own = true;
  for (
    let folder = nearestExisting(dirname(path), trust.statPath);
    folder !== undefined && (own || ancestors);
    folder = parentOf(folder.path, trust.statPath), own = false
  ) {
    const { path: where, stat } = folder;
    const which = own ? 'its folder' : 'the folder above it,';
    if (!owner(stat.uid)) return `${which} ${where} belongs to user ${stat.uid}, not to root or the watchdog's user`;
    const loose = own
      ? writableByOthers(stat, trust.isPrivateGroup)
      : writableByOthers(stat, trust.isPrivateGroup) && (stat.mode & 0o1000) === 0;
    if (loose) {
      return `${which} ${where} is writable by group or others (mode ${formatMode(stat.mode)}); use a folder only the watchdog's user can write, such as /var/lib/watchdog`;
    }
  }
  return undefined;
}

/**
 * Where the watchdog keeps its state must be as safe as the config: a lock in a folder
 * anyone may write (the Python tool's /tmp) can be taken by any user, silently disabling
 * the watchdog, and an audit database or journal there can be swapped.
 *
 * @returns one `setting: problem` line per unsafe location.
 */
export function checkStateLocations(
  config: Pick<WatchdogConfig, 'db_path' | 'lock_path' | 'journal_path'> &
    Partial<Pick<WatchdogConfig, 'log_dir' | 'metrics'>>,
  trust: PathTrust = processPathTrust(),
): string[] {
  const problems: string[] = [];
  const locations: [string, string, UnsafePathOptions][] = [
    ['db_path', config.db_path, {}],
    ['journal_path', config.journal_path, {}],
    ['lock_path', config.lock_path, {}],
  ];
  if (config.log_dir !== undefined) locations.push(['log_dir', join(config.log_dir, 'watchdog.log'), {}]);
  // Written from a descriptor of its folder, so only that folder must be safe: a folder of
  // another user's above it (Debian's /var/lib/prometheus) does no harm.
  if (config.metrics !== undefined)
    locations.push(['metrics.textfile_path', config.metrics.textfile_path, { ancestors: false }]);
  for (const [setting, path, options] of locations) {
    const problem = findUnsafePath(path, trust, options);
    if (problem !== undefined) problems.push(`${setting}: ${problem}`);
  }
  return [...new Set(problems)];
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

type Found = { path: string; stat: NonNullable<ReturnType<StatPath>> };

function nearestExisting(path: string, statPath: StatPath): Found | undefined {
  for (let current = path; ; current = dirname(current)) {
    const stat = statPath(current);
    if (stat !== undefined) return { path: current, stat };
    if (dirname(current) === current) return undefined;
  }
}

function parentOf(path: string, statPath: StatPath): Found | undefined {
  return dirname(path) === path ? undefined : nearestExisting(dirname(path), statPath);
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
