import type { ProcessConfig, WatchdogConfig } from '../config/types.js';
import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import { readHeartbeatFile, type HeartbeatFileRead } from '../heartbeat/read-heartbeat-file.js';
import type { PreviousState } from '../recovery/assess-check.js';
import { assessProcess } from '../recovery/assess-process.js';
import { decideStart } from '../recovery/decide-start.js';
import { previousStateOf } from '../recovery/previous-state.js';
import { previewActions, type ActionPreview } from '../recovery/preview-actions.js';
import { graceClockOf, startFactsOf } from '../recovery/start-facts.js';
import { startedInstanceOf } from '../store/process-control.js';
import { readProcessStatesAt } from '../store/read-state.js';
import { realSystem, type System } from '../system/system.js';
import { checkProcess, checkProcessDepsOf } from '../tick/check-process.js';
import { probeCheck, probeDepsOf } from '../tick/probe-checks.js';

/** What `watchdog restart KEY` would do now: refuse (a second copy), or run these actions. */
export type RestartPreview =
  | { kind: 'refused'; process: ProcessConfig; verdict: HealthVerdict; why: string }
  | { kind: 'restart'; process: ProcessConfig; verdict: HealthVerdict; actions: ActionPreview[] };

export interface RestartPreviewDeps {
  system: System;
  readHeartbeat: (path: string) => HeartbeatFileRead;
}

/**
 * `watchdog restart KEY --dry-run`, beside the restart: the process weighed as the restart
 * would weigh it, the start rule's answer, and the exact actions it would run. Opens the
 * audit log read-only, runs nothing, changes nothing.
 */
export async function previewRestart(
  config: WatchdogConfig,
  process: ProcessConfig,
  deps: RestartPreviewDeps = { system: realSystem(), readHeartbeat: readHeartbeatFile },
): Promise<RestartPreview> {
  const { system } = deps;
  const state = readProcessStatesAt(config.db_path).get(process.key);
  const previous = stateBeforeRestart(previousStateOf(state));
  const checkDeps = checkProcessDepsOf(config, system, deps.readHeartbeat);
  // The probe is asked, as the restart would ask it: a check, not an action.
  const checked = await probeCheck(process, checkProcess(process, checkDeps), probeDepsOf(system));
  const assessment = assessProcess(process, checked, previous, {
    nowMs: checkDeps.nowMs,
    clock: graceClockOf(system.processes),
  });
  const started = startedInstanceOf(state);
  const decision = decideStart(
    startFactsOf(
      {
        intent: 'restart',
        force: false,
        actions: process.recovery_actions,
      },
      assessment,
      started,
      system.processes,
      process,
    ),
  );
  const { verdict } = assessment;
  if (!decision.start) return { kind: 'refused', process, verdict, why: decision.why };
  const limits = { outputLogMaxBytes: config.log_max_bytes };
  const actions = previewActions(process, process.recovery_actions, assessment.checked, system, limits, started);
  return { kind: 'restart', process, verdict, actions };
}

/**
 * The state a restart weighs the process in: it turns an `off` process back on and takes
 * over from a crash-loop give-up (with its failure count) before it looks, as
 * `restartProcess` does through `clearOff` and `clearGaveUp`. Pure.
 */
export function stateBeforeRestart(previous: PreviousState): PreviousState {
  const on = { ...previous, offSince: null, offBy: null };
  return previous.gaveUpAt === null ? on : { ...on, gaveUpAt: null, gaveUpReason: null, consecutiveFailures: 0 };
}
