import type { ChannelConfig } from '../config/notify-types.js';
import { httpRequest, type HttpOutcome, type HttpRequest } from '../../system/http-request.js';
import type { SecretScope } from '../expand-references.js';
import { missingVariables, outcomeOfStatus, type SendOutcome } from './send-outcome.js';

type WebhookChannel = Extract<ChannelConfig, { type: 'webhook' }>;

/** `POST` of the event's JSON to the channel's URL, with its headers (`${NAME}` references filled in). */
export async function sendWebhook(
  channel: WebhookChannel,
  body: string,
  scope: SecretScope,
  timeoutMs: number,
  request: (options: HttpRequest) => Promise<HttpOutcome> = httpRequest,
): Promise<SendOutcome> {
  const url = scope.expandUrl(channel.url);
  const headers = Object.fromEntries(
    Object.entries(channel.headers).map(([name, value]) => [name, scope.expand(value)]),
  );
  if (scope.missing.length > 0) return missingVariables(scope.missing);
  if (!URL.canParse(url)) return { kind: 'refused', detail: 'the URL is not valid once its references are filled in' };
  const outcome = await request({
    url: new URL(url),
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'watchdog', ...headers },
    body,
    timeoutMs,
  });
  return outcome.kind === 'response' ? outcomeOfStatus(outcome.status) : { kind: 'retry', detail: outcome.detail };
}
