import { readProcBytes, readProcFile } from './read-proc-file.js';

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

/** A command line as read: its text, and whether it was cut (the process's arguments go on past it). */
export interface CommandLineRead {
  /** Its arguments joined by spaces, at most {@link COMMAND_LINE_MAX_BYTES} bytes of them. */
  text: string;
  /**
   * The arguments go on past {@link COMMAND_LINE_MAX_BYTES}: a pattern that does not match
   * the text may still match the whole line (a Java app's main class after a 5 KB classpath).
   */
  cut: boolean;
}

/**
 * The command line of PID ({@link readCommandLine}), and whether it was cut: one byte more
 * than the cut is read, so a line of exactly 4096 bytes is not taken for a cut one.
 *
 * @throws on any read error but "no such process".
 */
export function readCommandLineRead(pid: number, procRoot = '/proc'): CommandLineRead | undefined {
  const bytes = readProcBytes(pid, 'cmdline', procRoot, COMMAND_LINE_MAX_BYTES + 1);
  if (bytes === undefined) return undefined;
  const cut = bytes.length > COMMAND_LINE_MAX_BYTES;
  const kept = cut ? bytes.subarray(0, COMMAND_LINE_MAX_BYTES) : bytes;
  return { text: kept.toString('utf8').replace(/\0+$/, '').replaceAll('\0', ' '), cut };
}

/**
 * The command line of PID, its arguments joined by spaces, cut to its first
 * {@link COMMAND_LINE_MAX_BYTES} bytes (a character cut in two reads as U+FFFD); `undefined`
 * when there is no such process, and empty for a kernel thread or a zombie (which have none).
 *
 * @throws on any other read error.
 */
export function readCommandLine(pid: number, procRoot = '/proc'): string | undefined {
  return readCommandLineRead(pid, procRoot)?.text;
}
