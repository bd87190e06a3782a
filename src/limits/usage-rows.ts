import type { Store } from '../store/open-store.js';
import type { CpuSample } from './decide-cpu-rate.js';

/** What a check measured of an app, as `process_state` keeps it. */
export interface UsageRecord {
  /** Memory and CPU shown by `status` and the metrics; `null` when not measured (or no rate yet). */
  memoryBytes: number | null;
  cpuPercent: number | null;
  descendants: number | null;
  /** The sample the next check takes its CPU rate from; `undefined` leaves the one kept. */
  sample: CpuSample | undefined;
}

interface SampleRow {
  cpu_sample_pid: number | null;
  cpu_sample_start_ticks: number | null;
  cpu_sample_boot_id: string | null;
  cpu_sample_ticks: number | null;
  cpu_sample_uptime_seconds: number | null;
}

/** The CPU sample kept for a process; `undefined` when none is. */
export function readCpuSample(db: Store, processKey: string): CpuSample | undefined {
  const row = db
    .prepare<[string], SampleRow>(
      `SELECT cpu_sample_pid, cpu_sample_start_ticks, cpu_sample_boot_id, cpu_sample_ticks, cpu_sample_uptime_seconds
       FROM process_state WHERE process_key = ?`,
    )
    .get(processKey);
  if (
    row === undefined ||
    row.cpu_sample_pid === null ||
    row.cpu_sample_start_ticks === null ||
    row.cpu_sample_ticks === null ||
    row.cpu_sample_uptime_seconds === null
  )
    return undefined;
  return {
    pid: row.cpu_sample_pid,
    startTicks: row.cpu_sample_start_ticks,
    bootId: row.cpu_sample_boot_id ?? undefined,
    cpuTicks: row.cpu_sample_ticks,
    uptimeSeconds: row.cpu_sample_uptime_seconds,
  };
}

/** Records what a check measured (its `process_state` row exists: the check was recorded first). */
export function recordUsage(db: Store, processKey: string, usage: UsageRecord): void {
  db.prepare(
    'UPDATE process_state SET last_memory_bytes = ?, last_cpu_percent = ?, last_usage_descendants = ? WHERE process_key = ?',
  ).run(usage.memoryBytes, usage.cpuPercent, usage.descendants, processKey);
  const { sample } = usage;
  if (sample === undefined) return;
  db.prepare(
    `UPDATE process_state SET cpu_sample_pid = ?, cpu_sample_start_ticks = ?, cpu_sample_boot_id = ?,
       cpu_sample_ticks = ?, cpu_sample_uptime_seconds = ? WHERE process_key = ?`,
  ).run(sample.pid, sample.startTicks, sample.bootId ?? null, sample.cpuTicks, sample.uptimeSeconds, processKey);
}
