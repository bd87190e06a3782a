import { escapeUntrustedLine } from '../../display/escape-untrusted.js';
import { readHeartbeatFile } from '../../heartbeat/read-heartbeat-file.js';
import { previewActions } from '../../recovery/preview-actions.js';
import { decideStart } from '../../recovery/decide-start.js';
import { startedInstanceOf } from '../../store/process-control.js';
import { assessProcess } from '../../recovery/assess-process.js';
import { previousStateOf } from '../../recovery/previous-state.js';
import { graceClockOf, startFactsOf } from '../../recovery/start-facts.js';
import { readProcessStatesAt } from '../../store/read-state.js';
import { checkProcess, checkProcessDepsOf } from '../../tick/check-process.js';
import { realSystem } from '../../system/system.js';
import { EXIT } from '../exit-codes.js';
import { formatActionPreviews } from '../format/format-plan.js';
import type { CliIo } from '../io.js';
import { loadCliConfig, requireProcessKey } from '../load-cli-config.js';

/** `watchdog restart <key> --dry-run`: the process's state and the exact actions a restart would run; changes nothing. */
export function runRestartDryRun(args: { config?: string | undefined; key: string }, io: CliIo): number {
  const { config } = loadCliConfig(args.config, io);
  const process = requireProcessKey(config, args.key);
  const system = realSystem();
  // A restart turns an `off` process back on first, so it is judged as if it were on.
  const state = readProcessStatesAt(config.db_path).get(process.key);
  const previous = { ...previousStateOf(state), offSince: null, offBy: null };
  const checkDeps = checkProcessDepsOf(config, system, readHeartbeatFile);
  const clock = graceClockOf(system.processes);
  const assessment = assessProcess(process, checkProcess(process, checkDeps), previous, {
    nowMs: checkDeps.nowMs,
    clock,
  });
  const { verdict, checked } = assessment;
  io.out(`dry run: nothing is run, recorded or logged`);
  const decision = decideStart(
    startFactsOf(
      { intent: 'restart', force: false, actions: process.recovery_actions },
      assessment,
      startedInstanceOf(state),
      system.processes,
      process,
    ),
  );
  if (!decision.start) {
    io.out(
      escapeUntrustedLine(
        `${process.key}: ${verdict.state} (${verdict.reason}) → a restart would be refused: ${decision.why}`,
      ),
    );
    return EXIT.ok;
  }
  // The reason quotes what the heartbeat said.
  io.out(escapeUntrustedLine(`${process.key}: ${verdict.state} (${verdict.reason}) → a restart would run:`));
  const previews = previewActions(
    process,
    process.recovery_actions,
    checked,
    system,
    { outputLogMaxBytes: config.log_max_bytes },
    startedInstanceOf(state),
  );
  for (const line of formatActionPreviews(previews)) io.out(line);
  return EXIT.ok;
}
