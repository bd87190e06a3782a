import { describeError } from '../errors.js';
import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { StartedInstance } from '../store/process-control.js';
import type { ProcessInspector } from '../system/system.js';
import { decideCpuRate, type CpuRate, type CpuSample } from './decide-cpu-rate.js';
import { decideMeasuredApp } from './decide-measured-app.js';
import { judgeLimits, treeOf, type LimitJudgement } from './judge-limits.js';
import { measureTree } from './measure-tree.js';
import type { ResourceLimits } from './resource-limits.js';
import type { UsageRecord } from './usage-rows.js';

/** What one check found of an app's use, and what it judged. */
export interface LimitCheck {
  /** The figures, when the app was measured. */
  measured:
    | {
        pid: number;
        by: 'heartbeat' | 'started';
        /** Judged against the limits (see MeasuredApp): else measured for `status` only. */
        judged: boolean;
        memoryBytes: number;
        descendants: number;
        cpu: CpuRate;
      }
    | undefined;
  /** Why nothing was measured. */
  notMeasured: string | undefined;
  /** Over a limit only for an app that is judged (healthy heartbeat naming the measured process). */
  judgement: LimitJudgement;
  /** What `process_state` keeps of it. */
  record: UsageRecord;
}

/** What a check needs of the audit log: the instance the watchdog started and the last CPU sample. */
export interface LimitFacts {
  started: StartedInstance | undefined;
  previous: CpuSample | undefined;
}

const NOT_MEASURED = { memoryBytes: null, cpuPercent: null, descendants: null, sample: undefined } as const;

/**
 * Measures the app a check proved (decideMeasuredApp) with its descendants, takes its CPU
 * rate since the previous sample (decideCpuRate, on the boot clock) and judges them against
 * `limits` (judgeLimits). Never throws: a process table that cannot be read measures nothing
 * and says why, as the watchdog's fault is never the app's.
 */
export function checkLimits(
  limits: ResourceLimits,
  verdict: HealthVerdict,
  facts: LimitFacts,
  processes: Pick<ProcessInspector, 'all' | 'usage' | 'bootId' | 'uptimeSeconds'>,
): LimitCheck {
  const nothing = (why: string): LimitCheck => ({
    measured: undefined,
    notMeasured: why,
    judgement: { over: false },
    record: NOT_MEASURED,
  });
  try {
    const bootId = processes.bootId();
    const { started } = facts;
    const startedAlive =
      started !== undefined &&
      (started.bootId === undefined || bootId === undefined || started.bootId.toLowerCase() === bootId.toLowerCase()) &&
      processes.usage(started.pid)?.startTime === started.startTicks;
    const app = decideMeasuredApp(verdict, started, startedAlive, bootId);
    if (app.kind === 'none') return nothing(app.why);
    const tree = measureTree(app, processes);
    if (tree === undefined) return nothing(`not measured: PID ${app.pid} exited during the check`);
    const uptimeSeconds = processes.uptimeSeconds();
    const sample: CpuSample | undefined =
      uptimeSeconds === undefined
        ? undefined
        : { pid: app.pid, startTicks: app.startTicks, bootId: app.bootId, cpuTicks: tree.cpuTicks, uptimeSeconds };
    const cpu: CpuRate =
      sample === undefined
        ? { kind: 'none', why: 'no rate: the boot clock (/proc/uptime) cannot be read', keepPrevious: false }
        : decideCpuRate(facts.previous, sample);
    const figures = { memoryBytes: tree.rssBytes, descendants: tree.descendants, cpu };
    return {
      measured: { pid: app.pid, by: app.by, judged: app.judged, ...figures },
      notMeasured: undefined,
      judgement: app.judged ? judgeLimits(figures, limits) : { over: false },
      record: {
        memoryBytes: tree.rssBytes,
        cpuPercent: cpu.kind === 'rate' ? cpu.percent : null,
        descendants: tree.descendants,
        sample: cpu.kind === 'none' && cpu.keepPrevious ? undefined : sample,
      },
    };
  } catch (error) {
    return nothing(`not measured: the watchdog could not read the process table: ${describeError(error)}`);
  }
}

/**
 * The check with its limits applied: a healthy heartbeat naming the process found over a limit
 * is `over_limit`, with the figure and the limit as its reason. A failing heartbeat is the more
 * basic problem and stays as it is; so does a heartbeat that names another process now (read
 * again later in the tick, after a recovery).
 */
export function applyLimits(verdict: HealthVerdict, check: LimitCheck | undefined): HealthVerdict {
  if (check === undefined || !check.judgement.over) return verdict;
  if (verdict.state !== 'healthy' || check.measured === undefined || verdict.pid !== check.measured.pid) return verdict;
  return { ...verdict, state: 'over_limit', reason: check.judgement.reason };
}

/** `memory 87 MB, cpu 12% (app and 1 descendant)`, or why nothing was measured: for the dry run. */
export function describeUsage(check: LimitCheck): string {
  const { measured } = check;
  if (measured === undefined) return check.notMeasured ?? 'not measured';
  const cpu = measured.cpu.kind === 'rate' ? `cpu ${formatPercent(measured.cpu.percent)}` : `cpu: ${measured.cpu.why}`;
  return `memory ${formatMegabytes(measured.memoryBytes)}, ${cpu} (${treeOf(measured.descendants)}, PID ${measured.pid})`;
}

/** Bytes as whole MB (MiB), as `status` shows them. */
export function formatMegabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

/** A CPU rate as a percent of one core, to a tenth below 10. */
export function formatPercent(percent: number): string {
  return `${percent < 10 ? percent.toFixed(1) : Math.round(percent)}%`;
}
