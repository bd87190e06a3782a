import {
  decideFilesystemAlert,
  isAlertOnly,
  type AlertBefore,
  type FilesystemAlert,
} from '../filesystems/decide-filesystem-alert.js';
import type { RaiseEvent } from '../notify/watchdog-event.js';
import type { FilesystemCheck } from './filesystem-check.js';

/**
 * Tells of an alert-only entry's check ({@link decideFilesystemAlert}): `filesystem_failing`
 * when its failures reach the threshold, `filesystem_healthy` at the first healthy check
 * while one is open. An entry with `recovery_actions` is told of by its recoveries instead.
 * Returns the alert raised, for the caller to open or close the entry's flag.
 */
export function raiseFilesystemAlert(
  check: FilesystemCheck,
  before: AlertBefore,
  at: string,
  raise: RaiseEvent,
): FilesystemAlert | undefined {
  const { filesystem, verdict, consecutiveFailures, threshold } = check;
  if (!isAlertOnly(filesystem)) return undefined;
  const alert = decideFilesystemAlert(verdict.state, before, consecutiveFailures, threshold);
  if (alert === undefined) return undefined;
  const { previousFailures } = before;
  const failing = alert === 'filesystem_failing';
  raise({
    kind: alert,
    at,
    processKey: filesystem.key,
    displayName: filesystem.display_name,
    summary: failing
      ? `${filesystem.key}: ${verdict.state} (${verdict.reason}), ${consecutiveFailures} checks in a row`
      : `${filesystem.key}: healthy again (${verdict.reason})${previousFailures > 0 ? ` after ${previousFailures} failed checks` : ''}`,
    details: {
      state: verdict.state,
      reason: verdict.reason,
      path: filesystem.path,
      consecutive_failures: failing ? consecutiveFailures : previousFailures,
    },
  });
  return alert;
}
