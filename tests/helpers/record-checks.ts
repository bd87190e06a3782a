import type { HealthVerdict } from '../../src/heartbeat/classify-heartbeat.js';
import { assessAndRecordChecks, type RecordedCheck } from '../../src/recovery/assess-and-record-checks.js';
import type { Store } from '../../src/store/open-store.js';

/**
 * Records checks as a tick does ({@link assessAndRecordChecks}), of processes the crash-loop
 * guard never holds back: `threshold` failures in a row make a recovery due.
 *
 * @example recordChecks(db, at, [{ processKey: 'web', verdict: verdictOf('timed_out'), threshold: 2 }])
 */
export function recordChecks(
  db: Store,
  checkedAt: string,
  checks: readonly { processKey: string; verdict: HealthVerdict; threshold: number }[],
): (RecordedCheck & { historyId: number })[] {
  const recorded = assessAndRecordChecks(
    db,
    checkedAt,
    checks.map(({ processKey, verdict, threshold }) => ({
      process: {
        key: processKey,
        consecutive_failures_threshold: threshold,
        max_recoveries: Infinity,
        recovery_window_seconds: 0,
        recovery_backoff_seconds: 0,
      },
      verdict,
    })),
  );
  // Nothing folds without a fold's runs: every check has its row.
  return recorded.map((check) => {
    if (check.historyId === undefined) throw new Error(`no row for the check of ${check.processKey}`);
    return { ...check, historyId: check.historyId };
  });
}
