import type { ProcessConfig, WatchdogConfig } from '../config/types.js';
import type { HeartbeatFileRead } from '../heartbeat/read-heartbeat-file.js';
import { assessCheck, type Assessment, type PreviousState } from '../recovery/assess-check.js';
import { crashLoopLimitsOf } from '../recovery/crash-loop-guard.js';
import { type ProcessInspector, type System } from '../system/system.js';
import { graceClockOf } from '../recovery/start-facts.js';
import { checkProcess, configuredKeysOf } from '../tick/check-process.js';

export interface CheckNowDeps {
  readHeartbeat: (path: string) => HeartbeatFileRead;
  processTable: ProcessInspector;
  nowMs: number;
  maxClockSkewSeconds: number;
  ownUid: number;
  configuredKeys: ReadonlySet<string>;
}

/** What `checkNow` needs, from the config and the machine. */
export function checkNowDepsOf(
  config: Pick<WatchdogConfig, 'max_clock_skew_seconds' | 'processes'>,
  system: Pick<System, 'processes' | 'now' | 'ownUid'>,
  readHeartbeat: (path: string) => HeartbeatFileRead,
): CheckNowDeps {
  return {
    readHeartbeat,
    processTable: system.processes,
    nowMs: system.now().getTime(),
    maxClockSkewSeconds: config.max_clock_skew_seconds,
    ownUid: system.ownUid,
    configuredKeys: configuredKeysOf(config),
  };
}

/**
 * A process's state right now, weighed against its history (off, start grace), without
 * recording anything: what a manual command or `--dry-run` decides on.
 */
export function checkNow(process: ProcessConfig, previous: PreviousState, deps: CheckNowDeps): Assessment {
  const clock = graceClockOf(deps.processTable);
  return assessCheck(
    checkProcess(process, deps),
    previous,
    process.consecutive_failures_threshold,
    deps.nowMs,
    crashLoopLimitsOf(process),
    clock,
  );
}
