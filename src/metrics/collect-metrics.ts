import type { WatchdogConfig } from '../config/types.js';
import { HEALTH_STATES } from '../heartbeat/health-state.js';
import { isSuppressedReboot, type RebootGuard } from '../network/reboot/decide-reboot.js';
import { COUNTED_ROWS, countRows, type Count } from '../store/metric-counts.js';
import { readNetworkState } from '../network/store/read-network-state.js';
import { countPending, oldestPending } from '../notify/queue/notification-rows.js';
import type { Store } from '../store/open-store.js';
import { readProcessStates } from '../store/read-state.js';
import { withFoldedChecks, type FoldedChecks } from '../store/folded-checks.js';
import { readThermalZoneList } from '../thermal/store/thermal-rows.js';
import { asThermalLevel, LEVEL_GAUGE } from '../thermal/thermal-level.js';
import type { MetricFamily, Sample } from './prometheus-text.js';
import { hasLimits } from '../limits/resource-limits.js';
import { matchRulesOf } from '../match/match-rules-of.js';
import { filesystemFamilies } from './filesystem-metrics.js';
import { notificationFamilies } from './notification-metrics.js';
import { buildInfoFamily, type BuildFacts } from './build-info.js';
import { limitFamilies } from './limit-metrics.js';
import { processLifecycleFamilies } from './process-lifecycle-metrics.js';

/** What the tick itself knows of its run. */
export interface TickFacts {
  /** When the tick ended, in ms since the epoch. */
  endedAtMs: number;
  durationMs: number;
  failed: boolean;
  /** The last tick that had no failure (this one, when it had none). */
  lastSuccessfulAtMs: number | undefined;
  /** The tick's unchanged checks waiting in memory: the last check of each process is one of them. */
  folded?: FoldedChecks | undefined;
  /** The watchdog's version and Node's, for `watchdog_build_info`; absent: no such family. */
  build?: BuildFacts | undefined;
}

/**
 * The metric families of the textfile: per process its state, failure count, recoveries,
 * last check and heartbeat age; per interface the link, ladder runs by rung, reboots and
 * reboots suppressed by reason; per thermal zone its temperature and level; the tick's duration and last success; the notification
 * queue. Read from the audit log after the tick, so every tick tells the whole story.
 */
export function collectMetrics(db: Store, config: WatchdogConfig, tick: TickFacts): MetricFamily[] {
  const families: MetricFamily[] = [];
  const family = (name: string, type: MetricFamily['type'], help: string, samples: Sample[]): void => {
    families.push({ name, type, help, samples });
  };

  if (tick.build !== undefined) families.push(buildInfoFamily(tick.build));
  const states = withFoldedChecks(readProcessStates(db), tick.folded);
  const processes = config.processes
    .filter((process) => process.enabled)
    .map((process) => ({
      key: process.key,
      state: states.get(process.key),
      limited: hasLimits(process),
      byMatch: matchRulesOf(process) !== undefined,
    }));
  family(
    'watchdog_process_up',
    'gauge',
    '1 when the last check found the process healthy, else 0.',
    processes.map(({ key, state }) => sample({ process: key }, state?.last_health === 'healthy' ? 1 : 0)),
  );
  family(
    'watchdog_process_state',
    'gauge',
    'The state of the last check: 1 for the current state, 0 for the others.',
    processes.flatMap(({ key, state }) =>
      HEALTH_STATES.map((health) => sample({ process: key, state: health }, state?.last_health === health ? 1 : 0)),
    ),
  );
  family(
    'watchdog_process_consecutive_failures',
    'gauge',
    'Failed checks in a row.',
    processes.map(({ key, state }) => sample({ process: key }, state?.consecutive_failures ?? 0)),
  );
  family(
    'watchdog_process_last_check_timestamp_seconds',
    'gauge',
    'When the process was last checked, in seconds since the epoch.',
    processes.flatMap(({ key, state }) =>
      state?.last_check_at == null ? [] : [sample({ process: key }, seconds(state.last_check_at))],
    ),
  );
  family(
    'watchdog_process_heartbeat_age_seconds',
    'gauge',
    'Age of the heartbeat at the last check (absent when there was no readable heartbeat).',
    processes.flatMap(({ key, state }) =>
      state?.last_heartbeat_age_seconds == null ? [] : [sample({ process: key }, state.last_heartbeat_age_seconds)],
    ),
  );
  family(
    'watchdog_process_memory_bytes',
    'gauge',
    'Resident memory of the app and its descendants at the last check (absent when not measured).',
    processes.flatMap(({ key, state, limited }) =>
      !limited || state?.last_memory_bytes == null ? [] : [sample({ process: key }, state.last_memory_bytes)],
    ),
  );
  family(
    'watchdog_process_cpu_percent',
    'gauge',
    'CPU use of the app and its descendants between the last two checks, in percent of one core (absent without a rate).',
    processes.flatMap(({ key, state, limited }) =>
      !limited || state?.last_cpu_percent == null ? [] : [sample({ process: key }, state.last_cpu_percent)],
    ),
  );
  family(
    'watchdog_process_matches',
    'gauge',
    'How many processes matched at the last check of an app found by match alone (absent for other apps).',
    processes.flatMap(({ key, state, byMatch }) =>
      !byMatch || state?.last_match_count == null ? [] : [sample({ process: key }, state.last_match_count)],
    ),
  );
  families.push(...limitFamilies(config, states), ...processLifecycleFamilies(db, config, states));
  // A file system entry's recoveries are counted under its key, unique across both.
  const configured = new Set([...config.processes, ...config.filesystems].map((subject) => subject.key));
  family(
    'watchdog_recoveries_total',
    'counter',
    'Recovery pipelines run, by process (or file system entry), kind (recovery, restart, start, stop) and outcome.',
    countRows(db, COUNTED_ROWS.recoveries)
      .filter((count) => configured.has(count.labels.process ?? ''))
      .map(asSample),
  );

  if (config.network !== undefined) {
    const name = config.network.interface;
    const link = readNetworkState(db, name);
    const mine = (count: Count): boolean => count.labels.interface === name;
    family(
      'watchdog_network_link_up',
      'gauge',
      '1 when the last check found the uplink up (carrier, address, probes).',
      link.last_state === null ? [] : [sample({ interface: name }, link.last_state === 'up' ? 1 : 0)],
    );
    family('watchdog_network_consecutive_failures', 'gauge', 'Failed checks of the uplink in a row.', [
      sample({ interface: name }, link.consecutive_failures),
    ]);
    family(
      'watchdog_network_ladder_runs_total',
      'counter',
      'Ladder runs, by outcome (healed, failed, timed_out).',
      countRows(db, COUNTED_ROWS.ladderRuns).filter(mine).map(asSample),
    );
    family(
      'watchdog_network_rung_runs_total',
      'counter',
      'Rungs run, by rung and outcome (healed, not_healed, failed).',
      countRows(db, COUNTED_ROWS.rungRuns).filter(mine).map(asSample),
    );
    family('watchdog_reboots_total', 'counter', 'Reboots the watchdog asked for.', [
      sample({ interface: name }, sum(countRows(db, COUNTED_ROWS.reboots).filter(mine))),
    ]);
    family(
      'watchdog_reboots_suppressed_total',
      'counter',
      'Reboots that were due but held back, by reason (cooldown, max_per_day, maintenance_flag, usb_mass_storage, reachable).',
      countRows(db, COUNTED_ROWS.rebootsHeld)
        .filter((count) => mine(count) && isSuppressedReboot((count.labels.guard ?? '') as RebootGuard))
        .map((count) => sample({ interface: name, reason: count.labels.guard ?? '' }, count.value)),
    );
  }

  families.push(...filesystemFamilies(db, config));
  families.push(...notificationFamilies(db, config));

  if (config.thermal !== undefined) {
    const zones = readThermalZoneList(db).map((row) => ({
      row,
      labels: { zone: row.zone, type: row.type ?? '' },
    }));
    family(
      'watchdog_thermal_celsius',
      'gauge',
      'The temperature of the thermal zone at the last tick (absent when it could not be read).',
      zones.flatMap(({ row, labels }) => (row.celsius === null ? [] : [sample(labels, row.celsius)])),
    );
    family(
      'watchdog_thermal_level',
      'gauge',
      'The level of the thermal zone: 0 normal, 1 warning, 2 critical, -1 unreadable.',
      zones.flatMap(({ row, labels }) => {
        const level = asThermalLevel(row.level);
        return level === undefined ? [] : [sample(labels, LEVEL_GAUGE[level])];
      }),
    );
    family('watchdog_thermal_threshold_celsius', 'gauge', 'The thresholds of thermal, by level.', [
      sample({ level: 'warning' }, config.thermal.warning_celsius),
      sample({ level: 'critical' }, config.thermal.critical_celsius),
    ]);
  }

  if (config.notify !== undefined) {
    const pending = countPending(db);
    family(
      'watchdog_notifications_pending',
      'gauge',
      'Notifications queued and not yet delivered, by channel.',
      config.notify.channels.map((channel) => sample({ channel: channel.name }, pending.get(channel.name) ?? 0)),
    );
    const oldest = oldestPending(db);
    family(
      'watchdog_notification_oldest_pending_timestamp_seconds',
      'gauge',
      'When the notification that has waited longest was raised, by channel, in seconds since the epoch (absent when none waits).',
      config.notify.channels.flatMap((channel) => {
        const at = oldest.get(channel.name);
        return at === undefined ? [] : [sample({ channel: channel.name }, Date.parse(at) / 1000)];
      }),
    );
  }

  family('watchdog_tick_duration_seconds', 'gauge', 'How long the last tick took.', [
    sample({}, tick.durationMs / 1000),
  ]);
  family(
    'watchdog_tick_failed',
    'gauge',
    '1 when the last tick had a failure (a failed recovery or ladder run, a process given up on, an audit log that could not be written).',
    [sample({}, tick.failed ? 1 : 0)],
  );
  family('watchdog_last_tick_timestamp_seconds', 'gauge', 'When the last tick ended, in seconds since the epoch.', [
    sample({}, tick.endedAtMs / 1000),
  ]);
  family(
    'watchdog_last_successful_tick_timestamp_seconds',
    'gauge',
    'When the last tick without a failure ended, in seconds since the epoch.',
    tick.lastSuccessfulAtMs === undefined ? [] : [sample({}, tick.lastSuccessfulAtMs / 1000)],
  );
  return families;
}

function sample(labels: Record<string, string>, value: number): Sample {
  return { labels, value };
}

function asSample(count: Count): Sample {
  return { labels: count.labels, value: count.value };
}

function sum(counts: readonly Count[]): number {
  return counts.reduce((total, count) => total + count.value, 0);
}

function seconds(timestamp: string): number {
  return Date.parse(timestamp) / 1000;
}
