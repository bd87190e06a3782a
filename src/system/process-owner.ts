import { readProcFile } from './read-proc-file.js';

/** Who a process runs as: its real and effective user IDs. */
export interface ProcessUids {
  real: number;
  effective: number;
}

/** The `Uid:` line of `/proc/PID/status`; `undefined` when the text has none. */
export function uidsFromStatus(status: string): ProcessUids | undefined {
  const match = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
  if (match === null) return undefined;
  return { real: Number(match[1]), effective: Number(match[2]) };
}

/**
 * Reads who PID runs as; `undefined` when there is no such process.
 *
 * @throws on any other read error (procfs itself unusable).
 */
export function readProcessUids(pid: number, procRoot = '/proc'): ProcessUids | undefined {
  const status = readProcFile(pid, 'status', procRoot);
  return status === undefined ? undefined : uidsFromStatus(status);
}

/**
 * How much of a command line is ever read: what procps's `pgrep -f` sees (it reads the
 * command line into a fixed 4096-byte buffer). Any user may start a process with megabytes
 * of arguments, and a `match` pattern such as `mosquitto.*\.conf` takes time quadratic in
 * the length of the text it searches (cubic with two `.*`): a 700 KB command line held a
 * tick for 44 s, and with it the lock, so nothing was supervised. Cut to 4 KiB, the same
 * pattern takes well under a millisecond, and the whole line is never read.
 */
export const COMMAND_LINE_MAX_BYTES = 4096;

/**
 * The command line of PID, its arguments joined by spaces, cut to its first
 * {@link COMMAND_LINE_MAX_BYTES} bytes (a character cut in two reads as U+FFFD); `undefined`
 * when there is no such process, and empty for a kernel thread or a zombie (which have none).
 *
 * @throws on any other read error.
 */
export function readCommandLine(pid: number, procRoot = '/proc'): string | undefined {
  const text = readProcFile(pid, 'cmdline', procRoot, COMMAND_LINE_MAX_BYTES);
  return text?.replace(/\0+$/, '').replaceAll('\0', ' ');
}
