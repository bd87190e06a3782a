import type { ProcessConfig, WatchdogConfig } from '../config/types.js';
import { formatCount } from '../display/format-count.js';
import { applyLimits } from '../limits/check-limits.js';
import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import { acquireTickLockNow } from '../lock/acquire-lock.js';
import { notifierFor } from '../notify/queue/queue-event.js';
import { reminderFor } from '../notify/queue/queue-reminder.js';
import { openAuditStore } from '../store/audit-store.js';
import { hasRunningRecoveries, markInterruptedRecoveries } from '../store/record-recovery.js';
import { machineName } from '../system/machine-name.js';
import { resumeLeftStopped } from '../system/stopped-record.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import { applyRetentionLogged } from './apply-retention-logged.js';
import { runNetworkStage } from './run-network-stage.js';
import { runThermalStage } from './run-thermal-stage.js';
import { runFilesystemStage } from './run-filesystem-stage.js';
import { assessedCheckOf } from './filesystem-check.js';
import { checkProcess, configuredKeysOf } from './check-process.js';
import { probeChecks, probeDepsOf } from './probe-checks.js';
import { offKeysAt } from '../store/read-state.js';
import { applyProbe } from '../health/apply-probe.js';
import { checkTickLimits, recordTickUsage } from './check-tick-limits.js';
import { recordTickChecks } from './record-tick-checks.js';
import { reportChecks } from './report-checks.js';
import { raiseRecovered } from './raise-recovered.js';
import { closeUncheckedIncidents } from './close-unchecked-incidents.js';
import { raiseReminders } from './raise-reminders.js';
import { forgetUntoldIncidents } from './forget-untold-incidents.js';
import { deliverQueued } from './deliver-queued.js';
import { recordTickEnd } from './record-tick-end.js';
import { runDueRecoveries } from './run-due-recoveries.js';
import type { TickDeps } from './tick-deps.js';
import { tickProblems } from './tick-problems.js';
import type { TickOutcome } from './tick-outcome.js';
import { TickStage } from './tick-stage.js';
import { matchSelfOf } from '../match/match-self.js';

/**
 * One `watchdog check`: lock → check every enabled process → record the checks in one
 * transaction → run the recoveries that are due, one process at a time → the thermal
 * zones → the network ladder → retention → notifications → metrics → release (docs/design.md, "One tick").
 * A tick that finds the lock held does nothing.
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
    deps.onLockTaken?.();
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
        readPidFile: (path) => system.readPidFile(path),
        matchSelf: () => matchSelfOf(system),
      });
    // Probed before the store opens: a probe waits on the network or a command, never inside a transaction.
    // A process turned off is not probed; its off flag read before, read-only (offKeysAt).
    const off = offKeysAt(config.db_path);
    const probed = await probeChecks(
      enabled.map((process) => ({ process, verdict: check(process), off: off.has(process.key) })),
      probeDepsOf(system),
    );
    const verdicts = probed.map(({ process, verdict }) => ({ process, verdict }));

    const store = openAuditStore({
      dbPath: config.db_path,
      journalPath: config.journal_path,
      fallbackJournalPath: config.fallback_journal_path,
      foldedChecksPath: config.folded_checks_path,
      logger,
      now: () => system.now(),
    });
    try {
      const host = deps.hostname;
      const notifierDeps = {
        audit: store,
        host: host === undefined ? machineName : () => host,
        now: () => system.now(),
        logger,
      };
      const raise = notifierFor(config.notify, notifierDeps);
      // A database that takes no writes is found before the tick acts; a healthy tick writes no more than this.
      store.claimWrites();
      if (config.notify === undefined || config.notify.channels.length === 0) {
        const forgotten = forgetUntoldIncidents(store);
        if (forgotten > 0)
          logger.info(`notify: no channel to tell: ${formatCount(forgotten, 'open incident')} forgotten`);
      }
      const interrupted = hasRunningRecoveries(store.db)
        ? store.write((db) => markInterruptedRecoveries(db, checkedAt))
        : 0;
      if (interrupted > 0)
        logger.warn(
          `${formatCount(interrupted, 'recovery', 'recoveries')} ${interrupted === 1 ? 'was' : 'were'} interrupted by the watchdog stopping mid-pipeline; marked interrupted`,
        );
      const limited = checkTickLimits(verdicts, store.db, system.processes, store.folded);
      const { checks, historyIds } = recordTickChecks(limited, checkedAt, store, system, config.max_folded_checks);
      // A check that waits in memory keeps its measure with its run: only the others' are written.
      recordTickUsage(
        limited.filter((_, index) => historyIds[index] !== undefined),
        store,
      );
      reportChecks(checks, checkedAt, logger, raise);
      raiseRecovered(checks, checkedAt, store.db, raise);
      closeUncheckedIncidents(config, checkedAt, store.db, raise);

      const stage = new TickStage(system.signal);
      // A heartbeat read again later in the tick is judged with what this check measured and
      // probed: a probe is not asked again (docs/health-probes.md, "Within a tick").
      const limitsOf = new Map(limited.map(({ process, limits }) => [process.key, limits]));
      const probeOf = new Map(probed.map(({ process, probe }) => [process.key, probe]));
      const recheck = (process: ProcessConfig): HealthVerdict =>
        applyLimits(applyProbe(check(process), probeOf.get(process.key)), limitsOf.get(process.key));
      const context = { config, deps, audit: store, raise, check: recheck, stage };
      const { recoveries, refused } = await runDueRecoveries(checks, historyIds, context);
      const filesystems = await runFilesystemStage(config, checkedAt, store, deps, raise, stage);
      const thermal = await runThermalStage(config, checkedAt, store, deps, raise, stage);
      const network = await runNetworkStage(config, store, deps, raise, stage);
      const stopped = stage.stopRequest();
      // Reminders of what is still down, from this tick's checks; none after a stop request,
      // and none of a process this tick's recovery just started again (recovery_succeeded
      // is that tick's news: a "still down" after it would be stale).
      const restarted = new Set(
        recoveries.filter((report) => report.outcome === 'succeeded').map((report) => report.processKey),
      );
      if (stopped === undefined)
        raiseReminders(
          [
            ...checks.filter((check) => !restarted.has(check.process.key)),
            ...(filesystems?.checks.map(assessedCheckOf) ?? []),
          ],
          formatUtcTimestamp(system.now()),
          store.db,
          reminderFor(config.notify, notifierDeps),
        );
      if (stopped !== undefined)
        logger.warn(
          `tick interrupted by ${stopped.signal} ${stopped.where}; what was done is recorded, notifications wait for the next tick`,
        );
      // Retention deletes; a stand-in's deletions are not journaled, so it waits for the database.
      if (store.degraded === undefined) applyRetentionLogged(store, system.now().getTime(), config, logger);
      const reportDeps = { audit: store, system, logger, notifyEnv: deps.notifyEnv ?? process.env };
      // Asked to stop: what was queued (the interruption's own events too) waits for the next tick.
      const notifications = stopped === undefined ? await deliverQueued(config, reportDeps) : undefined;
      // Listed once, before the end is recorded (a write that may yet degrade the store): the
      // metrics' failed flag, the failures, the exit code and the ping all read this one list.
      const problems = tickProblems({
        checks: [...checks, ...(filesystems?.checks.map(assessedCheckOf) ?? [])],
        recoveries: [...recoveries, ...(filesystems?.recoveries ?? [])],
        network,
        auditDegraded: store.degraded,
        interrupted: stopped,
      });
      const failures = problems.map((problem) => problem.line);
      await recordTickEnd(
        config,
        { startedAtMs, failed: problems.length > 0, stateUnknown: store.stateUnknown },
        { ...reportDeps, readVersion: deps.readVersion },
      );
      return {
        kind: 'ran',
        checkedAt,
        checks,
        recoveries,
        refused,
        filesystems,
        network,
        thermal,
        auditDegraded: store.degraded,
        auditRowsSaved: store.rowsSaved,
        auditJournal: store.journalWhere,
        problems,
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
