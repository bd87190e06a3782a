import { lstatSync, mkdir, mkdirSync, realpath, realpathSync, rmdir, rmdirSync, stat, statSync, utimes, utimesSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import { findUnsafePath, processPathTrust } from '../config/check-state-locations.js';
import { WatchdogError, describeError, systemErrorCode } from '../errors.js';
import { PROCESS_LINK_TRUST, reachFolder } from '../system/open-file-safely.js';
import { closeFolder } from '../system/walk-path.js';

/** Releases the lock; safe to call more than once. */
export type ReleaseLock = () => Promise<void>;

export interface TickLockOptions {
  /** Called when the lock is found compromised while held (its directory removed or taken over). */
  onCompromised: (error: Error) => void;
  /** A lock not refreshed for this long belongs to a crashed tick and is taken over. */
  staleMs?: number;
}

const DEFAULT_STALE_MS = 30_000;

/**
 * The file operations proper-lockfile uses. Its synchronous API copies the fs it is given
 * with a spread, and a spread of Node's whole fs reads its lazy properties (fs.promises,
 * the stream classes), which loads Node's stream modules for nothing.
 */
const LOCK_FS = { mkdir, mkdirSync, realpath, realpathSync, rmdir, rmdirSync, stat, statSync, utimes, utimesSync };

/**
 * Takes the lock that keeps ticks and manual commands apart, without waiting: returns
 * `undefined` when another live instance holds it. A lock left by a crashed tick goes
 * stale (its mtime is refreshed while held) and is taken over.
 *
 * @throws {WatchdogError} `LOCK_UNUSABLE` when the lock path cannot work: a folder others
 *   can write to (anyone could hold the lock and silence the watchdog), a path that is
 *   taken by something else, or a folder that cannot be created.
 */
export async function tryAcquireTickLock(lockPath: string, options: TickLockOptions): Promise<ReleaseLock | undefined> {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  checkLockPath(lockPath, staleMs);
  let release: () => void;
  try {
    // The synchronous API, the same algorithm as lock(): a tick takes the lock once and never
    // retries, and this way it starts no threads for three file operations in a row.
    release = lockfile.lockSync(lockPath, {
      lockfilePath: lockPath,
      realpath: false,
      stale: staleMs,
      update: Math.floor(staleMs / 3),
      onCompromised: options.onCompromised,
      fs: LOCK_FS,
    });
  } catch (error) {
    if (systemErrorCode(error) === 'ELOCKED') return undefined;
    throw unusable(lockPath, describeError(error), error);
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    try {
      release();
    } catch (error) {
      // A compromised lock was already reported through onCompromised.
      if (systemErrorCode(error) !== 'ERELEASED') throw error;
    }
  };
}

function checkLockPath(lockPath: string, staleMs: number): void {
  // Judged before anything is created: whoever could create or replace the lock could stop the watchdog.
  const unsafe = findUnsafePath(lockPath, processPathTrust());
  if (unsafe !== undefined) throw unusable(lockPath, unsafe);
  try {
    closeFolder(reachFolder(dirname(lockPath), { trust: PROCESS_LINK_TRUST, createMode: 0o750 }));
  } catch (error) {
    throw unusable(lockPath, `cannot create its folder: ${describeError(error)}`, error);
  }

  let lockStat: Stats | undefined;
  try {
    lockStat = lstatSync(lockPath);
  } catch (error) {
    if (systemErrorCode(error) !== 'ENOENT') throw unusable(lockPath, describeError(error), error);
  }
  if (lockStat === undefined) return;
  if (!lockStat.isDirectory()) {
    throw unusable(lockPath, 'it exists and is not a lock directory (perhaps a lock file left by the Python Watchdog)');
  }
  // A lock dated in the future cannot have been refreshed by a live holder: the clock was
  // set back (a device without RTC meeting NTP) after a tick died holding it. Staleness
  // is judged by age, so it would never go stale and would block every tick for good.
  if (lockStat.mtimeMs > Date.now() + staleMs) {
    try {
      rmdirSync(lockPath);
    } catch (error) {
      if (systemErrorCode(error) !== 'ENOENT') throw unusable(lockPath, `cannot remove a lock dated in the future: ${describeError(error)}`, error);
    }
  }
}

function unusable(lockPath: string, why: string, cause?: unknown): WatchdogError {
  return new WatchdogError('LOCK_UNUSABLE', `cannot use lock ${lockPath}: ${why}`, {
    hint: 'set lock_path in the config to a path in a folder only the watchdog user can write (for example beside db_path)',
    cause,
  });
}
