import { closeSync, constants, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { systemErrorCode } from '../errors.js';
import { normalizeBootId } from '../system/boot-info.js';

/** Who holds the tick lock: written in the lock directory, so whether it lives can be judged without any clock. */
export interface LockOwner {
  pid: number;
  /** Its start time in clock ticks since boot (`/proc/PID/stat` field 22): a reused PID does not share it. */
  pid_start_ticks: number;
  /** The boot it holds the lock in (lower case). */
  boot_id: string | undefined;
}

/** The file in the lock directory that names its holder. */
export const OWNER_FILE = 'owner.json';

/** A few dozen bytes are written; anything much larger is not an owner record. */
const MAX_OWNER_BYTES = 4096;

/** What the machine says now, as judging an owner needs it. */
export interface OwnerFacts {
  /** This boot's id; `undefined` when it cannot be read. */
  bootId: string | undefined;
  /** The start time of the live (not zombie) process `pid`; `undefined` when there is none. */
  startTicksOf(pid: number): number | undefined;
}

export type OwnerVerdict = { holds: true; why: string } | { holds: false; why: string };

/**
 * Whether the owner a lock directory names still holds it: the same process (same PID and
 * start time) in the same boot is alive. Judged by identity alone, so no clock step in
 * either direction can make a live holder's lock look free, or a dead one's look held.
 */
export function judgeLockOwner(owner: LockOwner, facts: OwnerFacts): OwnerVerdict {
  const bootId = facts.bootId === undefined ? undefined : normalizeBootId(facts.bootId);
  if (owner.boot_id !== undefined && bootId !== undefined && owner.boot_id !== bootId) {
    return { holds: false, why: `left by PID ${owner.pid} in a previous boot (${owner.boot_id})` };
  }
  const startTicks = facts.startTicksOf(owner.pid);
  if (startTicks === undefined) return { holds: false, why: `left by PID ${owner.pid}, which is no longer running` };
  if (startTicks !== owner.pid_start_ticks)
    return { holds: false, why: `left by PID ${owner.pid}, now another process (PID reused)` };
  return { holds: true, why: `held by PID ${owner.pid}, alive` };
}

/**
 * Whether a lock directory without an owner (left by a watchdog before owners were
 * recorded, or by one killed between creating it and naming itself) is held: only when it
 * was refreshed within `staleMs` of now, either way. A previous version refreshes it every
 * 10 s while it holds it; this is the only judgement of the lock that rests on the clock.
 */
export function judgeOwnerlessLock(mtimeMs: number, nowMs: number, staleMs: number): OwnerVerdict {
  const ageMs = nowMs - mtimeMs;
  if (ageMs > staleMs)
    return { holds: false, why: `names no owner and was last refreshed ${Math.round(ageMs / 1000)}s ago` };
  if (-ageMs > staleMs)
    return { holds: false, why: 'names no owner and is dated in the future (the clock was set back)' };
  return { holds: true, why: 'names no owner (a previous version of the watchdog?) and was refreshed moments ago' };
}

/** The owner record in `lockDir`; `undefined` when there is none or it is not one (torn, foreign). */
export function readLockOwner(lockDir: string): LockOwner | undefined {
  let fd: number;
  try {
    fd = openSync(join(lockDir, OWNER_FILE), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR') return undefined;
    throw error;
  }
  let text: string;
  try {
    const buffer = Buffer.alloc(MAX_OWNER_BYTES);
    text = buffer.subarray(0, readSync(fd, buffer, 0, MAX_OWNER_BYTES, 0)).toString('utf8');
  } catch (error) {
    if (systemErrorCode(error) === 'EISDIR') return undefined;
    throw error;
  } finally {
    closeSync(fd);
  }
  return parseLockOwner(text);
}

/** An owner record's text, checked: `undefined` unless every field is sound. */
export function parseLockOwner(text: string): LockOwner | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (data === null || typeof data !== 'object') return undefined;
  const { pid, pid_start_ticks, boot_id } = data as Record<string, unknown>;
  if (!(typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 0)) return undefined;
  if (!(typeof pid_start_ticks === 'number' && Number.isSafeInteger(pid_start_ticks) && pid_start_ticks >= 0))
    return undefined;
  if (boot_id !== undefined && boot_id !== null && typeof boot_id !== 'string') return undefined;
  return { pid, pid_start_ticks, boot_id: typeof boot_id === 'string' ? normalizeBootId(boot_id) : undefined };
}

/** Names `owner` in the lock directory just made (exclusive create, no link followed). */
export function writeLockOwner(lockDir: string, owner: LockOwner): void {
  const fd = openSync(
    join(lockDir, OWNER_FILE),
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o644,
  );
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`);
  } finally {
    closeSync(fd);
  }
}
