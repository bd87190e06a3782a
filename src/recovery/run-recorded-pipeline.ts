import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { Logger } from '../logging/logger.js';
import type { RaiseEvent } from '../notify/watchdog-event.js';
import type { AuditWriter } from '../store/audit-writer.js';
import { linkCheckToRecovery, type StartedOnBoot } from '../store/process-control.js';
import { beginRecovery, finishRecovery, recordRecoveryAction, type RecoveryKind } from '../store/record-recovery.js';
import type { System } from '../system/system.js';
import { formatSeconds } from '../time/format-duration.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import type { ActionResult } from './action-result.js';
import type { RecoveredSubject } from './checked-subject.js';
import type { StartHooks } from './command-env.js';
import type { ActionPlan } from './plan-recovery.js';
import { runPipeline, type PipelineResult } from './run-pipeline.js';

export interface RecordedPipelineRequest {
  /** The process or file system entry recovered. */
  subject: RecoveredSubject;
  kind: RecoveryKind;
  /** The CLI command: `check`, `restart`, `on`... */
  command: string;
  /** `cron`, or the user who asked. */
  requestedBy: string;
  /** The actions to run, in order. */
  actions: readonly string[];
  /** The check just before, as recorded (`off` and `starting` included): why it runs. */
  trigger: HealthVerdict;
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

/** The pipeline a recovery runs, decided once its row exists (`label` names it in the log). */
export interface PreparedPipeline {
  plans: readonly ActionPlan[];
  startHooks?: StartHooks | undefined;
  /** Recorded with each action, in its write (a process notes its start and kill here). */
  afterAction?: ((db: AuditWriter['db'], plan: ActionPlan, action: ActionResult) => void) | undefined;
  /** A failed command fails the recovery (a file system's, which is nothing but its commands). */
  commandsMustSucceed?: boolean | undefined;
}

/**
 * Runs one pipeline and records it, for a process or a file system entry alike: the
 * recovery row first (as `running`, linked to the check that made it due), each action as
 * it ends, then the outcome; a recovery (or restart) is told when it starts and ends.
 */
export async function runRecordedPipeline(
  request: RecordedPipelineRequest,
  deps: RecoveryDeps,
  prepare: (label: string) => PreparedPipeline,
): Promise<RecoveryReport> {
  const { subject, trigger } = request;
  const { audit, system, logger } = deps;
  const startedMs = system.now().getTime();
  const startedMonotonicMs = system.monotonicMs();
  const startedOnBoot = onBootNow(system);
  const reason = `${trigger.state} (${trigger.reason})`;
  const recoveryId = audit.write((db) => {
    const id = beginRecovery(db, {
      processKey: subject.key,
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
  const label = `${subject.key}: ${request.kind} #${recoveryId}`;
  const actionList = request.actions.join(' → ') || 'none';
  logger.info(`${label} started by ${request.requestedBy} (${request.command}): ${reason}; actions: ${actionList}`);
  const tell = request.kind === 'recovery' || request.kind === 'restart' ? deps.raise : undefined;
  const about = { processKey: subject.key, displayName: subject.display_name };
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
    summary: `${subject.key}: ${request.kind} #${recoveryId} started: ${reason}`,
    details: { ...facts, actions: actionList },
  });

  const { plans, startHooks, afterAction, commandsMustSucceed } = prepare(label);
  const result = await runPipeline(
    plans,
    { process: subject, reason, startHooks },
    system,
    (action, position) => {
      audit.write((db) => {
        recordRecoveryAction(db, recoveryId, position, action);
        const plan = plans[position];
        if (plan !== undefined) afterAction?.(db, plan, action);
      });
      logAction(logger, label, action);
    },
    { commandsMustSucceed },
  );

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
    summary: `${subject.key}: ${request.kind} #${recoveryId} ${result.outcome} after ${took}${result.summary === '' ? '' : `: ${result.summary}`}`,
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
  return { ...result, recoveryId, processKey: subject.key, kind: request.kind, durationMs };
}

/** The boot clock now, to judge a grace period no step of the wall clock moves. */
export function onBootNow(system: System): StartedOnBoot | undefined {
  const bootId = system.processes.bootId();
  const uptimeSeconds = system.processes.uptimeSeconds();
  return bootId === undefined || uptimeSeconds === undefined ? undefined : { bootId, uptimeSeconds };
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
