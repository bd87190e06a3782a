import type { NetworkConfig } from '../network/config/network-types.js';
import type { ProcessConfig, WatchdogConfig } from '../config/types.js';
import { readHeartbeatFile, type HeartbeatFileRead } from '../heartbeat/read-heartbeat-file.js';
import type { NetworkPreview } from '../network/preview-network.js';
import type { ThermalConfig } from '../thermal/config/thermal-types.js';
import type { ThermalPreview } from '../thermal/preview-thermal.js';
import { readThermalZoneRows, type ThermalZoneRow } from '../thermal/store/thermal-rows.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import { NO_PREVIOUS_STATE, type PreviousState } from '../recovery/assess-check.js';
import { assessProcess } from '../recovery/assess-process.js';
import { decideStart } from '../recovery/decide-start.js';
import { readPreviousState } from '../recovery/previous-state.js';
import { previewActions, type ActionPreview } from '../recovery/preview-actions.js';
import { graceClockOf, startFactsOf } from '../recovery/start-facts.js';
import { readReboots } from '../network/store/read-network-events.js';
import { emptyNetworkState, readNetworkState } from '../network/store/read-network-state.js';
import type { Store } from '../store/open-store.js';
import { readFrom } from '../store/read-state.js';
import { applyLimits, checkLimits } from '../limits/check-limits.js';
import type { CpuSample } from '../limits/decide-cpu-rate.js';
import { hasLimits } from '../limits/resource-limits.js';
import { readCpuSample } from '../limits/usage-rows.js';
import { bootClockOf, realSystem, type System } from '../system/system.js';
import { checkProcess, checkProcessDepsOf } from './check-process.js';
import { probeCheck, probeDepsOf } from './probe-checks.js';
import type { ProcessCheck } from './process-check.js';

/** What the next tick would decide for one process. */
export type ProcessPreview =
  | { kind: 'disabled'; process: ProcessConfig }
  /** Nothing to run: healthy, off, starting, given up on, below its threshold, or waiting for its backoff. */
  | { kind: 'no_recovery'; check: ProcessCheck }
  /** Its recovery is due, but the start rule would refuse it (a second copy). */
  | { kind: 'refused'; check: ProcessCheck; why: string }
  | { kind: 'recovery'; check: ProcessCheck; actions: ActionPreview[] };

/** What the next tick would do, found without doing any of it. */
export interface TickPreview {
  processes: ProcessPreview[];
  /** `undefined` when the config has no `network` section. */
  network: NetworkPreview | undefined;
  /** `undefined` when the config has no `thermal` section. */
  thermal?: ThermalPreview | undefined;
}

export interface PreviewDeps {
  system: System;
  readHeartbeat: (path: string) => HeartbeatFileRead;
}

/**
 * `watchdog check --dry-run`, beside the tick: what the next tick would decide for each
 * process and the exact actions it would run, each thermal zone's level, then what the
 * network ladder and the reboot guards would do. Takes no lock, opens the audit log read-only, writes no log, runs no
 * action, sets no link: it changes nothing. It does read the link and run the configured probes.
 */
export async function previewTick(
  config: WatchdogConfig,
  deps: PreviewDeps = { system: realSystem(), readHeartbeat: readHeartbeatFile },
): Promise<TickPreview> {
  const processes = await previewProcesses(config, deps);
  const thermal = await previewTickThermal(config, deps.system.now());
  return { processes, network: await previewTickNetwork(config), thermal };
}

/**
 * What the next tick would decide for each process: shown before the network part. The
 * processes' `health` probes are asked, all at once, as the tick asks them: a probe is a
 * check, and without it the dry run could not tell what the tick would decide.
 */
export async function previewProcesses(
  config: WatchdogConfig,
  deps: PreviewDeps = { system: realSystem(), readHeartbeat: readHeartbeatFile },
): Promise<ProcessPreview[]> {
  const { system } = deps;
  const previousStates = readFrom(
    config.db_path,
    (db) =>
      new Map(
        config.processes.map((process) => [
          process.key,
          {
            state: readPreviousState(db, process.key, {
              nowMs: system.now().getTime(),
              windowSeconds: process.recovery_window_seconds,
              clock: bootClockOf(system.processes),
            }),
            cpuSample: cpuSampleOf(db, process.key),
          },
        ]),
      ),
    () => new Map<string, { state: PreviousState; cpuSample: CpuSample | undefined }>(),
  );
  const nowMs = system.now().getTime();
  return Promise.all(
    config.processes.map((process) => {
      if (!process.enabled) return { kind: 'disabled' as const, process };
      const previous = previousStates.get(process.key);
      return previewProcess(process, previous?.state ?? NO_PREVIOUS_STATE, previous?.cpuSample, config, deps, nowMs);
    }),
  );
}

async function previewProcess(
  process: ProcessConfig,
  previous: PreviousState,
  cpuSample: CpuSample | undefined,
  config: WatchdogConfig,
  { system, readHeartbeat }: PreviewDeps,
  nowMs: number,
): Promise<ProcessPreview> {
  const checkDeps = { ...checkProcessDepsOf(config, system, readHeartbeat), nowMs };
  const clock = graceClockOf(system.processes);
  // Not for a process turned off, as the tick (its state is `off` whatever a probe says).
  const heartbeat = await probeCheck(process, checkProcess(process, checkDeps), probeDepsOf(system), {
    off: previous.offSince !== null,
  });
  // Measured and judged as the tick would, against the sample the last tick kept (none is written).
  const limits = hasLimits(process)
    ? checkLimits(process, heartbeat, { started: previous.startedInstance, previous: cpuSample }, system.processes)
    : undefined;
  const assessment = assessProcess(process, applyLimits(heartbeat, limits), previous, { nowMs, clock });
  const check: ProcessCheck = { process, threshold: process.consecutive_failures_threshold, ...assessment, limits };
  if (!assessment.recoveryDue) return { kind: 'no_recovery', check };
  const started = previous.startedInstance;
  const decision = decideStart(
    startFactsOf(
      {
        intent: 'recover',
        force: false,
        actions: process.recovery_actions,
      },
      assessment,
      started,
      system.processes,
      process,
    ),
  );
  if (!decision.start) return { kind: 'refused', check, why: decision.why };
  const actions = previewActions(
    process,
    process.recovery_actions,
    assessment.checked,
    system,
    { outputLogMaxBytes: config.log_max_bytes },
    started,
  );
  return { kind: 'recovery', check, actions };
}

/**
 * What the network ladder and the reboot guards would do next tick; `undefined` without a
 * `network` section. It reads the link and runs the configured probes, which takes time.
 */
export async function previewTickNetwork(
  config: Pick<WatchdogConfig, 'network' | 'db_path'>,
): Promise<NetworkPreview | undefined> {
  return config.network === undefined ? undefined : previewNetworkOf(config.network, config.db_path);
}

/**
 * The CPU sample the last tick kept; none from a database a tick has not migrated yet (the dry
 * run opens it read-only), which must not cost the rest of what it holds.
 */
function cpuSampleOf(db: Store, processKey: string): CpuSample | undefined {
  try {
    return readCpuSample(db, processKey);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('no such column')) return undefined;
    throw error;
  }
}

/** The network part: loaded only when the config has a `network` section. */
async function previewNetworkOf(network: NetworkConfig, dbPath: string): Promise<NetworkPreview> {
  const [{ previewNetwork }, { realNetworkSystem }] = await Promise.all([
    import('../network/preview-network.js'),
    import('../network/network-system.js'),
  ]);
  const { state, reboots } = readFrom(
    dbPath,
    (db) => ({ state: readNetworkState(db, network.interface), reboots: readReboots(db) }),
    () => ({ state: emptyNetworkState(network.interface), reboots: [] }),
  );
  return previewNetwork(network, state, reboots, realNetworkSystem({ sysfsRoot: network.sysfs_root }));
}

/**
 * Each thermal zone's level, read now and judged against the last tick's; `undefined`
 * without a `thermal` section (whose code is then not loaded).
 */
export async function previewTickThermal(
  config: Pick<WatchdogConfig, 'thermal' | 'db_path'>,
  now: Date = new Date(),
): Promise<ThermalPreview | undefined> {
  return config.thermal === undefined ? undefined : previewThermalOf(config.thermal, config.db_path, now);
}

async function previewThermalOf(thermal: ThermalConfig, dbPath: string, now: Date): Promise<ThermalPreview> {
  const { previewThermal } = await import('../thermal/preview-thermal.js');
  const rows = readFrom(dbPath, readThermalZoneRows, () => new Map<string, ThermalZoneRow>());
  return previewThermal(thermal, rows, formatUtcTimestamp(now));
}
