import { formatCount } from '../display/format-count.js';
import type { CpuRate } from './decide-cpu-rate.js';
import type { ResourceLimits } from './resource-limits.js';

/** What the app and its descendants used at a check. */
export interface UsageFigures {
  memoryBytes: number;
  /** How many descendants were counted with the app. */
  descendants: number;
  cpu: CpuRate;
}

/** Whether the app is over a limit, and if so the reason its check records. */
export type LimitJudgement = { over: false } | { over: true; reason: string };

const MIB = 1024 * 1024;

/**
 * Judges what the app used against its limits: over when its memory is above
 * `max_memory_mb`, or its CPU rate above `max_cpu_percent`; no rate yet is never over. The
 * reason gives each figure that is over with its limit, rounded up so it never reads as
 * the limit itself. Pure.
 *
 * @example
 * judgeLimits({ memoryBytes: 612 * 1024 * 1024, descendants: 3, cpu }, { max_memory_mb: 500, max_cpu_percent: undefined });
 * // { over: true, reason: 'memory 612 MB over max_memory_mb 500 (app and 3 descendants)' }
 */
export function judgeLimits(figures: UsageFigures, limits: ResourceLimits): LimitJudgement {
  const over: string[] = [];
  if (limits.max_memory_mb !== undefined && figures.memoryBytes > limits.max_memory_mb * MIB)
    over.push(`memory ${Math.ceil(figures.memoryBytes / MIB)} MB over max_memory_mb ${limits.max_memory_mb}`);
  const { cpu } = figures;
  if (limits.max_cpu_percent !== undefined && cpu.kind === 'rate' && cpu.percent > limits.max_cpu_percent)
    over.push(
      `cpu ${Math.ceil(cpu.percent)}% over max_cpu_percent ${limits.max_cpu_percent} in the last ${Math.round(cpu.seconds)} s`,
    );
  if (over.length === 0) return { over: false };
  return { over: true, reason: `${over.join(', ')} (${treeOf(figures.descendants)})` };
}

/** `app and 3 descendants`, `app alone`. */
export function treeOf(descendants: number): string {
  return descendants === 0 ? 'app alone' : `app and ${formatCount(descendants, 'descendant')}`;
}
