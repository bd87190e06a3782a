import { closeSync, constants, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { systemErrorCode } from '../errors.js';
import { PROCESS_LINK_TRUST, openFileSafely, reachTrustedFolder } from './open-file-safely.js';
import type { ProcStat } from './proc-stat.js';
import { readToScratch } from './read-to-scratch.js';
import { replaceFile } from './replace-file.js';
import { closeFolder, inFolder } from './walk-path.js';
import { formatCount } from '../display/format-count.js';

/** A process the watchdog sent SIGSTOP: its PID with its start time, so a reused PID is told apart. */
export interface StoppedProcess {
  pid: number;
  startTime: number;
}

/**
 * Where a tree stopped without a cgroup is written down while it is stopped: a watchdog
 * SIGKILLed then runs no `finally`, and the next run resumes exactly these processes.
 */
export interface StoppedRecord {
  /** Written before the SIGSTOP is sent: the record never lags behind what is stopped. */
  save(processes: readonly StoppedProcess[]): void;
  /** Once the tree runs again. */
  clear(): void;
}

/** The record's name, in the folder of the tick lock (root's or the watchdog's, writable by no one else). */
export const STOPPED_RECORD_NAME = 'stopped-processes.json';

/** A record holds at most this many processes (a tree stopped round by round is bounded too). */
const MAX_RECORD_BYTES = 1 << 20;

/** The record at `path`, on this boot (PIDs and start times mean nothing on another). */
export function stoppedRecordAt(path: string, bootId: string | undefined): StoppedRecord {
  return {
    save: (processes) => replaceFile(path, `${JSON.stringify({ bootId: bootId ?? null, processes })}\n`, 0o600),
    clear: () => removeRecord(path),
  };
}

/**
 * Sends SIGCONT to each process a SIGKILLed watchdog left stopped, as its record says, and
 * removes the record: only a process still stopped whose start time is the one recorded, on
 * the same boot (anything else at that PID is another process, and is left alone).
 *
 * @returns the PIDs resumed.
 */
export function resumeStoppedProcesses(
  path: string,
  access: {
    bootId: string | undefined;
    stat: (pid: number) => ProcStat | undefined;
    kill: (pid: number, signal: NodeJS.Signals) => void;
  },
): number[] {
  const text = readRecord(path);
  if (text === undefined) return [];
  const resumed: number[] = [];
  const record = parseRecord(text);
  if (record !== undefined && record.bootId !== null && record.bootId === access.bootId) {
    for (const { pid, startTime } of record.processes) {
      const stat = access.stat(pid);
      if (pid <= 1 || stat === undefined || stat.startTime !== startTime || (stat.state !== 'T' && stat.state !== 't'))
        continue;
      try {
        access.kill(pid, 'SIGCONT');
        resumed.push(pid);
      } catch (error) {
        if (systemErrorCode(error) === undefined) throw error;
      }
    }
  }
  removeRecord(path);
  return resumed;
}

function readRecord(path: string): string | undefined {
  let fd: number;
  try {
    fd = openFileSafely(path, { flags: constants.O_RDONLY | constants.O_NONBLOCK, trust: PROCESS_LINK_TRUST });
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return readToScratch(fd, MAX_RECORD_BYTES).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The record, or `undefined` when it is not one (a torn or foreign file: nothing in it is believed). */
function parseRecord(text: string): { bootId: string | null; processes: StoppedProcess[] } | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null) return undefined;
    const { bootId, processes } = value as { bootId?: unknown; processes?: unknown };
    if ((typeof bootId !== 'string' && bootId !== null) || !Array.isArray(processes)) return undefined;
    const valid = processes.filter(
      (entry): entry is StoppedProcess =>
        typeof entry === 'object' &&
        entry !== null &&
        Number.isSafeInteger((entry as StoppedProcess).pid) &&
        Number.isSafeInteger((entry as StoppedProcess).startTime),
    );
    return { bootId, processes: valid };
  } catch {
    return undefined;
  }
}

function removeRecord(path: string): void {
  let folder;
  try {
    folder = reachTrustedFolder(dirname(path), { trust: PROCESS_LINK_TRUST }, `${basename(path)} is not removed there`);
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return;
    throw error;
  }
  try {
    unlinkSync(inFolder(folder, basename(path)));
  } catch (error) {
    if (systemErrorCode(error) !== 'ENOENT') throw error;
  } finally {
    closeFolder(folder);
  }
}

/** The record beside the tick lock. */
export function stoppedRecordPathFor(lockPath: string): string {
  return join(dirname(lockPath), STOPPED_RECORD_NAME);
}

/**
 * At the start of a run that holds the tick lock: resumes what a SIGKILLed watchdog left
 * stopped (see {@link resumeStoppedProcesses}); one line for the log when it did, else none.
 * A record that cannot be read is left for the next run, with a line saying why.
 */
export function resumeLeftStopped(
  lockPath: string,
  system: {
    processes: { bootId(): string | undefined; stat(pid: number): ProcStat | undefined };
    sendSignal(target: number, signal: NodeJS.Signals): void;
  },
): string | undefined {
  const path = stoppedRecordPathFor(lockPath);
  try {
    const resumed = resumeStoppedProcesses(path, {
      bootId: system.processes.bootId(),
      stat: (pid) => system.processes.stat(pid),
      kill: (pid, signal) => system.sendSignal(pid, signal),
    });
    return resumed.length === 0
      ? undefined
      : `resumed ${formatCount(resumed.length, 'process', 'processes')} a killed watchdog left stopped (SIGCONT to PID ${resumed.join(', ')}, each by its start time)`;
  } catch (error) {
    if (systemErrorCode(error) === undefined) throw error;
    return `cannot read ${path}, the processes a killed watchdog may have left stopped: ${(error as Error).message}`;
  }
}
