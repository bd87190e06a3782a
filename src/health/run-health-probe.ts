import { performance } from 'node:perf_hooks';
import { escapeUntrustedLine } from '../display/escape-untrusted.js';
import { describeError } from '../errors.js';
import { describeProbe } from '../probes/describe-probe.js';
import type { ProbeResult, RunProbe } from '../probes/probe.js';
import { runCommandProbe, type CommandProbeContext } from '../probes/run-command-probe.js';
import { runProbe } from '../probes/run-probe.js';
import type { UserAccount } from '../system/lookup-user.js';
import type { ShellCommandOptions, ShellCommandResult } from '../system/run-shell-command.js';
import { processCommandEnv } from '../system/shell-argv.js';
import type { HealthProbe } from './health-probe.js';

/** What a probe needs of its process: where and as whom a command probe runs. */
export interface ProbedProcess {
  key: string;
  health: HealthProbe;
  cwd: string;
  env: Readonly<Record<string, string>>;
  user: UserAccount | undefined;
}

/** What running a probe needs of the machine. */
export interface HealthProbeDeps {
  /** The watchdog's environment, under the process's `env`. */
  env: NodeJS.ProcessEnv;
  runShellCommand: (options: ShellCommandOptions) => Promise<ShellCommandResult>;
  /** For testing: runs an HTTP or TCP probe (default the network ladder's {@link runProbe}). */
  runProbe?: RunProbe;
  /** The stop request: an HTTP or TCP probe ends at once (a command's runner has its own). */
  signal?: AbortSignal | undefined;
}

/** How long a command is quoted in a probe's description. */
const COMMAND_WORDS = 60;

/**
 * A health probe in a few words, for its reason: `http http://127.0.0.1/health` (a password
 * masked), `tcp 127.0.0.1:1883`, `command "pgrep -x mosquitto"` (cut, escaped).
 */
export function describeHealthProbe(probe: HealthProbe): string {
  if (probe.type !== 'command') return describeProbe(probe);
  const words = probe.command.length > COMMAND_WORDS ? `${probe.command.slice(0, COMMAND_WORDS)}...` : probe.command;
  return `command "${escapeUntrustedLine(words)}"`;
}

/**
 * Runs one process's probe and times it (performance.now: the monotonic clock, as every
 * timeout of the runners is). HTTP and TCP are the network ladder's runners; a command runs
 * `/bin/sh -c` as the process's `user`, in its `cwd`, with its `env` and
 * `WATCHDOG_PROCESS_KEY`, `WATCHDOG_ACTION=health`, as its actions do.
 *
 * Never rejects: whatever goes wrong is `answered: false` with a detail.
 */
export async function runHealthProbe(process: ProbedProcess, deps: HealthProbeDeps): Promise<ProbeResult> {
  const { health } = process;
  const started = performance.now();
  let outcome: Pick<ProbeResult, 'answered' | 'detail'>;
  try {
    if (health.type === 'command') {
      const context: CommandProbeContext = {
        cwd: process.cwd,
        env: processCommandEnv(deps.env, process.user, process.env, {
          WATCHDOG_PROCESS_KEY: process.key,
          WATCHDOG_ACTION: 'health',
        }),
        user: process.user,
        runShellCommand: deps.runShellCommand,
      };
      outcome = await runCommandProbe(health, context);
    } else {
      outcome = await (deps.runProbe ?? runProbe)(health, deps.signal);
    }
  } catch (error) {
    outcome = { answered: false, detail: describeError(error) };
  }
  return {
    probe: describeHealthProbe(health),
    ...outcome,
    durationMs: Math.round(performance.now() - started),
  };
}
