import type { FilesystemConfig, WatchdogConfig } from '../config/types.js';
import { NO_PREVIOUS_STATE, type PreviousState } from '../recovery/assess-check.js';
import { assessProcess } from '../recovery/assess-process.js';
import { planCommand } from '../recovery/plan-recovery.js';
import type { ActionPreview } from '../recovery/preview-actions.js';
import { readPreviousState } from '../recovery/previous-state.js';
import { graceClockOf } from '../recovery/start-facts.js';
import { readFrom } from '../store/read-state.js';
import { bootClockOf, type System } from '../system/system.js';
import { assessedFilesystem, checkFilesystems, type ReadFilesystem } from './check-filesystem.js';
import type { FilesystemCheck } from './filesystem-check.js';

/** What the next tick would decide for one file system entry. */
export type FilesystemPreview =
  | { kind: 'disabled'; filesystem: FilesystemConfig }
  /** Nothing to run: healthy, off, given up on, below its threshold, or waiting for its backoff. */
  | { kind: 'no_recovery'; check: FilesystemCheck }
  | { kind: 'recovery'; check: FilesystemCheck; actions: ActionPreview[] };

/**
 * `check --dry-run` for the file system entries: each read now and weighed against its
 * history as the tick would, with the commands its recovery would run. Opens the audit log
 * read-only and runs nothing.
 */
export async function previewFilesystems(
  config: Pick<WatchdogConfig, 'filesystems' | 'db_path'>,
  system: Pick<System, 'now' | 'processes'>,
  read?: ReadFilesystem,
): Promise<FilesystemPreview[]> {
  const nowMs = system.now().getTime();
  const previous = readFrom(
    config.db_path,
    (db) =>
      new Map(
        config.filesystems.map((filesystem) => [
          filesystem.key,
          readPreviousState(db, filesystem.key, {
            nowMs,
            windowSeconds: filesystem.recovery_window_seconds,
            clock: bootClockOf(system.processes),
          }),
        ]),
      ),
    () => new Map<string, PreviousState>(),
  );
  const clock = graceClockOf(system.processes);
  const enabled = config.filesystems.filter((filesystem) => filesystem.enabled);
  const reads = new Map((await checkFilesystems(enabled, read)).map((found, index) => [enabled[index], found]));
  return config.filesystems.map((filesystem): FilesystemPreview => {
    const found = reads.get(filesystem);
    if (!filesystem.enabled || found === undefined) return { kind: 'disabled', filesystem };
    const assessment = assessProcess(
      assessedFilesystem(filesystem),
      found.verdict,
      previous.get(filesystem.key) ?? NO_PREVIOUS_STATE,
      { nowMs, clock },
    );
    const check: FilesystemCheck = {
      filesystem,
      read: found.read,
      threshold: filesystem.consecutive_failures_threshold,
      ...assessment,
    };
    if (!assessment.recoveryDue) return { kind: 'no_recovery', check };
    const actions = filesystem.recovery_actions.map((action) => ({
      plan: planCommand(filesystem, action, 'filesystems'),
      kill: undefined,
    }));
    return { kind: 'recovery', check, actions };
  });
}
