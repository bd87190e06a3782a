import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { systemErrorCode } from '../errors.js';
import { decodeTail } from './output-tail.js';
import { fileSizeOrZero } from './file-size.js';

/** An app's output file, opened for appending. */
export interface OpenedOutputFile {
  /** Write-only, appending; the caller closes it. */
  fd: number;
  /** The file's size once the header is written: where the app's own output begins. */
  startOffset: number;
}

/**
 * Opens (creating it 0o640, and its folder 0o750) the file an app's stdout and stderr
 * are appended to. A file above `rotateAboveBytes` is first renamed to `PATH.1`,
 * replacing the previous one, so a crash-looping app cannot fill the disk.
 *
 * @throws the system error when the folder or file cannot be made or opened.
 */
export function openOutputFile(path: string, options: { rotateAboveBytes?: number | undefined; header?: string | undefined } = {}): OpenedOutputFile {
  mkdirSync(dirname(path), { recursive: true, mode: 0o750 });
  if (options.rotateAboveBytes !== undefined && fileSizeOrZero(path) > options.rotateAboveBytes) renameSync(path, `${path}.1`);
  const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o640);
  try {
    if (options.header !== undefined) writeHeader(fd, options.header);
    return { fd, startOffset: fstatSync(fd).size };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/**
 * The last `maxBytes` bytes of the file from `fromOffset` on, decoded as UTF-8: what an
 * app wrote since it was started, without older content. Empty when the file is gone.
 */
export function readOutputSince(path: string, fromOffset: number, maxBytes: number): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return '';
    throw error;
  }
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(fromOffset, size - maxBytes);
    if (start >= size) return '';
    const bytes = Buffer.alloc(size - start);
    const read = readSync(fd, bytes, 0, bytes.length, start);
    return decodeTail(bytes.subarray(0, read), start > fromOffset);
  } finally {
    closeSync(fd);
  }
}

function writeHeader(fd: number, header: string): void {
  try {
    writeSync(fd, header.endsWith('\n') ? header : `${header}\n`);
  } catch (error) {
    // A full disk must not also keep the app from starting: it can still run without its banner.
    const code = systemErrorCode(error);
    if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG') return;
    throw error;
  }
}
