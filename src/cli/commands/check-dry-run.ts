import type { NetworkConfig } from '../../config/network-types.js';
import type { WatchdogConfig } from '../../config/types.js';
import { readHeartbeatFile } from '../../heartbeat/read-heartbeat-file.js';
import { previewActions } from '../../recovery/preview-actions.js';
import { decideStart } from '../../recovery/decide-start.js';
import { startFactsOf } from '../../recovery/start-facts.js';
import { escapeUntrustedLine } from '../../display/escape-untrusted.js';
import { assessProcess } from '../../recovery/assess-process.js';
import { readPreviousState } from '../../recovery/previous-state.js';
import { graceClockOf } from '../../recovery/start-facts.js';
import { startedInstanceOf } from '../../store/process-control.js';
import { readReboots } from '../../store/network-events.js';
import { emptyNetworkState, readNetworkState } from '../../store/network-state.js';
import { readFrom, readProcessStatesAt } from '../../store/read-state.js';
import { NO_PREVIOUS_STATE, type PreviousState } from '../../recovery/assess-check.js';
import { bootClockOf, realSystem } from '../../system/system.js';
import { checkProcess, checkProcessDepsOf } from '../../tick/check-process.js';
import { describeCheck } from '../../tick/describe-check.js';
import { EXIT } from '../exit-codes.js';
import { formatActionPreviews } from '../format/format-plan.js';
import type { CliIo } from '../io.js';

/**
 * `watchdog check --dry-run`: what the next tick would decide for each process and the
 * exact actions it would run, then what the network ladder and the reboot guards would do.
 * Takes no lock, opens the audit log read-only, writes no log, runs no action, sets no
 * link: it changes nothing. It does read the link and run the configured probes.
 */
export async function runCheckDryRun(config: WatchdogConfig, warnings: readonly string[], io: CliIo): Promise<number> {
  const system = realSystem();
  const states = readProcessStatesAt(config.db_path);
  const previousStates = readFrom(
    config.db_path,
    (db) =>
      new Map(
        config.processes.map((process) => [
          process.key,
          readPreviousState(db, process.key, {
            nowMs: system.now().getTime(),
            windowSeconds: process.recovery_window_seconds,
            clock: bootClockOf(system.processes),
          }),
        ]),
      ),
    () => new Map<string, PreviousState>(),
  );
  const nowMs = system.now().getTime();
  io.out(`dry run of ${config.config_path}: nothing is run, recorded or logged`);
  for (const warning of warnings) io.out(`config warning: ${warning}`);
  for (const process of config.processes) {
    if (!process.enabled) {
      io.out(`${process.key}: disabled (enabled is false) → not checked`);
      continue;
    }
    const state = states.get(process.key);
    const checkDeps = { ...checkProcessDepsOf(config, system, readHeartbeatFile), nowMs };
    const clock = graceClockOf(system.processes);
    const previous = previousStates.get(process.key) ?? NO_PREVIOUS_STATE;
    const assessment = assessProcess(process, checkProcess(process, checkDeps), previous, { nowMs, clock });
    const threshold = process.consecutive_failures_threshold;
    const line = describeCheck({ process, threshold, ...assessment });
    if (!assessment.recoveryDue) {
      io.out(
        `${line} → ${assessment.guard?.kind === 'backoff' ? 'no recovery yet: it waits for its backoff' : quietDecision(assessment.verdict.state, threshold)}`,
      );
      continue;
    }
    const refused = decideStart(
      startFactsOf(
        { intent: 'recover', force: false, actions: process.recovery_actions },
        assessment,
        startedInstanceOf(state),
        system.processes,
        process,
      ),
    );
    if (!refused.start) {
      // The line is escaped already; the reason quotes what the heartbeat said.
      io.out(`${line} → its recovery is due but would be refused: ${escapeUntrustedLine(refused.why)}`);
      continue;
    }
    io.out(`${line} → would run its recovery:`);
    const previews = previewActions(
      process,
      process.recovery_actions,
      assessment.checked,
      system,
      { outputLogMaxBytes: config.log_max_bytes },
      startedInstanceOf(state),
    );
    for (const preview of formatActionPreviews(previews)) io.out(preview);
  }
  if (config.network !== undefined)
    for (const line of await previewNetworkLines(config.network, config.db_path)) io.out(line);
  return EXIT.ok;
}

/** The network part: loaded only when the config has a `network` section. */
async function previewNetworkLines(network: NetworkConfig, dbPath: string): Promise<string[]> {
  const [{ previewNetwork }, { realNetworkSystem }, { formatNetworkPreview }] = await Promise.all([
    import('../../network/preview-network.js'),
    import('../../network/network-system.js'),
    import('../format/format-network-preview.js'),
  ]);
  const { state, reboots } = readFrom(
    dbPath,
    (db) => ({ state: readNetworkState(db, network.interface), reboots: readReboots(db) }),
    () => ({ state: emptyNetworkState(network.interface), reboots: [] }),
  );
  const preview = await previewNetwork(network, state, reboots, realNetworkSystem({ sysfsRoot: network.sysfs_root }));
  return formatNetworkPreview(network, preview);
}

function quietDecision(state: string, threshold: number): string {
  switch (state) {
    case 'healthy':
      return 'nothing to do';
    case 'off':
      return 'not recovered while off (`watchdog on` turns it back on)';
    case 'starting':
      return 'nothing to do while it comes up';
    case 'gave_up':
      return 'not recovered: the crash-loop guard gave up on it (`watchdog on` or `watchdog reset` resumes recoveries)';
    case 'check_error':
      return 'nothing to do: it could not be checked, the count stays as it is';
    default:
      return `no recovery yet (due at ${threshold} consecutive failures)`;
  }
}
