/**
 * Resolves after `ms` milliseconds, or at once when `signal` aborts (a SIGTERM must not
 * wait out a `verify_delay` or a ladder's settle time). Node's `timers/promises` does the
 * same, but loading it is a measurable part of a cron tick's start, and the tick only
 * needs it on a retry.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
