/**
 * The wait before looking again after `attempt` looks (from 0) for something that usually
 * happens at once, such as an app exiting on SIGTERM: 1 ms, doubling up to `maxMs`. A fixed
 * interval of tens of milliseconds made every recovery wait that long for an app that had
 * exited within a millisecond or two; the doubling keeps a slow exit from costing many looks.
 *
 * @example
 * [0, 1, 2, 3, 4, 5, 6].map((attempt) => pollDelayMs(attempt, 20)); // [1, 2, 4, 8, 16, 20, 20]
 */
export function pollDelayMs(attempt: number, maxMs: number): number {
  return Math.min(2 ** Math.min(attempt, 30), maxMs);
}
