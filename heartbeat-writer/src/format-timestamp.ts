/**
 * Formats `date` as Python's `datetime.now(timezone.utc).isoformat()` does, except
 * that the microseconds are always present.
 *
 * JavaScript clocks have millisecond resolution, so the last three digits are zeros.
 * The offset is `+00:00`, never `Z`: `datetime.fromisoformat` before Python 3.11
 * rejects `Z` and accepts only 3 or 6 fractional digits. Always printing six digits
 * (Python itself drops them when they are all zero) keeps the length fixed.
 *
 * @example
 * ```ts
 * formatTimestamp(new Date(Date.UTC(2026, 1, 5, 6, 17, 29, 601)));
 * // => '2026-02-05T06:17:29.601000+00:00'
 * ```
 */
export function formatTimestamp(date: Date): string {
  // toISOString is always UTC: `YYYY-MM-DDTHH:mm:ss.sssZ`.
  return `${date.toISOString().slice(0, -1)}000+00:00`;
}
