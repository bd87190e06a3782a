/**
 * Resolves after `ms` milliseconds. Node's `timers/promises` does the same, but loading it
 * is a measurable part of a cron tick's start, and the tick only needs it on a retry.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms);
  });
}
