import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fsyncSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { systemErrorCode } from '../errors.js';
import { inFolder, type FolderHandle } from './walk-path.js';

/** How {@link writeAndRename} writes the file. */
export interface WriteAndRenameOptions {
  /** The file's mode, set whatever the umask. */
  mode: number;
  /** fsync before the rename: `false` for a file in memory, or one rewritten every few seconds. */
  sync: boolean;
  /** Given to this user and group (root writing an app's file in the app's folder). */
  owner?: { uid: number; gid: number } | undefined;
}

/**
 * Replaces `name` in the open `folder` with `text` atomically: a temporary file with an
 * unpredictable name, created exclusively and never through a link, written, then renamed
 * over `name` from the folder's descriptor, so a reader sees the old file or the new one,
 * never half of one. The temporary file is removed when any step fails. Whether the folder
 * may be written is the caller's to judge (replaceFile, replaceFileInFolder).
 *
 * @throws the system error of any step.
 */
export function writeAndRename(folder: FolderHandle, name: string, text: string, options: WriteAndRenameOptions): void {
  // Lazily: node:crypto costs a healthy tick that writes no file 0.2 ms to load.
  const suffix = process.getBuiltinModule('node:crypto').randomBytes(9).toString('base64url');
  const temporary = inFolder(folder, `.${name}.${suffix}.tmp`);
  const fd = openSync(
    temporary,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    options.mode,
  );
  try {
    try {
      if (options.owner !== undefined) fchownSync(fd, options.owner.uid, options.owner.gid);
      fchmodSync(fd, options.mode);
      writeSync(fd, text);
      if (options.sync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, inFolder(folder, name));
  } catch (error) {
    removeQuietly(temporary);
    throw error;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (systemErrorCode(error) !== 'ENOENT') throw error;
  }
}
