import type { Logger } from '../../logging/logger.js';
import type { WatchdogEvent } from '../../notify/watchdog-event.js';
import { commandSucceeded, describeCommandResult } from '../../system/describe-command-result.js';
import type { RebootConfig } from '../config/network-types.js';
import type { NetworkSystem } from '../network-system.js';
import type { NetworkEventInput } from '../store/record-network-event.js';

/** What a reboot does to the world, passed in so it is tested with fakes. */
export interface RebootEffects {
  /** Writes a `network_events` row of the interface; returns its id. */
  record: (event: Omit<NetworkEventInput, 'interface'>) => number;
  /** Completes a row written before its outcome was known. */
  complete: (
    id: number,
    outcome: Pick<NetworkEventInput, 'outcome' | 'detail' | 'durationMs' | 'exitCode' | 'outputTail'>,
  ) => void;
  /** Tells the notify channels (the event's time and interface are filled in). */
  tell: (event: Omit<WatchdogEvent, 'at' | 'interface'>) => void;
  logger: Logger;
  runShellCommand: NetworkSystem['runShellCommand'];
  /** The environment the command inherits. */
  env: NodeJS.ProcessEnv;
  /** The folder the command runs in (the config file's). */
  cwd: string;
}

/** The reboot the guards let through. */
export interface RebootRequest {
  interface: string;
  reason: string;
  failedLadderRuns: number;
  /** The `ladder_start` event of the failed run that led to it. */
  ladderId: number;
  reboot: RebootConfig;
}

/** A reboot the guards let through, and how its command went. */
export interface RebootReport {
  reason: string;
  eventId: number;
  commandOk: boolean;
  detail: string;
}

/** How long a reboot command's process group has to stop after SIGTERM when it times out. */
const REBOOT_KILL_GRACE_MS = 2000;

/**
 * Runs the reboot command, recorded and told before it runs (a reboot that works does not
 * come back to say so), then completes its row with how the command went.
 */
export async function runReboot(request: RebootRequest, effects: RebootEffects): Promise<RebootReport> {
  const { interface: name, reason, reboot } = request;
  const { logger, tell } = effects;
  // Recorded before the command runs: a reboot that works does not come back to say so.
  const eventId = effects.record({ kind: 'reboot', ladderId: request.ladderId, outcome: 'requested', detail: reason });
  logger.error(`network ${name}: REBOOTING the device (${reason}): ${reboot.command}`);
  // Queued before the command, like its record: a reboot that works does not come back to tell.
  tell({
    kind: 'reboot_done',
    summary: `network ${name}: rebooting the device: ${reason}`,
    details: { reason, failed_ladder_runs: request.failedLadderRuns, event_id: eventId },
  });
  const result = await effects.runShellCommand({
    // Never stopped by a stop request: a reboot stops this unit (SIGTERM) while its command
    // still runs, and cutting the command short then could cancel the reboot it asked for.
    signal: undefined,
    command: reboot.command,
    cwd: effects.cwd,
    env: { ...effects.env, WATCHDOG_INTERFACE: name, WATCHDOG_ACTION: 'reboot', WATCHDOG_REASON: reason },
    timeoutMs: reboot.timeout_seconds * 1000,
    killGraceMs: REBOOT_KILL_GRACE_MS,
  });
  const commandOk = commandSucceeded(result);
  const detail = describeCommandResult(result, reboot.timeout_seconds, 'reboot.timeout_seconds');
  effects.complete(eventId, {
    outcome: commandOk ? 'requested' : 'command_failed',
    detail: `${reason}; command ${detail}`,
    durationMs: result.durationMs,
    exitCode: result.exitCode,
    outputTail: result.outputTail,
  });
  if (!commandOk) {
    logger.error(`network ${name}: the reboot command failed: ${detail}`);
    tell({
      kind: 'reboot_failed',
      summary: `network ${name}: the reboot command failed: ${detail}`,
      details: { reason, command: detail, event_id: eventId },
    });
  }
  return { reason, eventId, commandOk, detail };
}
