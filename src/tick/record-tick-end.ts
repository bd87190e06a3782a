import type { WatchdogConfig } from '../config/types.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { AuditWriter } from '../store/audit-writer.js';
import { LAST_SUCCESSFUL_TICK_KEY, readMeta, writeMeta } from '../store/watchdog-meta.js';
import type { System } from '../system/system.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';

/**
 * With a `metrics` section: remembers a tick without failure (for
 * `watchdog_last_successful_tick_timestamp_seconds`) and writes the textfile. A textfile
 * that cannot be written is logged, never a failure of the tick.
 */
export async function recordTickEnd(
  config: WatchdogConfig,
  tick: { startedAtMs: number; failed: boolean; stateUnknown: boolean },
  deps: {
    audit: AuditWriter;
    system: Pick<System, 'now'>;
    logger: Logger;
    /** The package's version for `watchdog_build_info` (default: `unknown`). */
    readVersion?: (() => string) | undefined;
  },
): Promise<void> {
  if (config.metrics === undefined) return;
  const endedAtMs = deps.system.now().getTime();
  if (!tick.failed) {
    try {
      // In memory when it can be: a tick that changed nothing writes nothing to the card.
      const at = formatUtcTimestamp(new Date(endedAtMs));
      if (deps.audit.noteGoodTick?.(at) !== true) deps.audit.write((db) => writeMeta(db, LAST_SUCCESSFUL_TICK_KEY, at));
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
    const lastSuccessful = deps.audit.folded?.goodTickAt ?? readMeta(deps.audit.db, LAST_SUCCESSFUL_TICK_KEY);
    const families = collectMetrics(deps.audit.db, config, {
      endedAtMs,
      durationMs: endedAtMs - tick.startedAtMs,
      failed: tick.failed,
      lastSuccessfulAtMs: lastSuccessful === undefined ? undefined : Date.parse(lastSuccessful),
      folded: deps.audit.folded,
      build: { version: versionOf(deps), nodeVersion: process.versions.node },
    });
    writeTextfile(path, formatPrometheusText(families));
  } catch (error) {
    deps.logger.error(`metrics: cannot write ${path}: ${describeError(error)}`);
  }
}

/** The version, or `undefined` when it cannot be read (a package.json gone or broken): the textfile is written without it. */
function versionOf(deps: { readVersion?: (() => string) | undefined; logger: Logger }): string | undefined {
  if (deps.readVersion === undefined) return undefined;
  try {
    const version: unknown = deps.readVersion();
    return typeof version === 'string' ? version : undefined;
  } catch (error) {
    deps.logger.warn(`metrics: the watchdog's version cannot be read: ${describeError(error)}`);
    return undefined;
  }
}
