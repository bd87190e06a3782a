import Database from 'better-sqlite3';
import { lstatSync } from 'node:fs';
import { systemErrorCode } from '../errors.js';
import { sqliteAddonFailure } from '../store/sqlite-addon-failure.js';

/** A held kernel lock; `release()` drops it (the kernel drops it too when the process dies). */
export interface KernelLock {
  release(): void;
}

export type KernelLockAttempt =
  | { kind: 'held_by_us'; lock: KernelLock }
  | { kind: 'held_by_another' }
  /** SQLite's native addon cannot load: no kernel lock on this install (the caller judges by identity alone). */
  | { kind: 'unavailable'; why: string };

/**
 * Takes a POSIX record lock (`fcntl(F_SETLK)`) on `path`, without waiting. Node has no
 * flock or fcntl, but SQLite locks its files with fcntl, and better-sqlite3 is loaded by
 * every tick anyway: `BEGIN EXCLUSIVE` on an empty database with a busy timeout of 0 is
 * the lock, held until released. Such a lock belongs to the process: the kernel drops it
 * when the process dies however it dies (SIGKILL, OOM), no clock is involved, a reboot
 * leaves none behind, and the children the tick starts do not hold it (fcntl locks are not
 * inherited across fork; SQLite opens its files close-on-exec). The journal is kept in
 * memory, so nothing is ever written: the file stays empty.
 *
 * The file must never be removed while it may be locked (a second file would be a second
 * lock), and nothing else in this process may open it (closing any descriptor of a file
 * drops this process's fcntl locks on it).
 *
 * @throws when the path is not a regular file, or the file cannot be opened.
 */
export function tryKernelLock(path: string): KernelLockAttempt {
  refuseOddFile(path);
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: 0 });
  } catch (error) {
    const addon = sqliteAddonFailure(error);
    if (addon !== undefined) return { kind: 'unavailable', why: addon.message };
    throw error;
  }
  try {
    // MEMORY: no journal file beside the lock (OFF is refused in SQLite's defensive mode).
    db.pragma('journal_mode = MEMORY');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if (systemErrorCode(error) === 'SQLITE_BUSY' || systemErrorCode(error) === 'SQLITE_LOCKED')
      return { kind: 'held_by_another' };
    throw error;
  }
  let released = false;
  return {
    kind: 'held_by_us',
    lock: {
      release: () => {
        if (released) return;
        released = true;
        db.close();
      },
    },
  };
}

/** A link or a folder where the lock file should be is refused, not opened through. */
function refuseOddFile(path: string): void {
  let stat;
  try {
    stat = lstatSync(path);
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return;
    throw error;
  }
  if (!stat.isFile())
    throw new Error(
      `${path} exists and is not a regular file (${stat.isSymbolicLink() ? 'a symbolic link' : 'a folder or device'})`,
    );
}
