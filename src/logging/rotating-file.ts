import { closeSync, constants, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { systemErrorCode } from '../errors.js';
import { regularFileSizeOrZero } from '../system/file-size.js';

/**
 * Appends a line to a log file, first rotating it when the line would take it past
 * `maxBytes`: `watchdog.log` → `watchdog.log.1` → ... → `watchdog.log.<maxFiles-1>`, the
 * oldest dropped, so the log never holds more than `maxFiles` files. Synchronous, so a
 * line is on disk before the process can exit or crash. The file is never a symbolic
 * link (`ELOOP`), so a link in the log folder cannot make the watchdog append elsewhere.
 */
export function appendWithRotation(path: string, line: string, maxBytes: number, maxFiles: number): void {
  const size = regularFileSizeOrZero(path);
  if (size > 0 && size + Buffer.byteLength(line) > maxBytes) rotate(path, maxFiles);
  const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o640);
  try {
    writeSync(fd, line);
  } finally {
    closeSync(fd);
  }
}

function rotate(path: string, maxFiles: number): void {
  const nameOf = (index: number): string => (index === 0 ? path : `${path}.${index}`);
  removeIfPresent(nameOf(maxFiles - 1));
  for (let index = maxFiles - 2; index >= 0; index -= 1) {
    try {
      renameSync(nameOf(index), nameOf(index + 1));
    } catch (error) {
      if (systemErrorCode(error) !== 'ENOENT') throw error;
    }
  }
  if (maxFiles === 1) removeIfPresent(path);
}

function removeIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (systemErrorCode(error) !== 'ENOENT') throw error;
  }
}
