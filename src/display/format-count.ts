/**
 * A count and the noun it counts, in agreement: `1 process`, `2 processes`, `0 processes`.
 * The plural is given where adding `s` is wrong. Pure.
 *
 * @example
 * formatCount(1, 'process', 'processes'); // '1 process'
 * formatCount(3, 'rung'); // '3 rungs'
 */
export function formatCount(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${nounFor(count, singular, plural)}`;
}

/**
 * The noun alone, for a list that follows it: `environment variable TOKEN`,
 * `environment variables HOOK_ID, TOKEN`. Pure.
 */
export function nounFor(count: number, singular: string, plural = `${singular}s`): string {
  return count === 1 ? singular : plural;
}
