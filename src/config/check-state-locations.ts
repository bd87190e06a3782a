import { statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { systemErrorCode } from '../errors.js';
import { formatMode, systemPrivateGroups, writableByOthers, type FileOwnership, type IsPrivateGroup } from '../system/file-trust.js';
import type { WatchdogConfig } from './types.js';

/** `stat` (a symbolic link is judged by what it points at: `/var/run` → `/run`), or `undefined` when nothing is there. */
export type StatPath = (path: string) => Pick<Stats, 'mode' | 'uid' | 'gid'> | undefined;

/**
 * Where the watchdog keeps its state must be safe from other users, as the config is: a
 * lock in a folder anyone may write (the Python tool's /tmp) can be taken or replaced by
 * any user, silently disabling the watchdog, and an audit database there can be swapped.
 * For the database, the journal and the lock: the file, when it exists, and the folder
 * it is in (or the nearest existing one, where the watchdog would create it) must not be
 * writable by others, nor by a group other than the owner's private one. A sticky /tmp does not help: another user may create the
 * folder or file first.
 *
 * @returns one `setting: problem` line per unsafe location.
 */
export function checkStateLocations(
  config: Pick<WatchdogConfig, 'db_path' | 'lock_path' | 'journal_path'>,
  statPath: StatPath = statOrUndefined,
  isPrivateGroup: IsPrivateGroup = systemPrivateGroups(),
): string[] {
  const loose = (stat: FileOwnership): boolean => writableByOthers(stat, isPrivateGroup);
  const problems: string[] = [];
  const locations: [string, string][] = [
    ['db_path', config.db_path],
    ['journal_path', config.journal_path],
    ['lock_path', config.lock_path],
  ];
  for (const [setting, path] of locations) {
    const file = statPath(path);
    if (file !== undefined && loose(file)) {
      problems.push(`${setting}: ${path} is writable by group or others (mode ${formatMode(file.mode)}); chmod go-w ${path}`);
      continue;
    }
    const folder = nearestExisting(dirname(path), statPath);
    if (folder !== undefined && loose(folder.stat)) {
      problems.push(
        `${setting}: its folder ${folder.path} is writable by group or others (mode ${formatMode(folder.stat.mode)}); use a folder only the watchdog's user can write, such as /var/lib/watchdog`,
      );
    }
  }
  return [...new Set(problems)];
}

function nearestExisting(path: string, statPath: StatPath): { path: string; stat: NonNullable<ReturnType<StatPath>> } | undefined {
  for (let current = path; ; current = dirname(current)) {
    const stat = statPath(current);
    if (stat !== undefined) return { path: current, stat };
    if (dirname(current) === current) return undefined;
  }
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
