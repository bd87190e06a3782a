import type { ChannelConfig } from '../config/notify-types.js';
import { commandSucceeded, describeCommandResult } from '../../system/describe-command-result.js';
import type { ShellCommandOptions, ShellCommandResult } from '../../system/run-shell-command.js';
import type { EventPayload } from '../watchdog-event.js';
import type { SendOutcome } from './send-outcome.js';

type CommandChannel = Extract<ChannelConfig, { type: 'command' }>;

/** How long a notification command's process group has to stop after SIGTERM when it times out. */
const KILL_GRACE_MS = 2000;

export interface CommandChannelDeps {
  runShellCommand: (options: ShellCommandOptions) => Promise<ShellCommandResult>;
  env: NodeJS.ProcessEnv;
  /** The config file's folder: where the command runs. */
  cwd: string;
}

/**
 * Runs the channel's command with the event's JSON (one line) on its standard input and
 * `WATCHDOG_EVENT` (and the process or interface) in its environment; exit 0 is delivered,
 * anything else is tried again on a later tick.
 */
export async function sendCommand(
  channel: CommandChannel,
  payload: EventPayload,
  body: string,
  timeoutMs: number,
  deps: CommandChannelDeps,
): Promise<SendOutcome> {
  const result = await deps.runShellCommand({
    command: channel.command,
    cwd: deps.cwd,
    env: {
      ...deps.env,
      WATCHDOG_EVENT: payload.event,
      WATCHDOG_SUMMARY: payload.summary,
      ...(payload.process_key === null ? {} : { WATCHDOG_PROCESS_KEY: payload.process_key }),
      ...(payload.interface === null ? {} : { WATCHDOG_INTERFACE: payload.interface }),
      ...(payload.zone === null ? {} : { WATCHDOG_ZONE: payload.zone }),
    },
    input: `${body}\n`,
    timeoutMs,
    killGraceMs: KILL_GRACE_MS,
  });
  const detail = describeCommandResult(result, timeoutMs / 1000, 'timeout_seconds');
  return commandSucceeded(result) ? { kind: 'delivered', detail } : { kind: 'retry', detail };
}
