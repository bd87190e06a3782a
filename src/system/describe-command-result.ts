import { formatSeconds } from '../time/format-duration.js';
import type { ShellCommandResult } from './run-shell-command.js';

/**
 * How a shell command ended, in a few words for logs and the audit log. `timeoutSetting`
 * names the setting that bounded it, so a timed-out command says what to raise.
 */
export function describeCommandResult(
  result: Pick<
    ShellCommandResult,
    'spawnError' | 'timedOut' | 'interrupted' | 'exitCode' | 'signal' | 'durationMs' | 'treeStop'
  >,
  timeoutSeconds: number,
  timeoutSetting: string,
): string {
  if (result.spawnError !== undefined) return `could not run: ${result.spawnError}`;
  if (result.interrupted === true)
    return `interrupted after ${formatSeconds(result.durationMs / 1000)}: the watchdog was asked to stop; its process tree was stopped${describeTreeStop(result.treeStop)}`;
  if (result.timedOut)
    return `timed out after ${formatSeconds(timeoutSeconds)} (${timeoutSetting}); its process tree was killed${describeTreeStop(result.treeStop)}`;
  const took = formatSeconds(result.durationMs / 1000);
  if (result.signal !== null) return `killed by ${result.signal} after ${took}`;
  return `exited ${result.exitCode ?? '?'} after ${took}`;
}

/** Whether a shell command ran and exited 0. */
export function commandSucceeded(
  result: Pick<ShellCommandResult, 'spawnError' | 'timedOut' | 'interrupted' | 'exitCode'>,
): boolean {
  return result.spawnError === undefined && !result.timedOut && result.interrupted !== true && result.exitCode === 0;
}

/** ` (3 processes, by cgroup and process tree)`, why no cgroup, and what survived; nothing when it is not known. */
function describeTreeStop(stop: ShellCommandResult['treeStop']): string {
  if (stop === undefined) return '';
  const count = `${stop.signalled} process${stop.signalled === 1 ? '' : 'es'}`;
  const noCgroup = stop.noCgroup === undefined ? '' : `; no cgroup: ${stop.noCgroup}`;
  const left = stop.survivors.length === 0 ? '' : `; still there: PID ${stop.survivors.join(', ')}`;
  return ` (${count}, by ${stop.mechanism}${noCgroup}${left})`;
}
