import { dirname } from 'node:path';
import { formatMode, writableByOthers } from './file-trust.js';
import type { PathTrust, StatPath } from './path-trust.js';

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
