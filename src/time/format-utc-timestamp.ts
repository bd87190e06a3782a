/**
 * A UTC instant as Python's `datetime.now(timezone.utc).isoformat()` writes it
 * (`2026-02-05T06:17:29.601000+00:00`), the format of every time in the audit log, so
 * rows written by the Python Watchdog and by us sort and compare as one.
 */
export function formatUtcTimestamp(date: Date): string {
  // From the UTC fields rather than toISOString(), whose first call loads the machine's
  // time zone (ICU reads /etc/localtime), which nothing in a tick needs.
  const year = date.getUTCFullYear();
  if (!Number.isFinite(year) || year < 0 || year > 9999) return `${date.toISOString().slice(0, 23)}000+00:00`;
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${String(year).padStart(4, '0')}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}T${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}.${String(date.getUTCMilliseconds()).padStart(3, '0')}000+00:00`;
}
