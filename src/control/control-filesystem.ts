import type { FilesystemConfig } from '../config/types.js';
import { assessProcess } from '../recovery/assess-process.js';
import { readPreviousState } from '../recovery/previous-state.js';
import { graceClockOf } from '../recovery/start-facts.js';
import { clearOff, setOff } from '../store/process-control.js';
import { recordCommandState } from '../store/record-command-state.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import { assessedFilesystem, checkFilesystem, type ReadFilesystem } from '../tick/check-filesystem.js';
import { resetCrashLoopGuard, resume, tellOnOff, type ControlDeps, type ControlResult } from './control-process.js';

/** What a manual command needs to act on a file system entry: a process's deps, and how its folder is read (for testing). */
export interface FilesystemControlDeps extends ControlDeps {
  readFilesystem?: ReadFilesystem | undefined;
}

/**
 * `watchdog off KEY` for a file system entry: persisted (cron must not undo it); the next
 * ticks record it `off`, with no failure counted and no command run. Nothing is stopped:
 * there is no app.
 */
export async function turnFilesystemOff(
  filesystem: FilesystemConfig,
  deps: FilesystemControlDeps,
): Promise<ControlResult> {
  const now = formatUtcTimestamp(deps.system.now());
  deps.audit.write((db) => setOff(db, filesystem.key, now, deps.requestedBy));
  deps.logger.info(`${filesystem.key}: turned off by ${deps.requestedBy} (${deps.command})`);
  await recordNow(filesystem, deps);
  const message = 'off: not checked for recovery, and no command runs, until `watchdog on`';
  tellOnOff('process_off', filesystem, 'turned off', message, deps);
  return { processKey: filesystem.key, outcome: 'succeeded', message, report: undefined };
}

/**
 * `watchdog on KEY` for a file system entry: clears `off` and a crash-loop give-up. Runs no
 * command: the next tick checks it and recovers it when it fails as often as its threshold.
 */
export async function turnFilesystemOn(
  filesystem: FilesystemConfig,
  deps: FilesystemControlDeps,
): Promise<ControlResult> {
  const wasOff = deps.audit.write((db) => clearOff(db, filesystem.key));
  if (wasOff) deps.logger.info(`${filesystem.key}: turned on by ${deps.requestedBy} (${deps.command})`);
  resume(filesystem, deps);
  const state = await recordNow(filesystem, deps);
  const message = `${wasOff ? 'on' : 'was on'}: ${state}; the next tick checks it (nothing is run now)`;
  if (wasOff) tellOnOff('process_on', filesystem, 'turned on', message, deps);
  return { processKey: filesystem.key, outcome: 'succeeded', message, report: undefined };
}

/** `watchdog reset KEY` for a file system entry: the crash-loop guard and the failure count start again. */
export async function resetFilesystem(
  filesystem: FilesystemConfig,
  deps: FilesystemControlDeps,
): Promise<ControlResult> {
  const was = resetCrashLoopGuard(filesystem.key, deps);
  await recordNow(filesystem, deps);
  return {
    processKey: filesystem.key,
    outcome: 'succeeded',
    message: `reset: recoveries resume when it fails (${was}); nothing was run`,
    report: undefined,
  };
}

/** The entry as a check would weigh it now, recorded as the state the command leaves (what `status` shows); its state and reason. */
async function recordNow(filesystem: FilesystemConfig, deps: FilesystemControlDeps): Promise<string> {
  const { verdict } = await checkFilesystem(filesystem, deps.readFilesystem);
  const previous = readPreviousState(deps.audit.db, filesystem.key);
  const now = deps.system.now();
  const assessment = assessProcess(assessedFilesystem(filesystem), verdict, previous, {
    nowMs: now.getTime(),
    clock: graceClockOf(deps.system.processes),
  });
  const at = formatUtcTimestamp(now);
  deps.audit.write((db) =>
    recordCommandState(db, { processKey: filesystem.key, at, command: deps.command, assessment }),
  );
  return `${assessment.verdict.state} (${assessment.verdict.reason})`;
}
