import { dirname } from 'node:path';
import type { WatchdogConfig } from '../config/types.js';
import type { Logger } from '../logging/logger.js';
import type { DeliveryReport } from '../notify/deliver-notifications.js';
import type { AuditWriter } from '../store/audit-writer.js';
import type { System } from '../system/system.js';

/** What sending the queue uses. */
export interface DeliveryDeps {
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
export async function deliverQueued(config: WatchdogConfig, deps: DeliveryDeps): Promise<DeliveryReport | undefined> {
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
