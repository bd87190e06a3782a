import { formatSeconds } from '../time/format-duration.js';
import type { ShellCommandResult } from './run-shell-command.js';

/**
 * How a shell command ended, in a few words for logs and the audit log. `timeoutSetting`
 * names the setting that bounded it, so a timed-out command says what to raise.
 */
export function describeCommandResult(
  result: Pick<ShellCommandResult, 'spawnError' | 'timedOut' | 'exitCode' | 'signal' | 'durationMs'>,
  timeoutSeconds: number,
  timeoutSetting: string,
): string {
  if (result.spawnError !== undefined) return `could not run: ${result.spawnError}`;
  if (result.timedOut) return `timed out after ${formatSeconds(timeoutSeconds)} (${timeoutSetting}); its process group was killed`;
  const took = formatSeconds(result.durationMs / 1000);
  if (result.signal !== null) return `killed by ${result.signal} after ${took}`;
  return `exited ${result.exitCode ?? '?'} after ${took}`;
}

/** Whether a shell command ran and exited 0. */
export function commandSucceeded(result: Pick<ShellCommandResult, 'spawnError' | 'timedOut' | 'exitCode'>): boolean {
  return result.spawnError === undefined && !result.timedOut && result.exitCode === 0;
}
