import type { WatchdogConfig } from '../config/types.js';
import { formatCount } from '../display/format-count.js';
import type { Logger } from '../logging/logger.js';
import type { AuditWriter } from '../store/audit-writer.js';
import { applyRetention, retentionDue } from '../store/retention.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';

/** Deletes history older than `history_retention_days` (at most once an hour), and logs what went. */
export function applyRetentionLogged(audit: AuditWriter, nowMs: number, config: WatchdogConfig, logger: Logger): void {
  if (!retentionDue(audit.db, nowMs)) return;
  const filesystemKeys = config.filesystems.map((filesystem) => filesystem.key);
  const retention = audit.write((db) =>
    applyRetention(db, nowMs, config.history_retention_days, formatUtcTimestamp, filesystemKeys),
  );
  if (retention.deletedRows > 0 || retention.deletedRecoveries > 0 || retention.deletedNetworkEvents > 0) {
    logger.info(
      `retention: deleted ${formatCount(retention.deletedRows, 'check row')}, ${formatCount(retention.deletedRecoveries, 'recovery', 'recoveries')} and ${formatCount(retention.deletedNetworkEvents, 'network event')} older than ${config.history_retention_days} days`,
    );
  }
}
