import type { WatchdogConfig } from '../config/types.js';
import { hasLimits } from '../limits/resource-limits.js';
import type { ProcessStateRow } from '../store/read-state.js';
import type { MetricFamily } from './prometheus-text.js';

const MIB = 1024 * 1024;

/**
 * The resource limits of the enabled processes that have them (docs/resource-limits.md), so
 * a fleet can graph `watchdog_process_memory_bytes / watchdog_process_memory_limit_bytes`,
 * and how many descendants the app had at the last check that measured it.
 */
export function limitFamilies(
  config: Pick<WatchdogConfig, 'processes'>,
  states: ReadonlyMap<string, ProcessStateRow>,
): MetricFamily[] {
  const enabled = config.processes.filter((process) => process.enabled);
  return [
    {
      name: 'watchdog_process_memory_limit_bytes',
      type: 'gauge',
      help: 'max_memory_mb of the process, in bytes (absent without one).',
      samples: enabled.flatMap((process) =>
        process.max_memory_mb === undefined
          ? []
          : [{ labels: { process: process.key }, value: process.max_memory_mb * MIB }],
      ),
    },
    {
      name: 'watchdog_process_cpu_limit_percent',
      type: 'gauge',
      help: 'max_cpu_percent of the process, in percent of one core (absent without one).',
      samples: enabled.flatMap((process) =>
        process.max_cpu_percent === undefined
          ? []
          : [{ labels: { process: process.key }, value: process.max_cpu_percent }],
      ),
    },
    {
      name: 'watchdog_process_descendants',
      type: 'gauge',
      help: 'Descendants of the app measured with it at the last check (absent when not measured).',
      samples: enabled.flatMap((process) => {
        const descendants = states.get(process.key)?.last_usage_descendants;
        return !hasLimits(process) || descendants == null
          ? []
          : [{ labels: { process: process.key }, value: descendants }];
      }),
    },
  ];
}
