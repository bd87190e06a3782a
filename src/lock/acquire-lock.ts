import { WatchdogError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { tryAcquireTickLock, type ReleaseLock } from './tick-lock.js';
import { monotonicMs, type MonotonicClock } from '../time/monotonic-clock.js';
import { sleep } from '../time/sleep.js';

/** How often a manual command tries again for a lock another instance holds. */
const RETRY_MS = 200;

/** The tick lock for cron's `check`, without waiting: `undefined` when another instance holds it. */
export function acquireTickLockNow(lockPath: string, logger: Logger): Promise<ReleaseLock | undefined> {
  return tryAcquireTickLock(lockPath, {
    onCompromised: (error) => logger.error(`lock ${lockPath} was compromised while held: ${error.message}`),
    onNote: (level, message) => logger[level](message),
  });
}

/**
 * The tick lock for a manual command: waits up to `waitSeconds` for a running tick or
 * another command to finish, so a person never acts while cron recovers the same app.
 *
 * @throws {WatchdogError} `LOCK_HELD` when it is still held after `waitSeconds`;
 *   `INTERRUPTED` when `signal` aborts first (nothing was done, nothing is held).
 */
export async function acquireTickLockWaiting(
  lockPath: string,
  logger: Logger,
  waitSeconds: number,
  clock: MonotonicClock = monotonicMs,
  signal?: AbortSignal,
): Promise<ReleaseLock> {
  // Monotonic: a clock step must neither end the wait at once nor make it last for hours.
  const deadline = clock() + waitSeconds * 1000;
  for (let attempt = 0; ; attempt += 1) {
    if (signal?.aborted === true) {
      throw new WatchdogError(
        'INTERRUPTED',
        `stopped by ${String(signal.reason)} while waiting for the lock ${lockPath}; nothing was done`,
        {
          hint: 'run the command again',
        },
      );
    }
    const release = await acquireTickLockNow(lockPath, logger);
    if (release !== undefined) return release;
    // Said once: a person (or a signal) waiting on a tick knows what it waits for.
    if (attempt === 0)
      logger.info(`another watchdog instance holds the lock ${lockPath}; waiting up to ${waitSeconds}s for it`);
    if (clock() >= deadline) {
      throw new WatchdogError(
        'LOCK_HELD',
        `another watchdog instance still holds the lock ${lockPath} after waiting ${waitSeconds}s`,
        {
          hint: 'a tick or another command is running (a long recovery?); try again, or wait longer with --wait SECONDS',
        },
      );
    }
    await sleep(Math.min(RETRY_MS, Math.max(0, deadline - clock())), signal);
  }
}
