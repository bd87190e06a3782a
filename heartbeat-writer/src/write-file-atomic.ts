import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * The mode of every heartbeat file, set with fchmod so the app's umask cannot make
 * it unreadable to a watchdog running as another user.
 */
export const FILE_MODE = 0o644;

let tempTag: string | undefined;
let tempSequence = 0;

/**
 * A hidden name in the target's folder, unique per process and per write: the pid,
 * a random tag drawn once per process and a sequence number. Drawing random bytes
 * on every beat cost more than the rest of the name; O_EXCL (see below) is what
 * makes the name safe, the randomness only keeps processes apart.
 */
function tempPathFor(target: string): string {
  tempTag ??= randomBytes(6).toString('hex');
  tempSequence = (tempSequence + 1) % Number.MAX_SAFE_INTEGER;
  return join(dirname(target), `.${basename(target)}.${process.pid}.${tempTag}${tempSequence.toString(36)}.tmp`);
}

function writeAll(fd: number, data: Buffer): void {
  let offset = 0;
  while (offset < data.length) {
    offset += writeSync(fd, data, offset, data.length - offset);
  }
}

function removeTemp(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Only called while a write is failing: that error is the one the caller
    // needs, not a failed cleanup (ENOENT: the folder or the file is gone already).
  }
}

/**
 * Replaces `target` with `data` atomically: readers see either the old file or the
 * new one, never a partial write. The data goes to a temporary file in the same
 * folder (same filesystem, so the rename is atomic), gets mode {@link FILE_MODE},
 * and is renamed over `target`. On any error the temporary file is removed and the
 * error rethrown.
 *
 * There is deliberately no fsync: heartbeats are rewritten every few seconds on
 * devices that often boot from SD cards, where a flush per beat wears the flash,
 * and a heartbeat lost in a power cut is stale after the reboot anyway.
 *
 * @example
 * ```ts
 * writeFileAtomic('/run/my-app/heartbeat.json', Buffer.from('{}'));
 * ```
 */
export function writeFileAtomic(target: string, data: Buffer): void {
  const temp = tempPathFor(target);
  // 'wx' is O_CREAT | O_EXCL: never follow or reuse something already at that name.
  const fd = openSync(temp, 'wx', FILE_MODE);
  let open = true;
  try {
    writeAll(fd, data);
    fchmodSync(fd, FILE_MODE);
    open = false;
    closeSync(fd);
    renameSync(temp, target);
  } catch (error) {
    if (open) closeAfterError(fd);
    removeTemp(temp);
    throw error;
  }
}

function closeAfterError(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already failing: the first error is the one to report.
  }
}
