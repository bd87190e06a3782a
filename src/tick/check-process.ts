import type { ProcessConfig } from '../config/types.js';
import { describeError } from '../errors.js';
import { classifyHeartbeat, verdict, type HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { HeartbeatFileRead } from '../heartbeat/read-heartbeat-file.js';
import { observeIdentity, type ProcessInspector } from '../system/system.js';

export interface CheckProcessDeps {
  readHeartbeat: (path: string) => HeartbeatFileRead;
  processTable: ProcessInspector;
  nowMs: number;
  maxClockSkewSeconds: number;
  /** The watchdog's own user. */
  ownUid: number;
}

/**
 * Checks one process. Never throws: whatever goes wrong becomes this process's verdict,
 * so one broken process cannot stop the others from being checked.
 */
export function checkProcess(process: ProcessConfig, deps: CheckProcessDeps): HealthVerdict {
  try {
    return classifyHeartbeat({
      read: deps.readHeartbeat(process.heartbeat_path),
      processKey: process.key,
      timeoutSeconds: process.timeout_seconds,
      maxClockSkewSeconds: deps.maxClockSkewSeconds,
      nowMs: deps.nowMs,
      liveness: (pid) => deps.processTable.liveness(pid),
      observe: (pid) => observeIdentity(deps.processTable, pid),
      user: process.user,
      match: process.match,
      ownUid: deps.ownUid,
    });
  } catch (error) {
    // Reading the heartbeat never throws; what does is the watchdog's side (procfs). Not the
    // app's fault, so not counted against it.
    return verdict('check_error', `the watchdog could not check this process: ${describeError(error)}`);
  }
}
