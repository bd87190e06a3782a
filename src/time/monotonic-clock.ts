/**
 * Milliseconds since an arbitrary origin, on a clock nothing steps (CLOCK_MONOTONIC, through
 * `performance.now()`): what deadlines, waits and durations are measured with. The wall
 * clock (`Date`) only dates things: a device without a real-time clock steps it by hours
 * when NTP arrives, and a deadline on it would end at once or never.
 */
export type MonotonicClock = () => number;

/** The process's monotonic clock. */
export const monotonicMs: MonotonicClock = () => performance.now();
