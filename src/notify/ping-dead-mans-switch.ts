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
}

/**
 * The dead man's switch: `GET ping_url` at the end of a tick (`ping_url/fail` when it had a
 * failure), so a cron-monitoring service raises the alarm when the pings stop, or fail.
 * Returns whether the service answered 2xx. Never throws; the URL (a secret, often) is
 * never logged.
 */
export async function pingDeadMansSwitch(ping: PingConfig, failed: boolean, deps: PingDeps): Promise<boolean> {
  const scope = new SecretScope(deps.env);
  const expanded = scope.expandUrl(ping.url);
  const what = `ping_url${failed ? ' (/fail)' : ''}`;
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
  if (failed) url.pathname = `${url.pathname.replace(/\/+$/, '')}/fail`;
  const outcome = await (deps.request ?? httpRequest)({
    url,
    method: 'GET',
    headers: { 'user-agent': 'watchdog' },
    timeoutMs: ping.timeout_seconds * 1000,
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
