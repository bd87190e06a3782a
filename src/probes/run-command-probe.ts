import { escapeUntrustedLine } from '../display/escape-untrusted.js';
import { formatSeconds } from '../time/format-duration.js';
import type { UserAccount } from '../system/lookup-user.js';
import type { ShellCommandOptions, ShellCommandResult } from '../system/run-shell-command.js';
import { INTERRUPTED_DETAIL, type ProbeResult } from './probe.js';

/** A command probe: `/bin/sh -c command`, healthy when it exits 0 within its timeout. */
export interface CommandProbeSpec {
  type: 'command';
  command: string;
  timeout_seconds: number;
}

/** Where and as whom the command runs: the process's own `cwd`, `env` (complete) and `user`. */
export interface CommandProbeContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  user: UserAccount | undefined;
  /** The system's runner (`System.runShellCommand`): its own session, group and cgroup, stopped on a stop request. */
  runShellCommand: (options: ShellCommandOptions) => Promise<ShellCommandResult>;
}

/** After the timeout, SIGTERM to the tree, then SIGKILL this much later: a probe is not a cleanup, it gets no long grace. */
export const COMMAND_PROBE_KILL_GRACE_MS = 1000;

/** How much of the end of the command's output the detail quotes. */
export const COMMAND_PROBE_OUTPUT_CHARS = 200;

/**
 * Runs a command probe and judges it: exit 0 answers; any other exit, a signal, a timeout
 * (its whole process tree is killed, see runShellCommand) or a failure to start does not.
 * The detail says which, and quotes the end of what it printed, escaped and on one line (the
 * output is the app's, untrusted), e.g. `exited 1: "curl: (7) Failed to connect"`; the
 * caller times it.
 *
 * Never rejects because of the command.
 *
 * @example
 * await runCommandProbe({ type: 'command', command: 'pgrep -x mosquitto', timeout_seconds: 5 }, context);
 * // { answered: true, detail: 'exited 0' }
 */
export async function runCommandProbe(
  spec: CommandProbeSpec,
  context: CommandProbeContext,
): Promise<Pick<ProbeResult, 'answered' | 'detail'>> {
  const result = await context.runShellCommand({
    command: spec.command,
    cwd: context.cwd,
    env: context.env,
    user: context.user,
    timeoutMs: spec.timeout_seconds * 1000,
    killGraceMs: COMMAND_PROBE_KILL_GRACE_MS,
    outputTailBytes: COMMAND_PROBE_OUTPUT_CHARS * 4,
    // A probe only looks: a child it left (`curl ... &`) would pile up, one a tick.
    stopTreeOnExit: true,
  });
  const answered =
    result.spawnError === undefined && !result.timedOut && result.interrupted !== true && result.exitCode === 0;
  return { answered, detail: `${describeEnding(result, spec.timeout_seconds)}${quoteOutput(result.outputTail)}` };
}

function describeEnding(result: ShellCommandResult, timeoutSeconds: number): string {
  if (result.spawnError !== undefined) return `could not run: ${result.spawnError}`;
  if (result.interrupted === true) return INTERRUPTED_DETAIL;
  if (result.timedOut) {
    const left = result.treeStop?.survivors.length ?? 0;
    const kept = left === 0 ? '' : `; still there: PID ${result.treeStop?.survivors.join(', ')}`;
    return `timed out after ${formatSeconds(timeoutSeconds)}; its process group was killed${kept}`;
  }
  if (result.signal !== null) return `killed by ${result.signal}`;
  return `exited ${result.exitCode ?? '?'}`;
}

/** `: "<the end of the output>"`, on one line and escaped; nothing when it printed nothing. */
function quoteOutput(tail: string): string {
  const text = tail.trim();
  if (text === '') return '';
  const end = text.length > COMMAND_PROBE_OUTPUT_CHARS ? `...${text.slice(-COMMAND_PROBE_OUTPUT_CHARS)}` : text;
  return `: "${escapeUntrustedLine(end)}"`;
}
