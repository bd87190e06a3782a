import { nounFor } from '../../display/format-count.js';
/**
 * How one attempt to deliver a notification went: `delivered`; `retry` (the receiver may
 * take it later: no route, a timeout, a busy server); or `refused` (the receiver said no
 * for good, such as HTTP 400 or SMTP 550: retrying would block the queue behind it).
 */
export type SendOutcome =
  { kind: 'delivered'; detail: string } | { kind: 'retry'; detail: string } | { kind: 'refused'; detail: string };

/**
 * What an HTTP status means for a notification: 2xx delivered; 408, 425, 429 and 5xx may
 * pass later; any other (a redirect, 4xx) is refused. Pure.
 */
export function outcomeOfStatus(status: number): SendOutcome {
  const detail = `HTTP ${status}`;
  if (status >= 200 && status < 300) return { kind: 'delivered', detail };
  if (status === 408 || status === 425 || status === 429 || status >= 500) return { kind: 'retry', detail };
  if (status >= 300 && status < 400)
    return { kind: 'refused', detail: `${detail} (a redirect; give the final URL, redirects are not followed)` };
  return { kind: 'refused', detail };
}

/** Variables a channel refers to that are not set: nothing is sent, and the notification waits until they are. */
export function missingVariables(missing: readonly string[]): SendOutcome {
  const names = [...new Set(missing)];
  return {
    kind: 'retry',
    detail: `${nounFor(names.length, 'environment variable')} ${names.join(', ')} not set (referenced in the config)`,
  };
}
