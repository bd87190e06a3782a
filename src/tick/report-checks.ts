import type { Logger } from '../logging/logger.js';
import type { RaiseEvent } from '../notify/watchdog-event.js';
import { describeCheck } from './describe-check.js';
import type { AssessedCheck } from './process-check.js';

/** Logs each check of the tick, and tells of each process the crash-loop guard gave up on at it. */
export function reportChecks(checks: readonly AssessedCheck[], at: string, logger: Logger, raise: RaiseEvent): void {
  checks.forEach((check) => logCheck(logger, check));
  for (const check of checks) if (check.guard?.kind === 'give_up') raiseGaveUp(check, at, raise);
}

function raiseGaveUp(check: AssessedCheck, at: string, raise: RaiseEvent): void {
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

function logCheck(logger: Logger, check: AssessedCheck): void {
  const { process, verdict } = check;
  if (verdict.warning !== undefined) logger.warn(`${process.key}: ${verdict.warning}`);
  const line = describeCheck(check);
  if (verdict.state === 'healthy') logger.debug(line);
  else if (verdict.state === 'check_error' || verdict.state === 'gave_up') logger.error(line);
  else if (verdict.state === 'off' || verdict.state === 'starting') logger.info(line);
  else logger.warn(line);
}
