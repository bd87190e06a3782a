/** The longest status a beat writes: `healthy_statuses` holds statuses of at most 64 characters. */
export const MAX_STATUS_LENGTH = 64;

/**
 * Why `status` cannot be a beat's status, or `undefined` when it can: 1 to 64 characters,
 * no control characters (it is printed by `status` and kept in the audit log). Pure.
 *
 * @example
 * checkBeatStatus('running'); // => undefined
 * checkBeatStatus('');        // => 'the status is empty'
 */
export function checkBeatStatus(status: string): string | undefined {
  if (status === '') return 'the status is empty';
  if ([...status].length > MAX_STATUS_LENGTH)
    return `the status is longer than ${MAX_STATUS_LENGTH} characters (no healthy_statuses entry can match it)`;
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\u0000-\u001f\u007f-\u009f]/.test(status)) return 'the status holds a control character';
  return undefined;
}
