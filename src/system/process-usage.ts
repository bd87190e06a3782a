import { readProcFile } from './read-proc-file.js';

/** What one process uses, read from procfs: what the resource limits weigh. */
export interface ProcessUsage {
  /** Clock ticks since boot (field 22 of `/proc/PID/stat`): the process these figures are of. */
  startTime: number;
  /**
   * CPU time in clock ticks (USER_HZ): its own user and system time, and that of the children
   * it waited for (fields 14 to 17), so a child that exits between two samples is not lost.
   */
  cpuTicks: number;
  /** Resident memory in bytes (`VmRSS` of `/proc/PID/status`); 0 for a kernel thread. */
  rssBytes: number;
}

/**
 * Reads what process `pid` uses; `undefined` when there is no such process or it is a zombie
 * (whose memory is gone). `status` is read before `stat`, so the start time returned is the
 * process's at both reads: a PID reused in between shows a start time the caller refuses.
 *
 * @param procRoot where procfs is mounted; tests point it at a fake tree.
 * @throws when procfs cannot be read, or its text cannot be parsed.
 */
export function readProcessUsage(pid: number, procRoot = '/proc'): ProcessUsage | undefined {
  const status = readProcFile(pid, 'status', procRoot);
  if (status === undefined) return undefined;
  const stat = readProcFile(pid, 'stat', procRoot);
  if (stat === undefined) return undefined;
  const times = parseStatTimes(stat);
  if (times.state === 'Z' || times.state === 'X' || times.state === 'x') return undefined;
  return { startTime: times.startTime, cpuTicks: times.cpuTicks, rssBytes: parseRssBytes(status) };
}

/**
 * The state, start time and CPU ticks (utime + stime + cutime + cstime) of a `/proc/PID/stat` line.
 *
 * @example
 * parseStatTimes('42 (app) S 1 42 42 0 -1 4194560 0 0 0 0 150 30 2 1 ...'); // { cpuTicks: 183, ... }
 * @throws when the text is not a stat line.
 */
export function parseStatTimes(text: string): { state: string; startTime: number; cpuTicks: number } {
  // As parseProcStat: the name may hold anything, nothing after its last ')' does.
  const rest = /^\d+ \(.*\) (.*)$/s.exec(text.trimEnd())?.[1]?.split(' ') ?? [];
  // Field N is rest[N - 3]: utime 14, stime 15, cutime 16, cstime 17, starttime 22.
  const fields = [rest[11], rest[12], rest[13], rest[14], rest[19]].map(toCount);
  const [utime, stime, cutime, cstime, startTime] = fields;
  const state = rest[0];
  if (
    state === undefined ||
    utime === undefined ||
    stime === undefined ||
    cutime === undefined ||
    cstime === undefined ||
    startTime === undefined
  )
    throw new Error(`cannot parse the times of a procfs stat line: ${JSON.stringify(text.slice(0, 200))}`);
  return { state, startTime, cpuTicks: utime + stime + cutime + cstime };
}

/**
 * `VmRSS` of a `/proc/PID/status` text, in bytes; 0 when there is none (a kernel thread has
 * no memory of its own).
 *
 * @throws when the line is there but is not a size in kB.
 */
export function parseRssBytes(status: string): number {
  const line = /^VmRSS:(.*)$/m.exec(status)?.[1];
  if (line === undefined) return 0;
  const kib = /^\s*(\d+) kB\s*$/.exec(line)?.[1];
  if (kib === undefined) throw new Error(`cannot parse VmRSS of a procfs status: ${JSON.stringify(line.slice(0, 80))}`);
  return Number(kib) * 1024;
}

function toCount(field: string | undefined): number | undefined {
  if (field === undefined || !/^\d+$/.test(field)) return undefined;
  const value = Number(field);
  return Number.isSafeInteger(value) ? value : undefined;
}
