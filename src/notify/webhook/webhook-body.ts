import type { EventPayload } from '../watchdog-event.js';
import { formatDiscord } from './format-discord.js';
import { formatSlack } from './format-slack.js';
import { formatTeams } from './format-teams.js';
import type { WebhookFormat } from './webhook-format.js';
import { fillTemplate } from './webhook-template.js';

/**
 * The body a webhook POSTs for an event, as JSON text, by the channel's `format`.
 * `expandText` fills the `${NAME}` references of a template's own text. Pure apart from it.
 */
export function webhookBodyOf(
  channel: { format: WebhookFormat; template: unknown },
  payload: EventPayload & { notification_id: number },
  expandText: (text: string) => string,
): string {
  switch (channel.format) {
    case 'json':
      return JSON.stringify(payload);
    case 'slack':
      return formatSlack(payload);
    case 'discord':
      return formatDiscord(payload);
    case 'teams':
      return formatTeams(payload);
    case 'template':
      return fillTemplate(channel.template, payload, expandText);
  }
}
