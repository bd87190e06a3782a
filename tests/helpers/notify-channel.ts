import type { ChannelConfig } from '../../src/notify/config/notify-types.js';
import { EVENT_KINDS } from '../../src/notify/event-kinds.js';

/** What every resolved channel has, whatever its type. */
export type ChannelSettings = Pick<
  ChannelConfig,
  'events' | 'repeat_after_seconds' | 'remind_after_seconds' | 'timeout_seconds' | 'retries' | 'retry_backoff_seconds'
>;

/**
 * The settings a resolved notify channel of any type has when its config sets none: every
 * event kind, repeat after an hour, no reminders, a 10 s timeout, 2 retries 2 s apart. Spread it into a
 * channel of the type under test (a fresh `events` set each call).
 *
 * @example const channel: ChannelConfig = { ...channelDefaults(), name: 'sms', type: 'command', command: './send-sms' };
 */
export function channelDefaults(): ChannelSettings {
  return {
    events: new Set(EVENT_KINDS),
    repeat_after_seconds: 3600,
    remind_after_seconds: 0,
    timeout_seconds: 10,
    retries: 2,
    retry_backoff_seconds: 2,
  };
}

/** What a resolved webhook channel has when its config sets no `format` nor `signature_secret`. */
export const WEBHOOK_DEFAULTS = { format: 'json', template: undefined, signature_secret: undefined } as const;
