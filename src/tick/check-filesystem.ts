import type { FilesystemConfig } from '../config/types.js';
import { isAlertOnly } from '../filesystems/decide-filesystem-alert.js';
import { judgeFilesystem } from '../filesystems/judge-filesystem.js';
import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { AssessedProcess } from '../recovery/assess-process.js';
import type { FilesystemRead } from '../system/read-filesystem.js';
import { readFilesystemsWithin } from '../system/read-filesystems-within.js';

/** Reads the file system holding a folder (a parameter for testing; default: {@link readFilesystemsWithin}). */
export type ReadFilesystem = (path: string) => FilesystemRead | Promise<FilesystemRead>;

/** One entry's reading and what it means. */
export interface FilesystemFound {
  read: FilesystemRead;
  verdict: HealthVerdict;
}

/**
 * Checks file system entries: reads the file system holding each one's folder, each within
 * its deadline (a file system that does not answer is `fs_unavailable`), and judges it.
 * Never throws.
 */
export async function checkFilesystems(
  filesystems: readonly FilesystemConfig[],
  read?: ReadFilesystem,
): Promise<FilesystemFound[]> {
  const paths = filesystems.map((filesystem) => filesystem.path);
  const reads =
    read === undefined ? await readFilesystemsWithin(paths) : await Promise.all(paths.map((path) => read(path)));
  return filesystems.map((filesystem, index) => {
    const found = reads[index] ?? { kind: 'error', reason: `${filesystem.path} was not read` };
    return {
      read: found,
      verdict: judgeFilesystem(found, {
        minFreeMb: filesystem.min_free_mb,
        minFreePercent: filesystem.min_free_percent,
        failIfReadOnly: filesystem.fail_if_read_only,
      }),
    };
  });
}

/** Checks one file system entry ({@link checkFilesystems}). */
export async function checkFilesystem(filesystem: FilesystemConfig, read?: ReadFilesystem): Promise<FilesystemFound> {
  const [found] = await checkFilesystems([filesystem], read);
  if (found === undefined) throw new Error(`no reading for ${filesystem.key}`);
  return found;
}

/**
 * A file system entry as its checks are weighed (`assessProcess`): alert only when it has
 * nothing to run; its `off` and `gave_up` reasons say `check: low_space (...)`, as it has no
 * heartbeat.
 */
export function assessedFilesystem(filesystem: FilesystemConfig): FilesystemConfig & AssessedProcess {
  return { ...filesystem, alertOnly: isAlertOnly(filesystem), checkLabel: 'check' };
}
