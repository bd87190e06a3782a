import type { NetworkConfig } from '../config/network-types.js';
import type { ProcessConfig, WatchdogConfig } from '../config/types.js';
import type { NetworkSystem } from '../network/network-system.js';
import type { NetworkTickOutcome } from '../network/run-network-tick.js';
import type { ProcessCheck } from './process-check.js';
import type { TickOutcome } from './tick-outcome.js';
import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { HeartbeatFileRead } from '../heartbeat/read-heartbeat-file.js';
import type { ReleaseLock } from '../lock/tick-lock.js';
import type { Logger } from '../logging/logger.js';
import { runRecovery, type RecoveryReport } from '../recovery/run-recovery.js';
import { assessAndRecordChecks } from '../recovery/assess-and-record-checks.js';
import { assessProcess } from '../recovery/assess-process.js';
import { readPreviousState } from '../recovery/previous-state.js';
import { openAuditStore } from '../store/audit-store.js';
import type { AuditWriter } from '../store/audit-writer.js';
import { recordCommandState } from '../store/record-command-state.js';
import { markInterruptedRecoveries } from '../store/record-recovery.js';
import { recordRefusal } from '../store/record-refusal.js';
import { linkCheckToRecovery, readStartedInstance } from '../store/process-control.js';
import { decideStart } from '../recovery/decide-start.js';
import { graceClockOf, startFactsOf } from '../recovery/start-facts.js';
import { applyRetention } from '../store/retention.js';
import { type System } from '../system/system.js';
import { machineName } from '../system/machine-name.js';
import { stopSignalOf } from '../system/stop-signal.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import { checkProcess, configuredKeysOf } from './check-process.js';
import { describeCheck } from './describe-check.js';
import { acquireTickLockNow } from '../lock/acquire-lock.js';
import { resumeLeftStopped } from '../system/stopped-record.js';
import { notifierFor } from '../notify/queue/queue-event.js';
import type { RaiseEvent } from '../notify/watchdog-event.js';
import { deliverQueued, recordTickEnd } from './report-tick.js';
import { tickFailures } from './tick-failures.js';
import { formatCount } from '../display/format-count.js';

export interface TickDeps {
  system: System;
  readHeartbeat: (path: string) => HeartbeatFileRead;
  logger: Logger;
  /** Takes the tick lock without waiting; `undefined` when another instance holds it. */
  acquireLock?: (lockPath: string, logger: Logger) => Promise<ReleaseLock | undefined>;
  /** For testing: the machine as the network ladder sees it (default: the real one, at `network.sysfs_root`). */
  networkSystem?: (network: NetworkConfig) => NetworkSystem;
  /** For testing: the name events give as their host (default the machine's). */
  hostname?: string;
  /** Where notifications find the secrets the config refers to (default the watchdog's environment; `system.env` lacks them). */
  notifyEnv?: NodeJS.ProcessEnv;
}

/**
 * One `watchdog check`: lock → check every enabled process → record the checks in one
 * transaction → run the recoveries that are due, one process at a time → the network
 * ladder → retention → notifications → metrics → release. A tick that finds the lock
 * held does nothing.
 */
export async function runCheckTick(config: WatchdogConfig, deps: TickDeps): Promise<TickOutcome> {
  const { logger, system } = deps;
  const acquire = deps.acquireLock ?? acquireTickLockNow;
  const release = await acquire(config.lock_path, logger);
  if (release === undefined) {
    logger.info(`another watchdog instance holds the lock ${config.lock_path}; this tick does nothing`);
    return { kind: 'lock-held', lockPath: config.lock_path };
  }
  try {
    const resumed = resumeLeftStopped(config.lock_path, system);
    if (resumed !== undefined) logger.warn(resumed);
    const now = system.now();
    const startedAtMs = now.getTime();
    const checkedAt = formatUtcTimestamp(now);
    const enabled = config.processes.filter((process) => process.enabled);
    const configuredKeys = configuredKeysOf(config);
    const check = (process: ProcessConfig): HealthVerdict =>
      checkProcess(process, {
        readHeartbeat: deps.readHeartbeat,
        processTable: system.processes,
        nowMs: system.now().getTime(),
        maxClockSkewSeconds: config.max_clock_skew_seconds,
        ownUid: system.ownUid,
        configuredKeys,
      });
    const verdicts = enabled.map((process) => ({ process, verdict: check(process) }));

    const store = openAuditStore({
      dbPath: config.db_path,
      journalPath: config.journal_path,
      logger,
      now: () => system.now(),
    });
    try {
      const host = deps.hostname;
      const raise = notifierFor(config.notify, {
        audit: store,
        host: host === undefined ? machineName : () => host,
        now: () => system.now(),
        logger,
      });
      const interrupted = store.write((db) => markInterruptedRecoveries(db, checkedAt));
      if (interrupted > 0)
        logger.warn(
          `${formatCount(interrupted, 'recovery', 'recoveries')} ${interrupted === 1 ? 'was' : 'were'} interrupted by the watchdog stopping mid-pipeline; marked interrupted`,
        );
      const clock = graceClockOf(system.processes);
      const recorded = store.write((db) => assessAndRecordChecks(db, checkedAt, verdicts, clock));
      const checks = verdicts.map(({ process }, index): ProcessCheck => {
        const record = recorded[index];
        if (record === undefined) throw new Error(`no recorded check for ${process.key}`);
        return {
          process,
          verdict: record.verdict,
          checked: record.checked,
          threshold: process.consecutive_failures_threshold,
          consecutiveFailures: record.consecutiveFailures,
          recoveryDue: record.recoveryDue,
          guard: record.guard,
        };
      });
      checks.forEach((check) => logCheck(logger, check));
      for (const check of checks) if (check.guard?.kind === 'give_up') raiseGaveUp(check, checkedAt, raise);

      // Where the tick was when a signal asked it to stop (docs/interruptions.md).
      let stage = 'while checking';
      const stopRequest = (): { signal: string; where: string } | undefined => {
        const signal = stopSignalOf(system.signal);
        return signal === undefined ? undefined : { signal, where: stage };
      };
      const recoveries: RecoveryReport[] = [];
      const refused: { processKey: string; why: string }[] = [];
      for (const [index, due] of checks.entries()) {
        if (!due.recoveryDue) continue;
        if (stopRequest() !== undefined) {
          logger.warn(
            `${due.process.key}: recovery not started: the watchdog was asked to stop (${stopRequest()?.signal}); the next tick runs it`,
          );
          continue;
        }
        stage = `during the recovery of ${due.process.key}`;
        if (store.stateUnknown) {
          logger.error(
            `${due.process.key}: no recovery: the audit state (off, failure counts, the crash-loop guard) cannot be read`,
          );
          continue;
        }
        // Recoveries before this one may have taken minutes: act on the heartbeat as it is now.
        const heartbeat = index === 0 ? due.checked : check(due.process);
        if (heartbeat.state === 'healthy') {
          logger.info(`${due.process.key}: healthy again before its recovery ran (${heartbeat.reason}); no recovery`);
          continue;
        }
        // The one rule of every start (docs/starting-apps.md): never a second copy.
        const started = readStartedInstance(store.db, due.process.key);
        const facts = startFactsOf(
          { intent: 'recover', force: false, actions: due.process.recovery_actions },
          { ...due, checked: heartbeat },
          started,
          system.processes,
          due.process,
        );
        const decision = decideStart(facts);
        if (!decision.start) {
          refuseRecovery(due, decision.why, recorded[index]?.historyId, store, system.now(), raise);
          refused.push({ processKey: due.process.key, why: decision.why });
          logger.warn(`${due.process.key}: recovery refused: ${decision.why}`);
          continue;
        }
        recoveries.push(
          await recover({ ...due, checked: heartbeat }, recorded[index]?.historyId, store, config, deps, raise),
        );
        recordStateAfterRecovery(due.process, check, store, system);
      }
      // No ladder (and so no reboot) on a state that cannot be read or a record that cannot be kept:
      // the cooldown and the daily limit would not hold, and a reboot loop is the worst fault there is.
      const networkHeld = store.stateUnknown || !store.rowsSaved;
      if (config.network !== undefined && networkHeld) {
        logger.error(
          'network: not checked: the audit log can neither be read nor kept, so the reboot guards cannot hold',
        );
        // Setting a link up needs no guard: one a dead run left down must not wait for the audit log.
        await setLeftoverLinksUp(config.network, store, deps);
      }
      if (stopRequest() === undefined) stage = 'during the network check';
      const network =
        config.network === undefined || networkHeld || stopRequest() !== undefined
          ? undefined
          : await checkNetwork(config.network, store, config, deps, raise);
      const stopped = stopRequest();
      if (stopped !== undefined)
        logger.warn(
          `tick interrupted by ${stopped.signal} ${stopped.where}; what was done is recorded, notifications wait for the next tick`,
        );
      // Retention deletes; a stand-in's deletions are not journaled, so it waits for the database.
      if (store.degraded === undefined) applyRetentionLogged(store, system.now().getTime(), config, logger);
      const reportDeps = { audit: store, system, logger, notifyEnv: deps.notifyEnv ?? process.env };
      // Asked to stop: what was queued (the interruption's own events too) waits for the next tick.
      const notifications = stopped === undefined ? await deliverQueued(config, reportDeps) : undefined;
      const failures = tickFailures({
        checks,
        recoveries,
        network,
        auditDegraded: store.degraded,
        interrupted: stopped,
      });
      await recordTickEnd(
        config,
        { startedAtMs, failed: failures.length > 0, stateUnknown: store.stateUnknown },
        reportDeps,
      );
      return {
        kind: 'ran',
        checkedAt,
        checks,
        recoveries,
        refused,
        network,
        auditDegraded: store.degraded,
        auditRowsSaved: store.rowsSaved,
        failures,
        notifications,
        interrupted: stopped,
      };
    } finally {
      store.close();
    }
  } finally {
    await release();
  }
}

/**
 * What a recovery left the process in (`starting`, or what it could not change), weighed as a
 * check would weigh it now and recorded where `status` reads it, as a manual command's is: the
 * check recorded before the recovery would otherwise show a dead PID until the next tick.
 */
function recordStateAfterRecovery(
  process: ProcessConfig,
  check: (process: ProcessConfig) => HealthVerdict,
  audit: AuditWriter,
  system: System,
): void {
  const previous = readPreviousState(audit.db, process.key);
  const now = system.now();
  const assessment = assessProcess(process, check(process), previous, {
    nowMs: now.getTime(),
    clock: graceClockOf(system.processes),
  });
  audit.write((db) =>
    recordCommandState(db, { processKey: process.key, at: formatUtcTimestamp(now), command: 'recovery', assessment }),
  );
}

function recover(
  check: ProcessCheck,
  historyId: number | undefined,
  audit: AuditWriter,
  config: WatchdogConfig,
  deps: TickDeps,
  raise: RaiseEvent,
): Promise<RecoveryReport> {
  return runRecovery(
    {
      process: check.process,
      kind: 'recovery',
      command: 'check',
      requestedBy: 'cron',
      actions: check.process.recovery_actions,
      trigger: check.verdict,
      heartbeat: check.checked,
      historyId,
    },
    { audit, system: deps.system, logger: deps.logger, outputLogMaxBytes: config.log_max_bytes, raise },
  );
}

/** A due recovery that may not start is recorded as a skipped recovery, with why, linked to its check. */
function refuseRecovery(
  check: ProcessCheck,
  why: string,
  historyId: number | undefined,
  audit: AuditWriter,
  now: Date,
  raise: RaiseEvent,
): void {
  const at = formatUtcTimestamp(now);
  let times = 1;
  audit.write((db) => {
    const recorded = recordRefusal(
      db,
      {
        processKey: check.process.key,
        kind: 'recovery',
        command: 'check',
        requestedBy: 'cron',
        triggerHealth: check.verdict.state,
        triggerReason: check.verdict.reason,
        startedAt: at,
      },
      why,
    );
    times = recorded.times;
    if (historyId !== undefined) linkCheckToRecovery(db, historyId, recorded.recoveryId);
  });
  // Told once per run of refusals for the same reason: the row that counts them says the rest.
  if (times > 1) return;
  const { process, verdict } = check;
  raise({
    kind: 'recovery_refused',
    at,
    processKey: process.key,
    displayName: process.display_name,
    summary: `${process.key}: its recovery is due (${verdict.reason}) but refused: ${why}`,
    details: { reason: verdict.reason, refused_because: why },
  });
}

function raiseGaveUp(check: ProcessCheck, at: string, raise: RaiseEvent): void {
  const { process, verdict } = check;
  raise({
    kind: 'gave_up',
    at,
    processKey: process.key,
    displayName: process.display_name,
    summary: `${process.key}: ${verdict.reason}; no more recoveries until \`watchdog on ${process.key}\` or \`watchdog reset ${process.key}\``,
    details: {
      reason: verdict.reason,
      heartbeat: check.checked.state,
      max_recoveries: process.max_recoveries,
      recovery_window_seconds: process.recovery_window_seconds,
    },
  });
}

/** Loaded only when the config has a `network` section, so a tick without one stays cheap. */
async function checkNetwork(
  network: NetworkConfig,
  audit: AuditWriter,
  config: WatchdogConfig,
  deps: TickDeps,
  raise: RaiseEvent,
): Promise<NetworkTickOutcome> {
  const { runNetworkTick } = await import('../network/run-network-tick.js');
  const system = await networkSystemOf(network, deps);
  return runNetworkTick(network, { audit, system, logger: deps.logger, configPath: config.config_path, raise });
}

async function setLeftoverLinksUp(network: NetworkConfig, audit: AuditWriter, deps: TickDeps): Promise<void> {
  const { setLinksLeftDownUp } = await import('../network/repair-interrupted-ladder.js');
  await setLinksLeftDownUp(network.interface, {
    audit,
    system: await networkSystemOf(network, deps),
    logger: deps.logger,
  });
}

async function networkSystemOf(network: NetworkConfig, deps: TickDeps): Promise<NetworkSystem> {
  return (
    deps.networkSystem?.(network) ??
    (await import('../network/network-system.js')).realNetworkSystem({
      sysfsRoot: network.sysfs_root,
      env: deps.system.env,
      signal: deps.system.signal ?? new AbortController().signal,
    })
  );
}

function applyRetentionLogged(audit: AuditWriter, nowMs: number, config: WatchdogConfig, logger: Logger): void {
  const retention = audit.write((db) => applyRetention(db, nowMs, config.history_retention_days, formatUtcTimestamp));
  if (retention.deletedRows > 0 || retention.deletedRecoveries > 0 || retention.deletedNetworkEvents > 0) {
    logger.info(
      `retention: deleted ${formatCount(retention.deletedRows, 'check row')}, ${formatCount(retention.deletedRecoveries, 'recovery', 'recoveries')} and ${formatCount(retention.deletedNetworkEvents, 'network event')} older than ${config.history_retention_days} days`,
    );
  }
}

function logCheck(logger: Logger, check: ProcessCheck): void {
  const { process, verdict } = check;
  if (verdict.warning !== undefined) logger.warn(`${process.key}: ${verdict.warning}`);
  const line = describeCheck(check);
  if (verdict.state === 'healthy') logger.debug(line);
  else if (verdict.state === 'check_error' || verdict.state === 'gave_up') logger.error(line);
  else if (verdict.state === 'off' || verdict.state === 'starting') logger.info(line);
  else logger.warn(line);
}
