import type { WatchdogConfig } from '../config/types.js';
import { COUNTED_ROWS, countRows } from '../store/metric-counts.js';
import type { Store } from '../store/open-store.js';
import type { ProcessStateRow } from '../store/read-state.js';
import type { MetricFamily } from './prometheus-text.js';

/**
 * The families of each enabled process's life: new instances the watchdog started, when it
 * entered the state `watchdog_process_state` shows, and its last heartbeat's iteration.
 *
 * @param states each key's state, the checks waiting in memory included (`withFoldedChecks`).
 */
export function processLifecycleFamilies(
  db: Store,
  config: Pick<WatchdogConfig, 'processes'>,
  states: ReadonlyMap<string, ProcessStateRow>,
): MetricFamily[] {
  const enabled = config.processes.filter((process) => process.enabled).map((process) => process.key);
  const starts = new Map(countRows(db, COUNTED_ROWS.restarts).map((count) => [count.labels.process, count.value]));
  return [
    {
      name: 'watchdog_process_restarts_total',
      type: 'counter',
      help: 'New instances of the app the watchdog started (a start that ran, in a recovery, a restart or an on).',
      samples: enabled.map((key) => ({ labels: { process: key }, value: starts.get(key) ?? 0 })),
    },
    {
      name: 'watchdog_process_state_since_timestamp_seconds',
      type: 'gauge',
      help: 'When the process entered the state of watchdog_process_state, in seconds since the epoch (absent when not known).',
      samples: enabled.flatMap((key) => {
        const since = stateSinceMs(states.get(key));
        return since === undefined ? [] : [{ labels: { process: key }, value: since / 1000 }];
      }),
    },
    {
      name: 'watchdog_process_heartbeat_iteration',
      type: 'gauge',
      help: 'The iteration of the heartbeat the last check read (absent when it read none, or one without a sound iteration).',
      samples: enabled.flatMap((key) => {
        const iteration = iterationOf(states.get(key));
        return iteration === undefined ? [] : [{ labels: { process: key }, value: iteration }];
      }),
    },
  ];
}

/**
 * When a key entered its state, in ms since the epoch: never after the time its state was
 * last recorded (a clock set back since the state was entered would put it in the future of
 * the checks that still see it); `undefined` when not known (a row from before schema 19).
 */
export function stateSinceMs(row: ProcessStateRow | undefined): number | undefined {
  if (row?.last_health == null || row.last_health_since == null) return undefined;
  const since = Date.parse(row.last_health_since);
  if (!Number.isFinite(since)) return undefined;
  const recordedAt = Date.parse(row.last_state_at ?? row.last_check_at ?? '');
  return Number.isFinite(recordedAt) ? Math.min(since, recordedAt) : since;
}

/**
 * The last heartbeat's iteration as a gauge can carry it exactly: a whole number from 0 to
 * 2^53 - 1, which the heartbeat's reader accepts and nothing else. A database or a file in
 * memory written by hand (or by the Python tool) may hold anything there: it is left out.
 */
export function iterationOf(row: ProcessStateRow | undefined): number | undefined {
  const iteration: unknown = row?.last_iteration;
  return typeof iteration === 'number' && Number.isSafeInteger(iteration) && iteration >= 0 ? iteration : undefined;
}
