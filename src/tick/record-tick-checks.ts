import type { ProcessConfig } from '../config/types.js';
import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { LimitCheck } from '../limits/check-limits.js';
import { recordChecksFolding } from '../recovery/record-checks-folding.js';
import { graceClockOf } from '../recovery/start-facts.js';
import type { AuditWriter } from '../store/audit-writer.js';
import type { System } from '../system/system.js';
import type { ProcessCheck } from './process-check.js';

/**
 * The tick's checks weighed and recorded ({@link recordChecksFolding}: those that change
 * nothing wait in memory), as the rest of the tick acts on them; `historyIds[i]` is the
 * check row of `checks[i]` (`undefined` for one that waits).
 */
export function recordTickChecks(
  verdicts: readonly { process: ProcessConfig; verdict: HealthVerdict; limits?: LimitCheck }[],
  checkedAt: string,
  audit: AuditWriter,
  system: Pick<System, 'processes'>,
  maxFoldedChecks = 1,
): { checks: ProcessCheck[]; historyIds: (number | undefined)[] } {
  const clock = graceClockOf(system.processes);
  const recorded = recordChecksFolding(
    audit,
    checkedAt,
    verdicts.map((check) => ({ ...check, usage: check.limits?.record })),
    { clock, maxFoldedChecks },
  );
  const checks = verdicts.map(({ process, limits }, index): ProcessCheck => {
    const record = recorded[index];
    if (record === undefined) throw new Error(`no recorded check for ${process.key}`);
    return {
      process,
      verdict: record.verdict,
      checked: record.checked,
      threshold: process.consecutive_failures_threshold,
      consecutiveFailures: record.consecutiveFailures,
      recoveryDue: record.recoveryDue,
      guard: record.guard,
      limits,
    };
  });
  return { checks, historyIds: recorded.map((record) => record.historyId) };
}
