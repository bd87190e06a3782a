/**
 * A process's resource limits (`max_memory_mb`, `max_cpu_percent`): both optional, and
 * checked only for the app the watchdog has proven to be it (docs/resource-limits.md).
 */
export interface ResourceLimits {
  /** Resident memory of the app and all its descendants, in MiB; `undefined`: no limit. */
  max_memory_mb: number | undefined;
  /** CPU time between two ticks, in percent of one core (200: two cores busy); `undefined`: no limit. */
  max_cpu_percent: number | undefined;
}

/** The ranges the config accepts, documented in docs/configuration.md. */
export const LIMIT_RANGES = {
  /** 1 MiB to 1 TiB. */
  max_memory_mb: { minimum: 1, maximum: 1024 * 1024 },
  /** Above 0, up to 1024 cores busy. */
  max_cpu_percent: { exclusiveMinimum: 0, maximum: 102_400 },
} as const;

/** The JSON Schema of the two keys, as properties of a process. */
export const resourceLimitsSchema = {
  max_memory_mb: { type: 'integer', ...LIMIT_RANGES.max_memory_mb },
  max_cpu_percent: { type: 'number', ...LIMIT_RANGES.max_cpu_percent },
} as const;

/** The limits of a process as written (both optional). */
export function normalizeResourceLimits(raw: {
  max_memory_mb?: number | undefined;
  max_cpu_percent?: number | undefined;
}): ResourceLimits {
  return { max_memory_mb: raw.max_memory_mb, max_cpu_percent: raw.max_cpu_percent };
}

/** Whether a process has any limit to check. */
export function hasLimits(limits: ResourceLimits): boolean {
  return limits.max_memory_mb !== undefined || limits.max_cpu_percent !== undefined;
}
