import type { ChannelConfig } from '../config/notify-types.js';
import { httpRequest, type HttpOutcome, type HttpRequest } from '../../system/http-request.js';
import type { SecretScope } from '../expand-references.js';
import type { EventPayload } from '../watchdog-event.js';
import { signatureHeadersOf } from '../webhook/sign-webhook.js';
import { webhookBodyOf } from '../webhook/webhook-body.js';
import { missingVariables, outcomeOfStatus, type SendOutcome } from './send-outcome.js';

type WebhookChannel = Extract<ChannelConfig, { type: 'webhook' }>;

export interface WebhookDeps {
  /** For testing: how the request is made. */
  request?: (options: HttpRequest) => Promise<HttpOutcome>;
  /** The wall clock, for the signature's timestamp (default `Date.now`). */
  nowMs?: () => number;
}

/**
 * `POST` of the event to the channel's URL in its `format`, with its headers (`${NAME}`
 * references filled in) and, with a `signature_secret`, the signature of exactly the bytes
 * sent.
 */
export async function sendWebhook(
  channel: WebhookChannel,
  payload: EventPayload & { notification_id: number },
  scope: SecretScope,
  timeoutMs: number,
  deps: WebhookDeps = {},
): Promise<SendOutcome> {
  const url = scope.expandUrl(channel.url);
  const headers = Object.fromEntries(
    Object.entries(channel.headers).map(([name, value]) => [name, scope.expand(value)]),
  );
  const secret = channel.signature_secret === undefined ? undefined : scope.expand(channel.signature_secret);
  const body = Buffer.from(
    webhookBodyOf(channel, payload, (text) => scope.expand(text)),
    'utf8',
  );
  if (scope.missing.length > 0) return missingVariables(scope.missing);
  if (!URL.canParse(url)) return { kind: 'refused', detail: 'the URL is not valid once its references are filled in' };
  const signature =
    secret === undefined ? {} : signatureHeadersOf(secret, Math.floor((deps.nowMs ?? Date.now)() / 1000), body);
  const outcome = await (deps.request ?? httpRequest)({
    url: new URL(url),
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'watchdog', ...headers, ...signature },
    body,
    timeoutMs,
  });
  return outcome.kind === 'response' ? outcomeOfStatus(outcome.status) : { kind: 'retry', detail: outcome.detail };
}
