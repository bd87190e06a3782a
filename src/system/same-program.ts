import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { systemErrorCode } from '../errors.js';
import { COMMAND_LINE_MAX_BYTES } from './process-owner.js';
import { readProcFile } from './read-proc-file.js';
import { watchdogBinPath } from './watchdog-bin-path.js';

/** What a run of the watchdog is: its executable (node) and its script (`dist/cli/bin.js`). */
export interface ProgramFiles {
  executable: string;
  script: string | undefined;
  /**
   * The script of the watchdog's file system readers (the `watchdog` binary), when it is not
   * `script`: a tick run through the library has its own program as `script`, and its readers
   * still run the binary. A reader stuck on a hung mount outlives its run: it is another run.
   */
  readerScript?: string | undefined;
}

/**
 * A test of whether a process is another run of this same program: its executable
 * (`/proc/PID/exe`) is the same file as `own.executable`, and its script (the first argument
 * after the executable that is not an option) is the same file as `own.script`, resolved in
 * that process's own working folder and root, links followed, compared by device and inode
 * (`/usr/bin/watchdog`, a link, and `node /opt/watchdog/dist/cli/bin.js` are one script), or
 * the same file as `own.readerScript` (a file system reader, `bin.js __read-filesystems PATH`).
 * Anything that cannot be read (gone, not permitted, a kernel thread, no script) is not
 * another run: it is judged as any process is.
 *
 * @param own this run's executable and script (default: `process.execPath`, `process.argv[1]`).
 */
export function sameProgramTest(
  own: ProgramFiles = {
    executable: process.execPath,
    script: process.argv[1],
    readerScript: watchdogBinPath(import.meta.url),
  },
  procRoot = '/proc',
): (pid: number) => boolean {
  const executable = fileIdOf(own.executable);
  const scripts = new Set(
    [own.script, own.readerScript].flatMap((path) => (path === undefined ? [] : [fileIdOf(path)])),
  );
  scripts.delete(undefined);
  if (executable === undefined || scripts.size === 0) return () => false;
  return (pid) => {
    const args = readProcFile(pid, 'cmdline', procRoot, COMMAND_LINE_MAX_BYTES)?.split('\0');
    const named = args?.slice(1).find((arg) => arg !== '' && !arg.startsWith('-'));
    if (named === undefined) return false;
    if (fileIdOf(`${procRoot}/${pid}/exe`) !== executable) return false;
    // Not path.join: it would fold `cwd/../x` into `PID/x`; the kernel resolves `..` from where the link leads.
    const path = isAbsolute(named) ? `${procRoot}/${pid}/root${named}` : `${procRoot}/${pid}/cwd/${named}`;
    return scripts.has(fileIdOf(path));
  };
}

/** `device:inode` of the file at `path`, links followed; `undefined` when it cannot be reached. */
function fileIdOf(path: string): string | undefined {
  try {
    const stats = statSync(path, { bigint: true });
    return `${stats.dev}:${stats.ino}`;
  } catch (error) {
    // ENOENT, EACCES, ENOTDIR, ELOOP...: not this file, whatever the reason.
    if (systemErrorCode(error) !== undefined) return undefined;
    throw error;
  }
}
