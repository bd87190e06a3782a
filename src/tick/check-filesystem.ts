import type { FilesystemConfig } from '../config/types.js';
import { isAlertOnly } from '../filesystems/decide-filesystem-alert.js';
import { judgeFilesystem } from '../filesystems/judge-filesystem.js';
import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { AssessedProcess } from '../recovery/assess-process.js';
import { readFilesystem, type FilesystemRead } from '../system/read-filesystem.js';

/** Reads the file system holding a folder (a parameter for testing; default {@link readFilesystem}). */
export type ReadFilesystem = (path: string) => FilesystemRead;

/** Checks one file system entry: reads the file system holding its folder and judges it. Never throws. */
export function checkFilesystem(
  filesystem: FilesystemConfig,
  read: ReadFilesystem = readFilesystem,
): { read: FilesystemRead; verdict: HealthVerdict } {
  const found = read(filesystem.path);
  return {
    read: found,
    verdict: judgeFilesystem(found, {
      minFreeMb: filesystem.min_free_mb,
      minFreePercent: filesystem.min_free_percent,
      failIfReadOnly: filesystem.fail_if_read_only,
    }),
  };
}

/**
 * A file system entry as its checks are weighed (`assessProcess`): alert only when it has
 * nothing to run; its `off` and `gave_up` reasons say `check: low_space (...)`, as it has no
 * heartbeat.
 */
export function assessedFilesystem(filesystem: FilesystemConfig): FilesystemConfig & AssessedProcess {
  return { ...filesystem, alertOnly: isAlertOnly(filesystem), checkLabel: 'check' };
}
