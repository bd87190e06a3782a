/**
 * The iteration of the next beat: one more than the heartbeat file's, when that file is a
 * heartbeat of the same process key with a whole iteration from 0 up; 1 otherwise (no file,
 * another key's, unreadable, a count that cannot go on). Pure.
 *
 * @param previous the heartbeat file's text now, `undefined` when there is none to read.
 *
 * @example
 * nextIteration('{"process_key": "job", "iteration": 41}', 'job'); // => 42
 * nextIteration('{"process_key": "other", "iteration": 41}', 'job'); // => 1
 */
export function nextIteration(previous: string | undefined, key: string): number {
  if (previous === undefined) return 1;
  let data: unknown;
  try {
    data = JSON.parse(previous);
  } catch {
    return 1;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 1;
  const { process_key: processKey, iteration } = data as Record<string, unknown>;
  if (processKey !== key || typeof iteration !== 'number') return 1;
  if (!Number.isSafeInteger(iteration + 1) || iteration < 0) return 1;
  return iteration + 1;
}
