import { verdict, type HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { FilesystemRead } from '../system/read-filesystem.js';
import { formatMebibytes, formatPercentDown, freePercentOf } from './filesystem-figures.js';

/** What a file system entry asks of the file system holding its folder. */
export interface FilesystemLimits {
  /** Fail with less than this many MiB free for ordinary users. */
  minFreeMb: number | undefined;
  /** Fail with less than this share of the size free for ordinary users. */
  minFreePercent: number | undefined;
  /** Fail when read-only; `undefined`: only on the root file system (at `/`, or a bind mount of it). */
  failIfReadOnly: boolean | undefined;
}

/**
 * The check of a file system entry, from what reading it found. A folder that is gone or a
 * device in error is the failure `fs_unavailable` (as monit has it: the config says the
 * folder must be there); the watchdog's own trouble reading it is `check_error`, never
 * counted. A read-only mount that must not be is `read_only`, before any space is weighed
 * (no cleanup frees space there); a file system of size 0 (procfs, some FUSE) cannot have
 * its space measured, which is the watchdog's `check_error`, not counted; then too little
 * free space is `low_space`, with the figures (rounded down) and the limit it is below. Pure.
 */
export function judgeFilesystem(read: FilesystemRead, limits: FilesystemLimits): HealthVerdict {
  if (read.kind === 'unavailable') return verdict('fs_unavailable', read.reason);
  if (read.kind === 'error') return verdict('check_error', read.reason);
  const { figures } = read;
  const on = `${figures.mountPoint} (${figures.fsType})`;
  const failIfReadOnly = limits.failIfReadOnly ?? figures.rootFilesystem;
  if (figures.readOnly && failIfReadOnly) return verdict('read_only', `${on} is mounted read-only`);
  const weighsSpace = limits.minFreeMb !== undefined || limits.minFreePercent !== undefined;
  if (figures.sizeBytes === 0 && weighsSpace)
    return verdict(
      'check_error',
      `${on} reports a size of 0 (procfs, some FUSE file systems): its free space cannot be measured`,
    );
  const freeMb = figures.freeBytes / 1024 ** 2;
  const percent = freePercentOf(figures);
  const free = `${formatMebibytes(figures.freeBytes)} MiB free (${formatPercentDown(percent)}%) on ${on}`;
  const below: string[] = [];
  if (limits.minFreeMb !== undefined && freeMb < limits.minFreeMb) below.push(`min_free_mb ${limits.minFreeMb}`);
  if (limits.minFreePercent !== undefined && percent < limits.minFreePercent)
    below.push(`min_free_percent ${limits.minFreePercent}`);
  if (below.length > 0) return verdict('low_space', `${free}, below ${below.join(' and ')}`);
  return verdict('healthy', `${free}${figures.readOnly ? ', read-only' : ''}`);
}
