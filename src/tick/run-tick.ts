import { tickSystemOf } from './tick-system.js';
import type { WatchdogConfig } from '../config/types.js';
import { describeError } from '../errors.js';
import { readHeartbeatFile, type HeartbeatFileRead } from '../heartbeat/read-heartbeat-file.js';
import type { Logger } from '../logging/logger.js';
import type { PingDeps } from '../notify/ping-dead-mans-switch.js';
import { FolderCache } from '../system/folder-cache.js';
import { decideTickOutcome, type TickDecision, type TickPing } from './decide-tick-outcome.js';
import { runCheckTick } from './run-check-tick.js';
import type { TickDeps } from './tick-deps.js';
import type { TickOutcome } from './tick-outcome.js';

export interface RunTickDeps {
  logger: Logger;
  /** Aborted when a signal (SIGTERM...) asks the run to stop. */
  signal?: AbortSignal | undefined;
  /** The watchdog's environment (default its own): notifications and the ping find their secrets there; commands get it without them. */
  env?: NodeJS.ProcessEnv | undefined;
  /** The package's version, as `--version` reads it: asked only when the metrics are written. */
  readVersion?: (() => string) | undefined;
  /** For testing: the tick on the machine (default {@link runCheckTick}). */
  runCheckTick?: (config: WatchdogConfig, deps: TickDeps) => Promise<TickOutcome>;
  /** For testing: how the ping is requested. */
  pingRequest?: PingDeps['request'];
}

/** How a tick ended, and what {@link decideTickOutcome} made of it. */
export type TickRun =
  | { kind: 'ran'; outcome: TickOutcome; decision: TickDecision }
  | { kind: 'threw'; error: unknown; decision: TickDecision };

/**
 * One `watchdog check` as cron runs it, start to end: the tick on the real machine
 * ({@link runCheckTick}), with the dead man's switch's start ping sent once it holds the lock,
 * then its end ping, as {@link decideTickOutcome} says, even when the tick threw (but not once the
 * run is asked to stop). Returns how it ended (a thrown error too, already logged) for the
 * CLI to report; the exit code is in the decision.
 */
export async function runTick(config: WatchdogConfig, deps: RunTickDeps): Promise<TickRun> {
  const env = deps.env ?? process.env;
  // The start ping goes out once the lock is held, and is not waited for: healing does not
  // wait on a monitoring service. It is awaited (bounded by its timeout) before the end ping.
  let started: Promise<unknown> | undefined;
  const onLockTaken =
    config.ping?.start === undefined
      ? undefined
      : () => {
          // Dropped at once if the run is asked to stop: it must not hold a SIGTERM's exit.
          started = ping(config, 'start', env, deps, deps.signal);
        };
  let outcome: TickOutcome;
  try {
    // The secrets notifications use are kept from every command the tick runs.
    const system = tickSystemOf(config, env, deps.signal);
    // Heartbeats that share a folder reach it once per tick.
    const folders = new FolderCache();
    try {
      const readHeartbeat = (path: string): HeartbeatFileRead => readHeartbeatFile(path, undefined, undefined, folders);
      const tick = deps.runCheckTick ?? runCheckTick;
      outcome = await tick(config, {
        system,
        readHeartbeat,
        logger: deps.logger,
        notifyEnv: env,
        readVersion: deps.readVersion,
        onLockTaken,
      });
    } finally {
      folders.close();
    }
  } catch (error) {
    deps.logger.error(`tick failed: ${describeError(error)}`);
    const decision = decideTickOutcome({ kind: 'threw' });
    await endPing(config, decision.ping, env, deps, started);
    return { kind: 'threw', error, decision };
  }
  const decision = decideTickOutcome(outcome);
  await endPing(config, decision.ping, env, deps, started);
  return { kind: 'ran', outcome, decision };
}

/**
 * The end ping, once the start ping is answered or dropped; none when the run was asked to
 * stop (docs/notifications.md): a SIGTERM that comes as the tick ends, even while the start
 * ping is unanswered, must not wait on the monitoring service. The signal goes with it too,
 * for a SIGTERM that comes while it is on its way.
 */
async function endPing(
  config: WatchdogConfig,
  as: TickPing,
  env: NodeJS.ProcessEnv,
  deps: RunTickDeps,
  started: Promise<unknown> | undefined,
): Promise<void> {
  await started;
  if (deps.signal?.aborted === true) return;
  await ping(config, as, env, deps, deps.signal);
}

/** The dead man's switch, loaded only when `ping` or `ping_url` is set. Never rejects. */
async function ping(
  config: WatchdogConfig,
  as: TickPing | 'start',
  env: NodeJS.ProcessEnv,
  deps: RunTickDeps,
  signal?: AbortSignal,
): Promise<void> {
  if (config.ping === undefined || as === 'none') return;
  try {
    const { pingDeadMansSwitch } = await import('../notify/ping-dead-mans-switch.js');
    await pingDeadMansSwitch(config.ping, as, { env, logger: deps.logger, request: deps.pingRequest, signal });
  } catch (error) {
    deps.logger.warn(`ping: not sent: ${describeError(error)}`);
  }
}
