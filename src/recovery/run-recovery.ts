import type { ProcessConfig } from '../config/types.js';
import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import {
  endStartGrace,
  noteSpawned,
  noteStarted,
  noteStartUnderWay,
  readStartedInstance,
  readStartRecord,
  restoreStartRecord,
  type StartedInstance,
  type StartRecord,
} from '../store/process-control.js';
import type { AuditWriter } from '../store/audit-writer.js';
import type { System } from '../system/system.js';
import { clampDate } from '../time/clamp-date.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import type { ActionResult } from './action-result.js';
import type { StartHooks } from './command-env.js';
import { killCandidateOf } from './decide-kill.js';
import { planActions } from './plan-recovery.js';
import {
  onBootNow,
  runRecordedPipeline,
  type RecordedPipelineRequest,
  type RecoveryDeps,
  type RecoveryReport,
} from './run-recorded-pipeline.js';

export interface RecoveryRequest extends Omit<RecordedPipelineRequest, 'subject'> {
  process: ProcessConfig;
  /** The heartbeat's own verdict behind it: the PID `kill` considers, if the heartbeat is trusted. */
  heartbeat: HealthVerdict;
}

export type { RecordedPipelineRequest, RecoveryDeps, RecoveryReport } from './run-recorded-pipeline.js';

/**
 * Runs one pipeline for one process and records it ({@link runRecordedPipeline}). A start
 * resets the failure count and opens the start grace period.
 */
export function runRecovery(request: RecoveryRequest, deps: RecoveryDeps): Promise<RecoveryReport> {
  const { process } = request;
  const { audit, system, logger } = deps;
  return runRecordedPipeline({ ...request, subject: process }, deps, (label) => {
    const candidate = killCandidateOf(request.heartbeat, readStartedInstance(audit.db, process.key), process);
    const plans = planActions(process, request.actions, candidate, { outputLogMaxBytes: deps.outputLogMaxBytes });
    let beforeStart: StartRecord | undefined;
    const startHooks: StartHooks = {
      beforeSpawn: (startedAt) =>
        audit.write((db) => {
          beforeStart = readStartRecord(db, process.key);
          noteStartUnderWay(db, process.key, startedAt, graceUntilOf(process, startedAt), onBootNow(system));
        }),
      // Before verify_delay: a watchdog stopped or killed during it must leave the instance on record.
      spawned: (pid, startedAt) => {
        const instance = instanceOf(pid, system);
        if (instance === undefined) return;
        audit.write((db) => noteSpawned(db, process.key, startedAt, instance));
        logger.info(`${label}: start: PID ${pid} spawned and recorded; watching it for verify_delay`);
      },
      failed: (startedAt) => {
        const before = beforeStart;
        if (before !== undefined) audit.write((db) => restoreStartRecord(db, process.key, startedAt, before));
      },
    };
    return {
      plans,
      startHooks,
      afterAction: (db, plan, action) => {
        // At once, not when the pipeline ends: a watchdog killed after a start must not leave
        // the failure count at the threshold, or the next tick would start a second copy.
        if (plan.kind === 'start' && action.outcome === 'ok') noteStart(db, process, action, system);
        // The app was stopped: the grace of the start before no longer excuses anything, even
        // when the start after this kill fails and puts that start's record back.
        if (plan.kind === 'kill' && action.outcome === 'ok') endStartGrace(db, process.key);
      },
    };
  });
}

/** Opens the start grace period (on the boot clock too) and remembers the started instance by its identity. */
function noteStart(db: AuditWriter['db'], process: ProcessConfig, start: ActionResult, system: System): void {
  const bootId = system.processes.bootId();
  // A start command that exited is gone and reaped: its PID may be another process's by now.
  const exited = start.exitCode !== null || start.signal !== null;
  // The daemon it left (if found) is the instance; else the command itself, running after verify_delay.
  const ran = start.pid === undefined || exited ? undefined : instanceOf(start.pid, system);
  const instance = start.daemon ?? (ran === undefined ? undefined : { ...ran, foundBy: 'ran' as const });
  // The boot clock when the start began: the start action took start.durationMs since then.
  const uptime = system.processes.uptimeSeconds();
  const onBoot =
    bootId === undefined || uptime === undefined
      ? undefined
      : { bootId, uptimeSeconds: Math.max(0, uptime - start.durationMs / 1000) };
  noteStarted(db, process.key, start.startedAt, graceUntilOf(process, start.startedAt), instance, onBoot);
}

/** A live process by its PID, start time and boot; `undefined` once it is gone or a zombie. */
function instanceOf(pid: number, system: System): StartedInstance | undefined {
  const stat = system.processes.stat(pid);
  return stat === undefined || stat.state === 'Z'
    ? undefined
    : { pid, startTicks: stat.startTime, bootId: system.processes.bootId() };
}

function graceUntilOf(process: ProcessConfig, startedAt: string): string {
  return formatUtcTimestamp(clampDate(Date.parse(startedAt) + process.start_grace_seconds * 1000));
}
