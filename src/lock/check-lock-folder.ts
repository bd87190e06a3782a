import { realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Why a folder is no safe home for the lock, or `undefined` when it is. Whoever can
 * create or replace the lock can stop the watchdog, so the folder and every folder
 * above it must belong to root or to the watchdog's user, and none may be writable by
 * every user, except for an ancestor with the sticky bit (such as /tmp above a private
 * folder). The lock's own folder may not be writable by every user even with the
 * sticky bit: anyone could create the lock there first. Symbolic links are followed.
 */
export function findUnsafeLockFolder(folder: string, uid: number): string | undefined {
  let path = realpathSync(folder);
  for (let own = true; ; own = false) {
    const stat = statSync(path);
    if (stat.uid !== 0 && stat.uid !== uid) {
      return `${own ? 'its folder' : 'the folder above it,'} ${path} belongs to user ${stat.uid}, not to root or to the watchdog's user`;
    }
    const everyoneWrites = (stat.mode & 0o002) !== 0;
    const sticky = (stat.mode & 0o1000) !== 0;
    if (everyoneWrites && (own || !sticky)) {
      return `${own ? 'its folder' : 'the folder above it,'} ${path} is writable by every user, so anyone could hold the lock and stop the watchdog`;
    }
    const parent = dirname(path);
    if (parent === path) return undefined;
    path = parent;
  }
}
