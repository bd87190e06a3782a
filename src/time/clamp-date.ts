/** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: the instants the audit log's timestamps can write (see formatUtcTimestamp). */
export const EARLIEST_TIMESTAMP_MS = -62_167_219_200_000;
export const LATEST_TIMESTAMP_MS = 253_402_300_799_999;

/**
 * The date `ms` milliseconds after the epoch, held to the years 0000 to 9999. For an instant
 * computed from a setting (now minus the retention, a start plus its grace): the config's
 * ranges keep it well inside, and this keeps a slip from becoming `Invalid time value` at
 * every tick (issue 19).
 *
 * @example
 * clampDate(Date.now() - 1e9 * 86_400_000).toISOString(); // '0000-01-01T00:00:00.000Z'
 */
export function clampDate(ms: number): Date {
  return new Date(Math.min(Math.max(ms, EARLIEST_TIMESTAMP_MS), LATEST_TIMESTAMP_MS));
}
