import type { ChannelConfig } from './config/notify-types.js';
import { describeError } from '../errors.js';
import { SecretScope } from './expand-references.js';
import { sendCommand, type CommandChannelDeps } from './channels/send-command.js';
import { sendEmail } from './channels/send-email.js';
import type { SendOutcome } from './channels/send-outcome.js';
import { sendWebhook } from './channels/send-webhook.js';
import type { EventPayload } from './watchdog-event.js';

/**
 * One attempt to deliver a queued notification on its channel. The payload gains the
 * notification's id, so a receiver can tell a retry from a new event. What comes back
 * never holds a secret the attempt used.
 */
export async function sendToChannel(
  channel: ChannelConfig,
  payload: EventPayload & { notification_id: number },
  timeoutMs: number,
  deps: CommandChannelDeps,
): Promise<SendOutcome> {
  const scope = new SecretScope(deps.env);
  const body = JSON.stringify(payload);
  try {
    const outcome = await attempt(channel, payload, body, scope, timeoutMs, deps);
    return { kind: outcome.kind, detail: scope.redact(outcome.detail) };
  } catch (error) {
    return { kind: 'retry', detail: scope.redact(`the watchdog could not send it: ${describeError(error)}`) };
  }
}

function attempt(
  channel: ChannelConfig,
  payload: EventPayload & { notification_id: number },
  body: string,
  scope: SecretScope,
  timeoutMs: number,
  deps: CommandChannelDeps,
): Promise<SendOutcome> {
  switch (channel.type) {
    case 'webhook':
      return sendWebhook(channel, payload, scope, timeoutMs);
    case 'email':
      return sendEmail(channel, payload, scope, timeoutMs);
    case 'command':
      return sendCommand(channel, payload, body, timeoutMs, deps);
  }
}
