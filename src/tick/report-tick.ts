import { dirname } from 'node:path';
import type { WatchdogConfig } from '../config/types.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { AuditWriter } from '../store/audit-writer.js';
import { LAST_SUCCESSFUL_TICK_KEY, readMeta, writeMeta } from '../store/watchdog-meta.js';
import type { System } from '../system/system.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import type { DeliveryReport } from '../notify/deliver-notifications.js';

/** What sending the queue and writing the metrics use. */
export interface ReportDeps {
  audit: AuditWriter;
  system: System;
  logger: Logger;
  /** The environment with the secrets the config refers to (the one commands get has none). */
  notifyEnv: NodeJS.ProcessEnv;
}

/**
 * Sends what the run queued (and what earlier runs could not), oldest first. Loaded only
 * with a `notify` section. Shared by the tick and the manual commands.
 */
export async function deliverQueued(config: WatchdogConfig, deps: ReportDeps): Promise<DeliveryReport | undefined> {
  if (config.notify === undefined) return undefined;
  const { deliverNotifications } = await import('../notify/deliver-notifications.js');
  const { sendToChannel } = await import('../notify/send-to-channel.js');
  const { system } = deps;
  const channelDeps = {
    runShellCommand: system.runShellCommand,
    env: deps.notifyEnv,
    cwd: dirname(config.config_path),
  };
  return deliverNotifications(config.notify, {
    audit: deps.audit,
    logger: deps.logger,
    now: () => system.now(),
    monotonicMs: () => system.monotonicMs(),
    sleep: (ms) => system.sleep(ms),
    send: (channel, payload, timeoutMs) => sendToChannel(channel, payload, timeoutMs, channelDeps),
  });
}

/**
 * With a `metrics` section: remembers a tick without failure (for
 * `watchdog_last_successful_tick_timestamp_seconds`) and writes the textfile. A textfile
 * that cannot be written is logged, never a failure of the tick.
 */
export async function recordTickEnd(
  config: WatchdogConfig,
  tick: { startedAtMs: number; failed: boolean; stateUnknown: boolean },
  deps: ReportDeps,
): Promise<void> {
  if (config.metrics === undefined) return;
  const endedAtMs = deps.system.now().getTime();
  if (!tick.failed) {
    try {
      deps.audit.write((db) => writeMeta(db, LAST_SUCCESSFUL_TICK_KEY, formatUtcTimestamp(new Date(endedAtMs))));
    } catch (error) {
      deps.logger.error(`cannot record the tick's success: ${describeError(error)}`);
    }
  }
  const path = config.metrics.textfile_path;
  if (tick.stateUnknown) {
    // An empty stand-in would export counters near 0 that jump back next tick: the old file stays, and ages.
    deps.logger.warn(`metrics: ${path} not written: the audit log cannot be read`);
    return;
  }
  try {
    const { collectMetrics } = await import('../metrics/collect-metrics.js');
    const { formatPrometheusText } = await import('../metrics/prometheus-text.js');
    const { writeTextfile } = await import('../metrics/write-textfile.js');
    const lastSuccessful = readMeta(deps.audit.db, LAST_SUCCESSFUL_TICK_KEY);
    const families = collectMetrics(deps.audit.db, config, {
      endedAtMs,
      durationMs: endedAtMs - tick.startedAtMs,
      failed: tick.failed,
      lastSuccessfulAtMs: lastSuccessful === undefined ? undefined : Date.parse(lastSuccessful),
    });
    writeTextfile(path, formatPrometheusText(families));
  } catch (error) {
    deps.logger.error(`metrics: cannot write ${path}: ${describeError(error)}`);
  }
}
