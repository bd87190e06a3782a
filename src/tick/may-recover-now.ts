import type { Logger } from '../logging/logger.js';
import type { AuditStore } from '../store/audit-store.js';
import type { TickStage } from './tick-stage.js';

/**
 * Whether a recovery that is due (a process's or a file system entry's) may start now, and
 * the tick's stage moved to it when it may: not after a stop request (the next tick runs it),
 * not when the audit state (off, failure counts, the crash-loop guard) cannot be read. Logs
 * why not.
 */
export function mayRecoverNow(
  key: string,
  { stage, audit, logger }: { stage: TickStage; audit: Pick<AuditStore, 'stateUnknown'>; logger: Logger },
): boolean {
  const stop = stage.stopRequest();
  if (stop !== undefined) {
    logger.warn(`${key}: recovery not started: the watchdog was asked to stop (${stop.signal}); the next tick runs it`);
    return false;
  }
  stage.enter(`during the recovery of ${key}`);
  if (audit.stateUnknown) {
    logger.error(`${key}: no recovery: the audit state (off, failure counts, the crash-loop guard) cannot be read`);
    return false;
  }
  return true;
}
