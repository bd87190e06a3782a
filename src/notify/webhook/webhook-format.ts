/**
 * What a webhook's body is: `json` (the event's JSON, the default), `slack` (also what
 * Mattermost and Rocket.Chat take), `discord`, `teams` (a Workflows webhook) or `template`
 * (a body the user writes).
 */
export const WEBHOOK_FORMATS = ['json', 'slack', 'discord', 'teams', 'template'] as const;

export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];
