import type { ProcessConfig } from '../config/types.js';
import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { Logger } from '../logging/logger.js';
import type { AuditWriter } from '../store/audit-writer.js';
import type { RaiseEvent } from '../notify/watchdog-event.js';
import {
  endStartGrace,
  linkCheckToRecovery,
  noteSpawned,
  noteStarted,
  noteStartUnderWay,
  readStartedInstance,
  readStartRecord,
  restoreStartRecord,
  type StartedInstance,
  type StartedOnBoot,
  type StartRecord,
} from '../store/process-control.js';
import { beginRecovery, finishRecovery, recordRecoveryAction, type RecoveryKind } from '../store/record-recovery.js';
import type { System } from '../system/system.js';
import { clampDate } from '../time/clamp-date.js';
import { formatSeconds } from '../time/format-duration.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import type { ActionResult } from './action-result.js';
import type { StartHooks } from './command-env.js';
import { killCandidateOf } from './decide-kill.js';
import { planActions } from './plan-recovery.js';
import { runPipeline, type PipelineResult } from './run-pipeline.js';

export interface RecoveryRequest {
  process: ProcessConfig;
  kind: RecoveryKind;
  /** The CLI command: `check`, `restart`, `on`... */
  command: string;
  /** `cron`, or the user who asked. */
  requestedBy: string;
  /** The actions to run, in order. */
  actions: readonly string[];
  /** The process's check just before, as recorded (`off` and `starting` included): why it runs. */
  trigger: HealthVerdict;
  /** The heartbeat's own verdict behind it: the PID `kill` considers, if the heartbeat is trusted. */
  heartbeat: HealthVerdict;
  /** The check_history row that made it due, for cron's recoveries. */
  historyId?: number | undefined;
}

export interface RecoveryDeps {
  /** Where the recovery is recorded: the audit log, which a failing database cannot stop. */
  audit: AuditWriter;
  system: System;
  logger: Logger;
  /** The app output log is rotated at a start past this size. */
  outputLogMaxBytes: number;
  /** Told when a recovery or restart starts and ends (not `off`/`on`: their commands tell of those). */
  raise?: RaiseEvent | undefined;
}

export interface RecoveryReport extends PipelineResult {
  recoveryId: number;
  processKey: string;
  kind: RecoveryKind;
  durationMs: number;
}

/**
 * Runs one pipeline for one process and records it: the recovery row first (as
 * `running`), each action as it ends, then the outcome. A start resets the failure
 * count and opens the start grace period.
 */
export async function runRecovery(request: RecoveryRequest, deps: RecoveryDeps): Promise<RecoveryReport> {
  const { process, trigger } = request;
  const { audit, system, logger } = deps;
  const startedMs = system.now().getTime();
  const startedMonotonicMs = system.monotonicMs();
  const startedOnBoot = onBootNow(system);
  const reason = `${trigger.state} (${trigger.reason})`;
  const recoveryId = audit.write((db) => {
    const id = beginRecovery(db, {
      processKey: process.key,
      kind: request.kind,
      command: request.command,
      requestedBy: request.requestedBy,
      triggerHealth: trigger.state,
      triggerReason: trigger.reason,
      startedAt: formatUtcTimestamp(new Date(startedMs)),
      bootId: startedOnBoot?.bootId ?? null,
      startedUptimeSeconds: startedOnBoot?.uptimeSeconds ?? null,
    });
    if (request.historyId !== undefined) linkCheckToRecovery(db, request.historyId, id);
    return id;
  });
  const label = `${process.key}: ${request.kind} #${recoveryId}`;
  const actionList = request.actions.join(' → ') || 'none';
  logger.info(`${label} started by ${request.requestedBy} (${request.command}): ${reason}; actions: ${actionList}`);
  const tell = request.kind === 'recovery' || request.kind === 'restart' ? deps.raise : undefined;
  const about = { processKey: process.key, displayName: process.display_name };
  const facts = {
    recovery_id: recoveryId,
    kind: request.kind,
    requested_by: request.requestedBy,
    trigger: trigger.state,
    reason: trigger.reason,
  };
  tell?.({
    kind: 'recovery_started',
    at: formatUtcTimestamp(new Date(startedMs)),
    ...about,
    summary: `${process.key}: ${request.kind} #${recoveryId} started: ${reason}`,
    details: { ...facts, actions: actionList },
  });

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
  const result = await runPipeline(plans, { process, reason, startHooks }, system, (action, position) => {
    audit.write((db) => {
      recordRecoveryAction(db, recoveryId, position, action);
      // At once, not when the pipeline ends: a watchdog killed after a start must not leave
      // the failure count at the threshold, or the next tick would start a second copy.
      if (plans[position]?.kind === 'start' && action.outcome === 'ok') noteStart(db, process, action, system);
      // The app was stopped: the grace of the start before no longer excuses anything, even
      // when the start after this kill fails and puts that start's record back.
      if (plans[position]?.kind === 'kill' && action.outcome === 'ok') endStartGrace(db, process.key);
    });
    logAction(logger, label, action);
  });

  const finishedMs = system.now().getTime();
  const durationMs = system.monotonicMs() - startedMonotonicMs;
  audit.write((db) =>
    finishRecovery(db, recoveryId, {
      finishedAt: formatUtcTimestamp(new Date(finishedMs)),
      durationMs,
      outcome: result.outcome,
      detail: result.summary === '' ? null : result.summary,
      startedPid: result.started?.pid ?? null,
      finishedUptimeSeconds: startedOnBoot === undefined ? null : (system.processes.uptimeSeconds() ?? null),
    }),
  );
  const took = formatSeconds(durationMs / 1000);
  tell?.({
    kind: result.outcome === 'succeeded' ? 'recovery_succeeded' : 'recovery_failed',
    at: formatUtcTimestamp(new Date(finishedMs)),
    ...about,
    summary: `${process.key}: ${request.kind} #${recoveryId} ${result.outcome} after ${took}${result.summary === '' ? '' : `: ${result.summary}`}`,
    details: {
      ...facts,
      duration_seconds: durationMs / 1000,
      started_pid: result.started?.pid ?? null,
      problem: result.summary === '' ? null : result.summary,
    },
  });
  if (result.outcome === 'succeeded') {
    const started = result.started?.pid === undefined ? '' : `; started PID ${result.started.pid}`;
    logger.info(`${label} succeeded in ${took}${started}${result.summary === '' ? '' : `; ${result.summary}`}`);
  } else {
    logger.error(`${label} ${result.outcome} after ${took}: ${result.summary}`);
  }
  return { ...result, recoveryId, processKey: process.key, kind: request.kind, durationMs };
}

/** Opens the start grace period (on the boot clock too) and remembers the started instance by its identity. */
function noteStart(db: AuditWriter['db'], process: ProcessConfig, start: ActionResult, system: System): void {
  const bootId = system.processes.bootId();
  // A start command that exited is gone and reaped: its PID may be another process's by now.
  const exited = start.exitCode !== null || start.signal !== null;
  // The daemon it left (if found) is the instance.
  const instance = start.daemon ?? (start.pid === undefined || exited ? undefined : instanceOf(start.pid, system));
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

/** The boot clock now, to judge a grace period no step of the wall clock moves. */
function onBootNow(system: System): StartedOnBoot | undefined {
  const bootId = system.processes.bootId();
  const uptimeSeconds = system.processes.uptimeSeconds();
  return bootId === undefined || uptimeSeconds === undefined ? undefined : { bootId, uptimeSeconds };
}

function graceUntilOf(process: ProcessConfig, startedAt: string): string {
  return formatUtcTimestamp(clampDate(Date.parse(startedAt) + process.start_grace_seconds * 1000));
}

function logAction(logger: Logger, label: string, action: ActionResult): void {
  const line = `${label}: ${action.action} ${action.outcome}: ${action.detail}`;
  if (action.outcome === 'failed') logger.error(line);
  else if (action.outcome === 'refused') logger.warn(line);
  else logger.info(line);
  if (action.warning !== undefined) logger.warn(`${label}: ${action.action}: ${action.warning}`);
  if (action.outcome === 'failed' && action.outputTail !== null) {
    for (const outputLine of action.outputTail.trimEnd().split('\n').slice(-10))
      logger.error(`${label}: ${action.action} output: ${outputLine}`);
  }
}
