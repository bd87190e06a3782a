import type { ProcessConfig, WatchdogConfig } from '../config/types.js';
import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { HeartbeatFileRead } from '../heartbeat/read-heartbeat-file.js';
import { tryAcquireTickLock, type ReleaseLock } from '../lock/tick-lock.js';
import type { Logger } from '../logging/logger.js';
import { openStore } from '../store/open-store.js';
import { recordChecks } from '../store/record-checks.js';
import { applyRetention } from '../store/retention.js';
import type { ProcessTable } from '../system/process-table.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import { checkProcess } from './check-process.js';
import { describeCheck } from './describe-check.js';

export interface TickDeps {
  now: () => Date;
  processTable: ProcessTable;
  readHeartbeat: (path: string) => HeartbeatFileRead;
  logger: Logger;
  /** Takes the tick lock without waiting; `undefined` when another instance holds it. */
  acquireLock?: (lockPath: string, logger: Logger) => Promise<ReleaseLock | undefined>;
}

export interface ProcessCheck {
  process: ProcessConfig;
  verdict: HealthVerdict;
  consecutiveFailures: number;
  threshold: number;
  recoveryDue: boolean;
}

export type TickOutcome =
  | { kind: 'lock-held'; lockPath: string }
  | { kind: 'ran'; checkedAt: string; checks: ProcessCheck[] };

/**
 * One `watchdog check`: lock → check every enabled process → record the checks in one
 * transaction → retention → release. A tick that finds the lock held does nothing.
 */
export async function runCheckTick(config: WatchdogConfig, deps: TickDeps): Promise<TickOutcome> {
  const { logger } = deps;
  const acquire = deps.acquireLock ?? defaultAcquireLock;
  const release = await acquire(config.lock_path, logger);
  if (release === undefined) {
    logger.info(`another watchdog instance holds the lock ${config.lock_path}; this tick does nothing`);
    return { kind: 'lock-held', lockPath: config.lock_path };
  }
  try {
    const now = deps.now();
    const nowMs = now.getTime();
    const checkedAt = formatUtcTimestamp(now);
    const enabled = config.processes.filter((process) => process.enabled);
    const verdicts = enabled.map((process) => ({
      process,
      verdict: checkProcess(process, {
        readHeartbeat: deps.readHeartbeat,
        processTable: deps.processTable,
        nowMs,
        maxClockSkewSeconds: config.max_clock_skew_seconds,
      }),
    }));

    const threshold = config.consecutive_failures_threshold;
    const db = openStore(config.db_path);
    try {
      const recorded = recordChecks(
        db,
        checkedAt,
        verdicts.map(({ process, verdict }) => ({ processKey: process.key, verdict, threshold })),
      );
      const checks = verdicts.map(({ process, verdict }, index): ProcessCheck => {
        const record = recorded[index];
        return {
          process,
          verdict,
          threshold,
          consecutiveFailures: record?.consecutiveFailures ?? 0,
          recoveryDue: record?.recoveryDue ?? false,
        };
      });
      checks.forEach((check) => logCheck(logger, check));
      const retention = applyRetention(db, nowMs, config.history_retention_days, formatUtcTimestamp);
      if (retention.deletedRows > 0) {
        logger.info(`retention: deleted ${retention.deletedRows} check rows older than ${config.history_retention_days} days`);
      }
      return { kind: 'ran', checkedAt, checks };
    } finally {
      db.close();
    }
  } finally {
    await release();
  }
}

function logCheck(logger: Logger, check: ProcessCheck): void {
  const { process, verdict } = check;
  if (verdict.warning !== undefined) logger.warn(`${process.key}: ${verdict.warning}`);
  const line = describeCheck(check);
  if (verdict.state === 'healthy') logger.debug(line);
  else if (verdict.state === 'check_error') logger.error(line);
  else logger.warn(line);
}

function defaultAcquireLock(lockPath: string, logger: Logger): Promise<ReleaseLock | undefined> {
  return tryAcquireTickLock(lockPath, {
    onCompromised: (error) => logger.error(`lock ${lockPath} was compromised while held: ${error.message}`),
  });
}
