import type { ProcessConfig, WatchdogConfig } from '../config/types.js';
import type { HeartbeatFileRead } from '../heartbeat/read-heartbeat-file.js';
import type { Logger } from '../logging/logger.js';
import type { Assessment } from '../recovery/assess-check.js';
import { runRecovery, type RecoveryReport } from '../recovery/run-recovery.js';
import type { AuditWriter } from '../store/audit-writer.js';
import type { RaiseEvent } from '../notify/watchdog-event.js';
import { recordAuditEvent } from '../store/audit-events.js';
import { recordRaised } from '../notify/queue/raised-events.js';
import { clearGaveUp, clearOff, readStartedInstance, resetRecoveryBudget, setOff } from '../store/process-control.js';
import { beginRecovery, finishRecovery, type RecoveryKind } from '../store/record-recovery.js';
import type { System } from '../system/system.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import { assessProcess } from '../recovery/assess-process.js';
import { readPreviousState } from '../recovery/previous-state.js';
import { checkProcess, checkProcessDepsOf } from '../tick/check-process.js';
import { probeCheck, probeDepsOf } from '../tick/probe-checks.js';
import { decideOn } from './decide-on.js';
import { decideStart, type StartFacts, type StartIntent } from '../recovery/decide-start.js';
import { graceClockOf, startFactsOf } from '../recovery/start-facts.js';
import { recordCommandState } from '../store/record-command-state.js';

export interface ControlDeps {
  /** The audit log, which a failing database cannot stop. */
  audit: AuditWriter;
  config: WatchdogConfig;
  system: System;
  readHeartbeat: (path: string) => HeartbeatFileRead;
  logger: Logger;
  /** The CLI command, for the audit log: `on`, `off`, `restart`, `stop-all`, `start-all`. */
  command: string;
  /** Who asked. */
  requestedBy: string;
  /** Told of `off`, `on` and restarts. */
  raise?: RaiseEvent | undefined;
}

/** What a manual command did to one process. */
export interface ControlResult {
  processKey: string;
  /** `interrupted`: the watchdog was asked to stop (SIGTERM...) before it was done. */
  outcome: 'succeeded' | 'failed' | 'skipped' | 'interrupted';
  /** One line for the person who asked. */
  message: string;
  /** The pipeline that ran, if one did. */
  report: RecoveryReport | undefined;
}

/** `watchdog off`: persisted first (cron must not undo it), then the app is stopped. */
export async function turnOff(process: ProcessConfig, deps: ControlDeps): Promise<ControlResult> {
  const now = formatUtcTimestamp(deps.system.now());
  deps.audit.write((db) => setOff(db, process.key, now, deps.requestedBy));
  deps.logger.info(`${process.key}: turned off by ${deps.requestedBy} (${deps.command})`);
  // Checked after turning off, so the trigger reads `off`; the kill still takes the heartbeat's PID.
  // Not probed: the state is `off` whatever the probe says, and what kill stops never depends on it.
  const current = await assessNow(process, deps, { probe: false });
  const report = await run(process, 'stop', ['kill'], current, deps);
  await settle(process, deps, { probe: false });
  const message = offMessage(report);
  tellOnOff('process_off', process, 'turned off', message, deps);
  return { processKey: process.key, outcome: report.outcome, message, report };
}

/** `watchdog on`: clears `off` (and a crash-loop give-up) and starts the app unless it is already running (or `force`). */
export async function turnOn(process: ProcessConfig, force: boolean, deps: ControlDeps): Promise<ControlResult> {
  const wasOff = deps.audit.write((db) => clearOff(db, process.key));
  if (wasOff) deps.logger.info(`${process.key}: turned on by ${deps.requestedBy} (${deps.command})`);
  resume(process, deps);
  const current = await assessNow(process, deps);
  const decision = decideOn(process, startFactsNow(process, 'start', force, process.recovery_actions, current, deps));
  if (!decision.start) {
    recordSkipped(process, current, decision.why, deps);
    deps.logger.info(`${process.key}: ${deps.command}: ${decision.why}`);
    const message = `${wasOff ? 'on; ' : ''}${decision.why}`;
    if (wasOff) tellOnOff('process_on', process, 'turned on', message, deps);
    return { processKey: process.key, outcome: 'skipped', message, report: undefined };
  }
  const report = await run(process, 'start', decision.actions, current, deps);
  await settle(process, deps);
  const message = outcomeMessage('start', report);
  // The start it ran is what heals the app, if it comes up: its incident says so (process_recovered).
  const started = report.outcome === 'succeeded' ? report.recoveryId : undefined;
  tellOnOff('process_on', process, wasOff ? 'turned on' : 'started', message, deps, started);
  return { processKey: process.key, outcome: report.outcome, message, report };
}

/**
 * `watchdog restart`: the full pipeline now, whatever the app's health; also turns an `off`
 * process back on. Refused (unless `force`) where the start would be a second copy: a live
 * process the pipeline cannot stop ({@link decideStart}).
 */
export async function restartProcess(process: ProcessConfig, deps: ControlDeps, force = false): Promise<ControlResult> {
  if (deps.audit.write((db) => clearOff(db, process.key)))
    deps.logger.info(`${process.key}: turned on by ${deps.requestedBy} (${deps.command})`);
  resume(process, deps);
  const current = await assessNow(process, deps);
  const decision = decideStart(startFactsNow(process, 'restart', force, process.recovery_actions, current, deps));
  if (!decision.start) {
    recordSkipped(process, current, decision.why, deps, 'restart');
    deps.logger.info(`${process.key}: ${deps.command}: ${decision.why}`);
    return { processKey: process.key, outcome: 'skipped', message: decision.why, report: undefined };
  }
  const report = await run(process, 'restart', process.recovery_actions, current, deps);
  await settle(process, deps);
  return { processKey: process.key, outcome: report.outcome, message: outcomeMessage('restart', report), report };
}

/** `watchdog reset`: no action; the crash-loop guard and the failure count start again. */
export async function resetProcess(process: ProcessConfig, deps: ControlDeps): Promise<ControlResult> {
  const was = resetCrashLoopGuard(process.key, deps);
  await settle(process, deps);
  return {
    processKey: process.key,
    outcome: 'succeeded',
    message: `reset: recoveries resume when it fails (${was}); nothing was started`,
    report: undefined,
  };
}

/**
 * What `reset` does to the audit log, for a process or a file system entry: the give-up
 * cleared, the crash-loop guard's budget and the failure count started again, an audit event.
 * Returns whether the guard had given up, in words.
 */
export function resetCrashLoopGuard(
  key: string,
  deps: Pick<ControlDeps, 'audit' | 'system' | 'requestedBy' | 'logger'>,
): string {
  const now = formatUtcTimestamp(deps.system.now());
  const { was, detail } = deps.audit.write((db) => {
    const gaveUpAt = clearGaveUp(db, key, now);
    resetRecoveryBudget(db, key, now);
    // The next failure, and the next give-up, are news to every channel again.
    recordRaised(db, 'recoveries_resumed', key, now);
    const was = gaveUpAt === undefined ? 'it had not given up' : `it had given up at ${gaveUpAt}`;
    const detail = `crash-loop guard and failure count reset by ${deps.requestedBy} (${was})`;
    recordAuditEvent(db, { at: now, kind: 'reset', processKey: key, detail });
    return { was, detail };
  });
  deps.logger.info(`${key}: ${detail}`);
  return was;
}

/** A person acting on a process (or file system entry) the crash-loop guard gave up on takes over: recoveries resume. */
export function resume(process: Pick<ProcessConfig, 'key'>, deps: ControlDeps): void {
  const now = formatUtcTimestamp(deps.system.now());
  const detail = deps.audit.write((db) => {
    const gaveUpAt = clearGaveUp(db, process.key, now);
    if (gaveUpAt === undefined) return undefined;
    recordRaised(db, 'recoveries_resumed', process.key, now);
    const resumed = `recoveries resumed by ${deps.requestedBy} (${deps.command}); the crash-loop guard had given up at ${gaveUpAt}`;
    recordAuditEvent(db, { at: now, kind: 'reset', processKey: process.key, detail: resumed });
    return resumed;
  });
  if (detail !== undefined) deps.logger.info(`${process.key}: ${detail}`);
}

function startFactsNow(
  process: ProcessConfig,
  intent: StartIntent,
  force: boolean,
  actions: readonly string[],
  current: Assessment,
  deps: ControlDeps,
): StartFacts {
  return startFactsOf(
    { intent, force, actions },
    current,
    readStartedInstance(deps.audit.db, process.key),
    deps.system.processes,
    process,
  );
}

/**
 * The process as a check would weigh it now, recorded as the state this command leaves it in
 * (so `status` shows it at once, and a command stopped before it ends leaves what it saw).
 * Its `health` probe is asked again, as a person's command acts on the app as it is now
 * (`on` must not take a dead app for up), before and after the command acts.
 */
async function assessNow(
  process: ProcessConfig,
  deps: ControlDeps,
  { probe = true }: { probe?: boolean } = {},
): Promise<Assessment> {
  const checkDeps = checkProcessDepsOf(deps.config, deps.system, deps.readHeartbeat);
  const checked = await probeCheck(process, checkProcess(process, checkDeps), probeDepsOf(deps.system), {
    off: !probe,
  });
  const previous = readPreviousState(deps.audit.db, process.key);
  const clock = graceClockOf(deps.system.processes);
  const assessment = assessProcess(process, checked, previous, {
    nowMs: checkDeps.nowMs,
    clock,
  });
  const at = formatUtcTimestamp(deps.system.now());
  deps.audit.write((db) => recordCommandState(db, { processKey: process.key, at, command: deps.command, assessment }));
  return assessment;
}

/** Once the command has acted: what it left (stopped, starting, up), as `status` and the next tick see it. */
async function settle(process: ProcessConfig, deps: ControlDeps, how: { probe?: boolean } = {}): Promise<void> {
  await assessNow(process, deps, how);
}

function run(
  process: ProcessConfig,
  kind: RecoveryKind,
  actions: readonly string[],
  current: Assessment,
  deps: ControlDeps,
): Promise<RecoveryReport> {
  return runRecovery(
    {
      process,
      kind,
      command: deps.command,
      requestedBy: deps.requestedBy,
      actions,
      trigger: current.verdict,
      heartbeat: current.checked,
    },
    {
      audit: deps.audit,
      system: deps.system,
      logger: deps.logger,
      outputLogMaxBytes: deps.config.log_max_bytes,
      raise: deps.raise,
    },
  );
}

/** A person turned a process (or file system entry) off or on: the others who look after the device hear of it. */
export function tellOnOff(
  kind: 'process_off' | 'process_on',
  process: Pick<ProcessConfig, 'key' | 'display_name'>,
  what: string,
  message: string,
  deps: ControlDeps,
  recoveryId?: number,
): void {
  deps.raise?.({
    kind,
    at: formatUtcTimestamp(deps.system.now()),
    processKey: process.key,
    displayName: process.display_name,
    summary: `${process.key}: ${what} by ${deps.requestedBy} (${deps.command}): ${message}`,
    details: { requested_by: deps.requestedBy, command: deps.command, result: message, recovery_id: recoveryId },
  });
}

/** A manual command that found nothing to do is still recorded: who asked, when, and why nothing ran. */
function recordSkipped(
  process: ProcessConfig,
  current: Assessment,
  why: string,
  deps: ControlDeps,
  kind: RecoveryKind = 'start',
): void {
  const at = formatUtcTimestamp(deps.system.now());
  deps.audit.write((db) => {
    const id = beginRecovery(db, {
      processKey: process.key,
      kind,
      command: deps.command,
      requestedBy: deps.requestedBy,
      triggerHealth: current.verdict.state,
      triggerReason: current.verdict.reason,
      startedAt: at,
    });
    finishRecovery(db, id, { finishedAt: at, durationMs: 0, outcome: 'skipped', detail: why, startedPid: null });
  });
}

function offMessage(report: RecoveryReport): string {
  if (report.outcome === 'failed') return 'off, but it could not be stopped';
  if (report.outcome === 'interrupted') return `off (it stays off), but ${report.summary}`;
  const kill = report.actions[0];
  if (kill !== undefined && kill.outcome !== 'ok')
    return `off: it stays stopped until \`watchdog on\`; nothing was stopped (${kill.detail})`;
  return 'off: stopped; it stays stopped until `watchdog on`';
}

function outcomeMessage(what: string, report: RecoveryReport): string {
  if (report.outcome === 'failed') return `${what} #${report.recoveryId} failed`;
  if (report.outcome === 'interrupted') return `${what} #${report.recoveryId} ${report.summary}`;
  const started = report.started?.pid === undefined ? '' : ` (started PID ${report.started.pid})`;
  return `${what} #${report.recoveryId} succeeded${started}`;
}
