import type { PingConfig } from './config/notify-types.js';
import type { Logger } from '../logging/logger.js';
import { httpRequest, type HttpOutcome, type HttpRequest } from '../system/http-request.js';
import { SecretScope } from './expand-references.js';
import { nounFor } from '../display/format-count.js';

export interface PingDeps {
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** For testing: how the request is made. */
  request?: (options: HttpRequest) => Promise<HttpOutcome>;
  /** When it aborts (the watchdog is asked to stop), the request is dropped at once. */
  signal?: AbortSignal | undefined;
}

/** The moments of a tick the dead man's switch hears of. */
export type PingMoment = 'start' | 'success' | 'failure';

/**
 * The dead man's switch: `GET` of the URL for `moment` (`ping.start_url` once the tick holds
 * the lock, `success_url` or `failure_url` at its end; `ping_url` or `ping_url/fail`), so a
 * cron-monitoring service raises the alarm when the pings stop, or fail. Returns whether
 * the service answered 2xx; `undefined` when there is no URL for that moment. Never throws;
 * the URL (a secret, often) is never logged.
 */
export async function pingDeadMansSwitch(
  ping: PingConfig,
  moment: PingMoment,
  deps: PingDeps,
): Promise<boolean | undefined> {
  const target = ping[moment];
  if (target === undefined) return undefined;
  const scope = new SecretScope(deps.env);
  const expanded = scope.expandUrl(target.url);
  const what = target.setting;
  if (scope.missing.length > 0) {
    deps.logger.warn(
      `${what}: not sent: ${nounFor(scope.missing.length, 'environment variable')} ${scope.missing.join(', ')} not set`,
    );
    return false;
  }
  if (!URL.canParse(expanded)) {
    deps.logger.warn(`${what}: not sent: not a URL once its references are filled in`);
    return false;
  }
  const url = new URL(expanded);
  if (target.pathSuffix !== '') url.pathname = `${url.pathname.replace(/\/+$/, '')}${target.pathSuffix}`;
  const outcome = await (deps.request ?? httpRequest)({
    url,
    method: 'GET',
    headers: { 'user-agent': 'watchdog' },
    timeoutMs: ping.timeout_seconds * 1000,
    // Only the status matters: an answer that streams without end must not hold the tick's process.
    headersOnly: true,
    signal: deps.signal,
  });
  if (outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300) {
    deps.logger.debug(`${what}: HTTP ${outcome.status}`);
    return true;
  }
  deps.logger.warn(
    `${what}: the monitoring service did not take it: ${scope.redact(outcome.kind === 'response' ? `HTTP ${outcome.status}` : outcome.detail)}`,
  );
  return false;
}
