import {
  lstatSync,
  mkdir,
  mkdirSync,
  realpath,
  realpathSync,
  rmdir,
  rmdirSync,
  stat,
  statSync,
  unlinkSync,
  utimes,
  utimesSync,
  type Stats,
} from 'node:fs';
import { dirname, join } from 'node:path';
import lockfile from 'proper-lockfile';
import { findUnsafePath } from '../system/find-unsafe-path.js';
import { processPathTrust } from '../system/path-trust.js';
import { WatchdogError, describeError, systemErrorCode } from '../errors.js';
import { normalizeBootId, readBootId } from '../system/boot-info.js';
import { PROCESS_LINK_TRUST, reachFolder } from '../system/open-file-safely.js';
import { readProcStat } from '../system/proc-stat.js';
import { closeFolder } from '../system/walk-path.js';
import { tryKernelLock, type KernelLock, type KernelLockAttempt } from './kernel-lock.js';
import {
  OWNER_FILE,
  judgeLockOwner,
  judgeOwnerlessLock,
  readLockOwner,
  writeLockOwner,
  type LockOwner,
  type OwnerFacts,
  type OwnerVerdict,
} from './lock-owner.js';

/** Releases the lock; safe to call more than once. */
export type ReleaseLock = () => Promise<void>;

export interface TickLockOptions {
  /** Called when the lock is found compromised while held (its directory removed or taken over). */
  onCompromised: (error: Error) => void;
  /** Called with what the lock could not do but worked around (no kernel lock, a stale lock removed). */
  onNote?: ((level: 'info' | 'warn', message: string) => void) | undefined;
  /** A lock directory that names no owner (a previous version's) not refreshed for this long is taken over. */
  staleMs?: number | undefined;
  /** For testing: this boot and the process table, as the owner's judgement reads them. */
  facts?: OwnerFacts | undefined;
  /** For testing: the clock an ownerless lock's age is judged by. */
  nowMs?: (() => number) | undefined;
  /** For testing: how often the directory's mtime is refreshed (at least 1000 ms). */
  refreshMs?: number | undefined;
}

const DEFAULT_STALE_MS = 30_000;
/**
 * proper-lockfile judges staleness by mtime against Date.now(), and its refresh timer
 * reports a lock "compromised" when a refresh is late by that clock. The owner's identity
 * and the kernel lock judge instead, so its own judgement is put beyond any tick (24.8 days,
 * the longest timer Node keeps): a clock step can neither free the lock nor compromise it.
 */
const NEVER_STALE_MS = 2 ** 31 - 1;
/** The mtime is still refreshed, so a previous version running beside this one (an upgrade) sees it held. */
const REFRESH_MS = 10_000;

/** The suffix of the file beside the lock directory that carries the kernel lock. */
export const KERNEL_LOCK_SUFFIX = '.kernel';

/**
 * The file operations proper-lockfile uses. Its synchronous API copies the fs it is given
 * with a spread, and a spread of Node's whole fs reads its lazy properties (fs.promises,
 * the stream classes), which loads Node's stream modules for nothing.
 */
const LOCK_FS = { mkdir, mkdirSync, realpath, realpathSync, rmdir, rmdirSync, stat, statSync, utimes, utimesSync };

/**
 * Takes the lock that keeps ticks and manual commands apart, without waiting: returns
 * `undefined` when another live instance holds it. Two locks, both dying with their holder:
 *
 * - a kernel lock (fcntl, through SQLite, see {@link tryKernelLock}) on `LOCK_PATH.kernel`,
 *   which the kernel drops when its holder dies, however it dies;
 * - proper-lockfile's lock directory `LOCK_PATH`, naming its owner (PID, start time, boot).
 *   A directory whose owner is gone (dead, PID reused, previous boot) is removed and taken.
 *
 * No decision here rests on the wall clock, except for a directory that names no owner
 * (see {@link judgeOwnerlessLock}).
 *
 * @throws {WatchdogError} `LOCK_UNUSABLE` when the lock path cannot work: a folder others
 *   can write to (anyone could hold the lock and silence the watchdog), a path that is
 *   taken by something else, or a folder that cannot be created.
 */
export async function tryAcquireTickLock(lockPath: string, options: TickLockOptions): Promise<ReleaseLock | undefined> {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  checkLockPath(lockPath);
  const facts = options.facts ?? processOwnerFacts();

  let kernel: KernelLock | undefined;
  let attempt: KernelLockAttempt;
  try {
    attempt = tryKernelLock(`${lockPath}${KERNEL_LOCK_SUFFIX}`);
  } catch (error) {
    throw unusable(
      lockPath,
      `cannot take its kernel lock ${lockPath}${KERNEL_LOCK_SUFFIX}: ${describeError(error)}`,
      error,
    );
  }
  if (attempt.kind === 'held_by_another') return undefined;
  if (attempt.kind === 'held_by_us') kernel = attempt.lock;
  else options.onNote?.('warn', `no kernel lock (${attempt.why}); the lock is judged by its owner's identity alone`);

  try {
    const existing = judgeExistingLock(lockPath, facts, (options.nowMs ?? Date.now)(), staleMs);
    if (existing?.holds === true) {
      kernel?.release();
      return undefined;
    }
    if (existing !== undefined) {
      options.onNote?.('info', `removed the stale lock ${lockPath}: ${existing.why}`);
      removeLockDirectory(lockPath);
    }
    let release: () => void;
    try {
      // The synchronous API, the same algorithm as lock(): a tick takes the lock once and never
      // retries, and this way it starts no threads for three file operations in a row.
      release = lockfile.lockSync(lockPath, {
        lockfilePath: lockPath,
        realpath: false,
        stale: NEVER_STALE_MS,
        update: options.refreshMs ?? REFRESH_MS,
        onCompromised: options.onCompromised,
        fs: LOCK_FS,
      });
    } catch (error) {
      // Only without the kernel lock: another run took the directory since it was judged.
      if (systemErrorCode(error) === 'ELOCKED') {
        kernel?.release();
        return undefined;
      }
      throw unusable(lockPath, describeError(error), error);
    }
    nameOwner(lockPath, ownOwner(facts), options);
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      try {
        unlinkOwner(lockPath);
        release();
      } catch (error) {
        // A compromised lock was already reported through onCompromised.
        if (systemErrorCode(error) !== 'ERELEASED') throw error;
      } finally {
        // Last: while the directory still stands, the kernel lock keeps everyone else out.
        kernel?.release();
      }
    };
  } catch (error) {
    kernel?.release();
    throw error;
  }
}

/**
 * Names the owner in the lock directory just taken. A full or read-only disk must not stop a
 * tick that heals (the kernel lock keeps others out meanwhile): the directory then names no
 * owner, as a previous version's did, and the log says so.
 */
function nameOwner(lockPath: string, owner: LockOwner, options: TickLockOptions): void {
  try {
    // Naming the owner changes the directory's mtime, which proper-lockfile takes at its
    // next refresh for another holder's ("compromised"): the mtime it set is put back.
    const { atime, mtime } = statSync(lockPath);
    try {
      writeLockOwner(lockPath, owner);
    } finally {
      utimesSync(lockPath, atime, mtime);
    }
  } catch (error) {
    try {
      unlinkOwner(lockPath);
    } catch {
      // Nothing more to do: release() tries again.
    }
    options.onNote?.(
      'warn',
      `cannot name this tick as the owner of ${lockPath} (${describeError(error)}); the lock holds by the kernel lock alone`,
    );
  }
}

/** What the lock directory at `lockPath` says, when there is one: whether its holder still holds it. */
function judgeExistingLock(
  lockPath: string,
  facts: OwnerFacts,
  nowMs: number,
  staleMs: number,
): OwnerVerdict | undefined {
  let lockStat: Stats;
  try {
    lockStat = lstatSync(lockPath);
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return undefined;
    throw unusable(lockPath, describeError(error), error);
  }
  const owner = readLockOwner(lockPath);
  return owner === undefined ? judgeOwnerlessLock(lockStat.mtimeMs, nowMs, staleMs) : judgeLockOwner(owner, facts);
}

/** Removes a lock directory judged stale: its owner file, then the directory. */
function removeLockDirectory(lockPath: string): void {
  try {
    unlinkOwner(lockPath);
    rmdirSync(lockPath);
  } catch (error) {
    if (systemErrorCode(error) !== 'ENOENT')
      throw unusable(lockPath, `cannot remove the stale lock: ${describeError(error)}`, error);
  }
}

function unlinkOwner(lockPath: string): void {
  try {
    unlinkSync(join(lockPath, OWNER_FILE));
  } catch (error) {
    if (systemErrorCode(error) !== 'ENOENT') throw error;
  }
}

/** This process as a lock owner. */
function ownOwner(facts: OwnerFacts): LockOwner {
  const startTicks = facts.startTicksOf(process.pid);
  if (startTicks === undefined) throw new Error("cannot read this process's own start time from /proc");
  return {
    pid: process.pid,
    pid_start_ticks: startTicks,
    boot_id: facts.bootId === undefined ? undefined : normalizeBootId(facts.bootId),
  };
}

/** The real machine's facts: procfs at `procRoot`. */
export function processOwnerFacts(procRoot = '/proc'): OwnerFacts {
  return {
    bootId: readBootId(procRoot),
    startTicksOf: (pid) => {
      const stat = readProcStat(pid, procRoot);
      return stat === undefined || stat.state === 'Z' || stat.state === 'X' || stat.state === 'x'
        ? undefined
        : stat.startTime;
    },
  };
}

function checkLockPath(lockPath: string): void {
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
  if (lockStat !== undefined && !lockStat.isDirectory()) {
    throw unusable(lockPath, 'it exists and is not a lock directory (perhaps a lock file left by the Python Watchdog)');
  }
}

function unusable(lockPath: string, why: string, cause?: unknown): WatchdogError {
  return new WatchdogError('LOCK_UNUSABLE', `cannot use lock ${lockPath}: ${why}`, {
    hint: 'set lock_path in the config to a path in a folder only the watchdog user can write (for example beside db_path)',
    cause,
  });
}
