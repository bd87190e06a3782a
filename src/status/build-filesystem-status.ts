import type { FilesystemConfig } from '../config/types.js';
import type { FilesystemFiguresRow } from '../filesystems/filesystem-rows.js';
import { freePercentOf } from '../filesystems/filesystem-figures.js';
import type { ProcessStateRow, RecoveryRow } from '../store/read-state.js';
import { lastRecoveryOf, type LastRecovery } from './build-status.js';
import { currentStateOf } from './current-state.js';

/** One file system entry in `watchdog status`, as the lines show it and `--json` prints it. */
export interface FilesystemStatus {
  key: string;
  display_name: string;
  path: string;
  enabled: boolean;
  /** A health state (`healthy`, `low_space`, `read_only`, `fs_unavailable`, `off`, `gave_up`...), `disabled`, or `unknown` before the first check. */
  state: string;
  reason: string | null;
  consecutive_failures: number;
  threshold: number;
  last_check_at: string | null;
  /** What the last check read; `null` when it read nothing (the folder gone) or before the first. */
  mount_point: string | null;
  fs_type: string | null;
  size_bytes: number | null;
  /** Free for ordinary users (root's reserve left out). */
  free_bytes: number | null;
  free_percent: number | null;
  read_only: boolean | null;
  min_free_mb: number | null;
  min_free_percent: number | null;
  /** `null`: the default, true only for the root file system. */
  fail_if_read_only: boolean | null;
  off_since: string | null;
  gave_up_at: string | null;
  gave_up_reason: string | null;
  last_recovery: LastRecovery | null;
}

/** The configured file system entries joined with what the audit log says of them, in config order. */
export function buildFilesystemStatus(
  filesystems: readonly FilesystemConfig[],
  states: ReadonlyMap<string, ProcessStateRow>,
  figures: ReadonlyMap<string, FilesystemFiguresRow>,
  lastRecoveries: ReadonlyMap<string, RecoveryRow>,
): FilesystemStatus[] {
  return filesystems.map((filesystem) => {
    const row = states.get(filesystem.key);
    // No instance is ever started for a file system: nothing is alive to ask about.
    const current = row === undefined ? undefined : currentStateOf(row, () => false);
    const read = figures.get(filesystem.key);
    return {
      key: filesystem.key,
      display_name: filesystem.display_name,
      path: filesystem.path,
      enabled: filesystem.enabled,
      state: !filesystem.enabled ? 'disabled' : (current?.state ?? 'unknown'),
      reason: !filesystem.enabled ? 'enabled is false in the config' : (current?.reason ?? 'not checked yet'),
      consecutive_failures: row?.consecutive_failures ?? 0,
      threshold: filesystem.consecutive_failures_threshold,
      last_check_at: row?.last_check_at ?? null,
      mount_point: read?.mount_point ?? null,
      fs_type: read?.fs_type ?? null,
      size_bytes: read?.size_bytes ?? null,
      free_bytes: read?.free_bytes ?? null,
      free_percent:
        read === undefined ? null : freePercentOf({ freeBytes: read.free_bytes, sizeBytes: read.size_bytes }),
      read_only: read === undefined ? null : read.read_only === 1,
      min_free_mb: filesystem.min_free_mb ?? null,
      min_free_percent: filesystem.min_free_percent ?? null,
      fail_if_read_only: filesystem.fail_if_read_only ?? null,
      off_since: row?.off_since ?? null,
      gave_up_at: row?.gave_up_at ?? null,
      gave_up_reason: row?.gave_up_reason ?? null,
      last_recovery: lastRecoveryOf(lastRecoveries.get(filesystem.key)),
    };
  });
}
