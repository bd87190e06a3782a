/**
 * A UTC instant as Python's `datetime.now(timezone.utc).isoformat()` writes it
 * (`2026-02-05T06:17:29.601000+00:00`), the format of every time in the audit log, so
 * rows written by the Python Watchdog and by us sort and compare as one.
 */
export function formatUtcTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 23)}000+00:00`;
}
