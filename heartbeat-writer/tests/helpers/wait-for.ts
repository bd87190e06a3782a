import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `check` every 10 ms until it returns a value other than undefined. */
export async function waitFor<T>(description: string, check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await sleep(10);
  }
}
