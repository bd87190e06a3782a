import { EVENT_KINDS } from '../event-kinds.js';
import { WEBHOOK_FORMATS } from '../webhook/webhook-format.js';

/**
 * The JSON Schema of the `notify` section. Like `network`, the section is new: an unknown
 * key is an error, since a misspelt setting silently ignored would mean alerts that never
 * come.
 */

const nonEmptyString = { type: 'string', minLength: 1 } as const;
const waitSeconds = { type: 'number', exclusiveMinimum: 0, maximum: 3600 } as const;
/** Zero sends every event; at most 30 days of silence about the same one. */
const repeatSeconds = { type: 'number', minimum: 0, maximum: 30 * 86400 } as const;

/** Zero reminds never; at most once every 30 days. */
const remindSeconds = { type: 'number', minimum: 0, maximum: 30 * 86400 } as const;

const commonChannelProperties = {
  events: { type: 'array', items: { enum: [...EVENT_KINDS] }, uniqueItems: true },
  repeat_after_seconds: repeatSeconds,
  remind_after_seconds: remindSeconds,
  timeout_seconds: waitSeconds,
  retries: { type: 'integer', minimum: 0, maximum: 10 },
  retry_backoff_seconds: { type: 'number', minimum: 0, maximum: 600 },
} as const;

const channelSchema = {
  type: 'object',
  discriminator: { propertyName: 'type' },
  required: ['type'],
  properties: { type: { enum: ['webhook', 'email', 'command'] } },
  oneOf: [
    {
      properties: {
        type: { const: 'webhook' },
        url: nonEmptyString,
        headers: { type: 'object', additionalProperties: { type: 'string' } },
        format: { enum: [...WEBHOOK_FORMATS] },
        // Any JSON value; its references are checked by the rules (checkTemplate).
        template: {},
        signature_secret: nonEmptyString,
        ...commonChannelProperties,
      },
      required: ['url'],
      additionalProperties: false,
    },
    {
      properties: {
        type: { const: 'email' },
        host: nonEmptyString,
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        tls: { enum: ['starttls', 'implicit', 'none'] },
        reject_unauthorized: { type: 'boolean' },
        ca_file: nonEmptyString,
        user: nonEmptyString,
        password: nonEmptyString,
        from: nonEmptyString,
        to: { type: 'array', minItems: 1, items: nonEmptyString },
        subject_prefix: { type: 'string' },
        ...commonChannelProperties,
      },
      required: ['host', 'from', 'to'],
      additionalProperties: false,
    },
    {
      properties: {
        type: { const: 'command' },
        command: nonEmptyString,
        ...commonChannelProperties,
      },
      required: ['command'],
      additionalProperties: false,
    },
  ],
} as const;

export const notifySchema = {
  type: 'object',
  required: ['channels'],
  properties: {
    repeat_after_seconds: repeatSeconds,
    remind_after_seconds: remindSeconds,
    // Below the minute between ticks: delivery holds the tick's lock.
    delivery_budget_seconds: { type: 'number', exclusiveMinimum: 0, maximum: 50 },
    max_queued: { type: 'integer', minimum: 1, maximum: 10000 },
    max_age_hours: { type: 'number', exclusiveMinimum: 0, maximum: 30 * 24 },
    channels: { type: 'object', additionalProperties: channelSchema },
  },
  additionalProperties: false,
} as const;

/** The top-level `ping` object: the dead man's switch's URLs (at least one, by the rules) and its timeout. */
export const pingSchema = {
  type: 'object',
  properties: {
    start_url: nonEmptyString,
    success_url: nonEmptyString,
    failure_url: nonEmptyString,
    // The ping holds the end of every tick.
    timeout_seconds: { type: 'number', exclusiveMinimum: 0, maximum: 60 },
  },
  additionalProperties: false,
} as const;
