import type { ProcessConfig } from '../config/types.js';
import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import { applyLimits, checkLimits, type LimitCheck, type LimitFacts } from '../limits/check-limits.js';
import { hasLimits } from '../limits/resource-limits.js';
import { readCpuSample, recordUsage } from '../limits/usage-rows.js';
import type { AuditWriter } from '../store/audit-writer.js';
import type { Store } from '../store/open-store.js';
import type { FoldedChecks } from '../store/folded-checks.js';
import { readStartedInstance } from '../store/process-control.js';
import type { ProcStat } from '../system/proc-stat.js';
import type { ProcessInspector } from '../system/system.js';

/** One process's check with its resource limits weighed (`undefined`: it has none, nothing was measured). */
export interface LimitedVerdict {
  process: ProcessConfig;
  verdict: HealthVerdict;
  limits: LimitCheck | undefined;
}

/**
 * The resource-limit stage of a tick's checks: the app of each process that has a limit
 * measured (one read of the process table for them all) and judged (src/limits/), its verdict
 * `over_limit` when a healthy heartbeat's app is over a limit. A process without limits costs
 * nothing: a healthy tick reads no more of `/proc` and writes no more rows than before. The
 * started instance and the last CPU sample come from `db`, or the sample from the run of
 * unchanged checks waiting in memory (`folded`); a database that cannot be read gives none
 * (no rate yet, the heartbeat's app only).
 */
export function checkTickLimits(
  verdicts: readonly { process: ProcessConfig; verdict: HealthVerdict }[],
  db: Store | undefined,
  processes: ProcessInspector,
  folded?: FoldedChecks,
): LimitedVerdict[] {
  let table: ProcStat[] | undefined;
  const once = { ...processes, all: () => (table ??= processes.all()) };
  return verdicts.map(({ process, verdict }) => {
    if (!hasLimits(process)) return { process, verdict, limits: undefined };
    const facts = limitFactsOf(db, process.key);
    // The sample of a check still waiting in memory is newer than the database's.
    const waiting = folded?.runs[process.key]?.usage?.sample;
    const limits = checkLimits(process, verdict, waiting === undefined ? facts : { ...facts, previous: waiting }, once);
    return { process, verdict: applyLimits(verdict, limits), limits };
  });
}

function limitFactsOf(db: Store | undefined, processKey: string): LimitFacts {
  if (db === undefined) return { started: undefined, previous: undefined };
  try {
    return { started: readStartedInstance(db, processKey), previous: readCpuSample(db, processKey) };
  } catch {
    // As a check never throws (check-process.ts): a database the tick cannot read from here
    // costs the app its CPU rate and its started instance's measure, never the tick its checks.
    return { started: undefined, previous: undefined };
  }
}

/** Keeps what each check measured, for `status`, the metrics and the next tick's CPU rate. */
export function recordTickUsage(checks: readonly LimitedVerdict[], audit: AuditWriter): void {
  const measured = checks.filter((check) => check.limits !== undefined);
  if (measured.length === 0) return;
  audit.write((db) => {
    for (const { process, limits } of measured) if (limits !== undefined) recordUsage(db, process.key, limits.record);
  });
}
