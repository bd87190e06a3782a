import type { FilesystemConfig } from '../config/types.js';
import type { FilesystemRead } from '../system/read-filesystem.js';
import type { AssessedCheck } from './process-check.js';

/** One file system entry's check in a tick, as it was read, weighed and recorded. */
export interface FilesystemCheck extends Omit<AssessedCheck, 'process'> {
  filesystem: FilesystemConfig;
  /** What reading it found: the figures `status` and the metrics show, or why there are none. */
  read: FilesystemRead;
}

/** A file system entry's check as the log, the events and the tick's problems take a check. */
export function assessedCheckOf(check: FilesystemCheck): AssessedCheck {
  return { ...check, process: check.filesystem };
}
