import type { FilesystemFigures } from '../system/read-filesystem.js';
import type { StoredFiguresRow } from './filesystem-rows.js';

/** Free space must move by one this-th of the size (1 %) before the figures are written again. */
export const FREE_SPACE_STEPS = 100;

/**
 * Whether a check's figures are worth a write to the card: there are none yet, or the file
 * system, its size or its read-only flag changed, or its free space moved by 1 % of the size
 * or more. A healthy file system whose free space creeps by kilobytes (a log growing) then
 * writes nothing at most ticks; `status` shows the figures as last written, with their time.
 */
export function figuresWorthWriting(
  stored: Pick<StoredFiguresRow, 'mount_point' | 'fs_type' | 'size_bytes' | 'free_bytes' | 'read_only'> | undefined,
  read: FilesystemFigures | undefined,
): boolean {
  if (stored === undefined) return true;
  if (read === undefined || stored.size_bytes === null || stored.free_bytes === null)
    return (read === undefined) !== (stored.size_bytes === null);
  return (
    stored.mount_point !== read.mountPoint ||
    stored.fs_type !== read.fsType ||
    stored.size_bytes !== read.sizeBytes ||
    (stored.read_only === 1) !== read.readOnly ||
    Math.abs(stored.free_bytes - read.freeBytes) * FREE_SPACE_STEPS >= read.sizeBytes
  );
}
