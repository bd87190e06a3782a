import { statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { systemErrorCode } from '../errors.js';
import { formatMode, systemPrivateGroups, writableByOthers, type IsPrivateGroup } from '../system/file-trust.js';
import type { WatchdogConfig } from './types.js';

/** `stat` (a symbolic link is judged by what it points at: `/var/run` → `/run`), or `undefined` when nothing is there. */
export type StatPath = (path: string) => Pick<Stats, 'mode' | 'uid' | 'gid'> | undefined;

/** Who may be trusted with a path, and how it is looked at. */
export interface PathTrust {
  /** The watchdog's own user: besides root, the only owner trusted. */
  ownUid: number;
  isPrivateGroup: IsPrivateGroup;
  statPath: StatPath;
}

/** Trust as this process has it: root and its own user, this machine's groups. */
export function processPathTrust(): PathTrust {
  return { ownUid: process.geteuid?.() ?? 0, isPrivateGroup: systemPrivateGroups(), statPath: statOrUndefined };
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
export function findUnsafePath(path: string, trust: PathTrust): string | undefined {
  const owner = (uid: number): boolean => uid === 0 || uid === trust.ownUid;
  const file = trust.statPath(path);
  if (file !== undefined) {
    if (!owner(file.uid)) return `${path} belongs to user ${file.uid}, not to root or the watchdog's user; chown root ${path}`;
    if (writableByOthers(file, trust.isPrivateGroup)) return `${path} is writable by group or others (mode ${formatMode(file.mode)}); chmod go-w ${path}`;
  }
  let own = true;
  for (let folder = nearestExisting(dirname(path), trust.statPath); folder !== undefined; folder = parentOf(folder.path, trust.statPath), own = false) {
    const { path: where, stat } = folder;
    const which = own ? 'its folder' : 'the folder above it,';
    if (!owner(stat.uid)) return `${which} ${where} belongs to user ${stat.uid}, not to root or the watchdog's user`;
    const loose = own ? writableByOthers(stat, trust.isPrivateGroup) : writableByOthers(stat, trust.isPrivateGroup) && (stat.mode & 0o1000) === 0;
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
export function checkStateLocations(config: Pick<WatchdogConfig, 'db_path' | 'lock_path' | 'journal_path'>, trust: PathTrust = processPathTrust()): string[] {
  const problems: string[] = [];
  const locations: [string, string][] = [
    ['db_path', config.db_path],
    ['journal_path', config.journal_path],
    ['lock_path', config.lock_path],
  ];
  for (const [setting, path] of locations) {
    const problem = findUnsafePath(path, trust);
    if (problem !== undefined) problems.push(`${setting}: ${problem}`);
  }
  return [...new Set(problems)];
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

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}
