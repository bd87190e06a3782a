import { replaceFileInFolder } from '../system/replace-file-in-folder.js';
import { readBootId } from '../system/boot-info.js';
import { readProcStat } from '../system/proc-stat.js';
import { procfsProcessTable } from '../system/process-table.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import { formatHeartbeat, type BeatRecord } from './format-heartbeat.js';
import { judgeBeatPid, type BeatPidFacts } from './judge-beat-pid.js';
import { nextIteration } from './next-iteration.js';

/** One beat: whose, for which process, saying what. */
export interface BeatRequest {
  /** The process key, written as `process_key`. */
  key: string;
  /** The heartbeat file (the process's `heartbeat_path`). */
  heartbeatPath: string;
  pid: number;
  status: string;
}

/** What a beat needs of the machine; the real one by default. */
export interface BeatSystem {
  pidFacts: (pid: number) => BeatPidFacts;
  bootId: () => string | undefined;
  now: () => Date;
  replaceFile: (path: string, render: (current: string | undefined) => string) => void;
}

/** A beat that was not written, and why (a PID that is not a live process). */
export class BeatRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BeatRefusedError';
  }
}

export const realBeatSystem: BeatSystem = {
  pidFacts: (pid) => ({ liveness: procfsProcessTable().liveness(pid), startTicks: readProcStat(pid)?.startTime }),
  bootId: () => readBootId(),
  now: () => new Date(),
  replaceFile: (path, render) => replaceFileInFolder(path, render, { mode: 0o644 }),
};

/**
 * Writes one heartbeat for `request.pid`, as an app's HeartbeatWriter would: the five keys,
 * then the PID's start time and this boot's id, so the watchdog can tell the process from
 * a later one that reuses its PID. The iteration goes on from the file's when that is a
 * heartbeat of the same key. Nothing is written for a PID that is not a live process.
 *
 * @returns what was written.
 * @throws {BeatRefusedError} when the PID is not a live process.
 * @throws what writing throws (`EUNSAFEPATH`, `ENOENT`, `EACCES`...).
 */
export function writeBeat(request: BeatRequest, system: BeatSystem = realBeatSystem): BeatRecord {
  const verdict = judgeBeatPid(request.pid, () => system.pidFacts(request.pid));
  if (!verdict.ok) throw new BeatRefusedError(verdict.reason);
  const bootId = system.bootId();
  let written: BeatRecord | undefined;
  system.replaceFile(request.heartbeatPath, (current) => {
    written = {
      process_key: request.key,
      pid: request.pid,
      timestamp: formatUtcTimestamp(system.now()),
      status: request.status,
      iteration: nextIteration(current, request.key),
      pid_start_ticks: verdict.startTicks,
      boot_id: bootId,
    };
    return formatHeartbeat(written);
  });
  if (written === undefined) throw new Error('the heartbeat file was replaced without its text');
  return written;
}
