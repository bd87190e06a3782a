import { decideFilesystemAlert, isAlertOnly } from '../filesystems/decide-filesystem-alert.js';
import type { RaiseEvent } from '../notify/watchdog-event.js';
import type { FilesystemCheck } from './filesystem-check.js';

/**
 * Tells of an alert-only entry's check ({@link decideFilesystemAlert}): `filesystem_failing`
 * when its failures reach the threshold, `filesystem_healthy` at the first healthy check
 * after. An entry with `recovery_actions` is told of by its recoveries instead.
 */
export function raiseFilesystemAlert(
  check: FilesystemCheck,
  previousFailures: number,
  at: string,
  raise: RaiseEvent,
): void {
  const { filesystem, verdict, consecutiveFailures, threshold } = check;
  if (!isAlertOnly(filesystem)) return;
  const alert = decideFilesystemAlert(verdict.state, previousFailures, consecutiveFailures, threshold);
  if (alert === undefined) return;
  const failing = alert === 'filesystem_failing';
  raise({
    kind: alert,
    at,
    processKey: filesystem.key,
    displayName: filesystem.display_name,
    summary: failing
      ? `${filesystem.key}: ${verdict.state} (${verdict.reason}), ${consecutiveFailures} checks in a row`
      : `${filesystem.key}: healthy again (${verdict.reason}) after ${previousFailures} failed checks`,
    details: {
      state: verdict.state,
      reason: verdict.reason,
      path: filesystem.path,
      consecutive_failures: failing ? consecutiveFailures : previousFailures,
    },
  });
}
