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
 * The command line of PID, its arguments joined by spaces; `undefined` when there is no
 * such process, and empty for a kernel thread or a zombie (which have none).
 *
 * @throws on any other read error.
 */
export function readCommandLine(pid: number, procRoot = '/proc'): string | undefined {
  const text = readProcFile(pid, 'cmdline', procRoot);
  return text?.replace(/\0+$/, '').replaceAll('\0', ' ');
}
