import { describeJson } from './describe-json.js';

/** The Python Watchdog's rule: a heartbeat is healthy only while its `status` is `"running"`. */
export const DEFAULT_HEALTHY_STATUSES: readonly string[] = ['running'];

export type StatusJudgement = { healthy: true } | { healthy: false; reason: string };

/**
 * Whether a heartbeat's `status` says the app is healthy: only when it is one of
 * `healthyStatuses`, compared exactly (case-sensitive), as the Python Watchdog compares
 * `status != "running"`. Anything else is `error_status`, a missing or non-string status
 * included, as in the Python tool (`data.get("status")` is then `None` or the value, never
 * `"running"`): the app has not said it is well. The status is app-controlled text, so the
 * reason quotes it as JSON, shortened (the display escapes what JSON leaves).
 *
 * @example
 * judgeStatus('running', ['running']); // { healthy: true }
 * judgeStatus('Running', ['running']); // { healthy: false, reason: 'app reports status "Running"; healthy: "running"' }
 */
export function judgeStatus(
  status: unknown,
  healthyStatuses: readonly string[] = DEFAULT_HEALTHY_STATUSES,
): StatusJudgement {
  if (typeof status === 'string' && healthyStatuses.includes(status)) return { healthy: true };
  const healthy = `healthy: ${healthyStatuses.map((each) => JSON.stringify(each)).join(', ')}`;
  if (status === undefined) return { healthy: false, reason: `heartbeat has no status; ${healthy}` };
  const written = describeJson(status, 80);
  if (typeof status !== 'string')
    return { healthy: false, reason: `app reports status ${written}, not a string; ${healthy}` };
  return { healthy: false, reason: `app reports status ${written}; ${healthy}` };
}
