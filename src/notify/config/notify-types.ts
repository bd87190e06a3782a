/**
 * The config's `notify` and `ping_url` settings, as written and resolved: telling people
 * what happened, and telling a cron-monitoring service that the ticks run.
 */
import type { EventKind } from '../event-kinds.js';
import type { WebhookFormat } from '../webhook/webhook-format.js';

/** Settings every channel has. */
interface RawChannelCommon {
  /** The events this channel is told of; default all. */
  events?: EventKind[];
  repeat_after_seconds?: number;
  remind_after_seconds?: number;
  timeout_seconds?: number;
  retries?: number;
  retry_backoff_seconds?: number;
}

export type RawChannel =
  | (RawChannelCommon & {
      type: 'webhook';
      url: string;
      headers?: Record<string, string>;
      format?: WebhookFormat;
      /** The body with `{{field}}` references, with `"format": "template"`. */
      template?: unknown;
      signature_secret?: string;
    })
  | (RawChannelCommon & {
      type: 'email';
      host: string;
      port?: number;
      tls?: EmailTls;
      reject_unauthorized?: boolean;
      ca_file?: string;
      user?: string;
      password?: string;
      from: string;
      to: string[];
      subject_prefix?: string;
    })
  | (RawChannelCommon & { type: 'command'; command: string });

export interface RawNotifyConfig {
  repeat_after_seconds?: number;
  remind_after_seconds?: number;
  delivery_budget_seconds?: number;
  max_queued?: number;
  max_age_hours?: number;
  channels: Record<string, RawChannel>;
}

/**
 * How an email channel secures SMTP: `starttls` (upgrade on port 587, required), `implicit`
 * (TLS from the first byte, port 465) or `none` (plain text; only for a relay on the device
 * or its LAN).
 */
export type EmailTls = 'starttls' | 'implicit' | 'none';

/** Settings every resolved channel has. */
export interface ChannelCommon {
  /** The channel's key in `notify.channels`: what the queue and the logs call it. */
  name: string;
  events: ReadonlySet<EventKind>;
  /** The same event for the same process (or interface) is not sent again within this. 0: always sent. */
  repeat_after_seconds: number;
  /** While a process stays down or given up, `process_still_down` is queued this often. 0: never. */
  remind_after_seconds: number;
  /** One attempt may take this long. */
  timeout_seconds: number;
  /** Further attempts within one tick after a failure that may pass. */
  retries: number;
  /** The wait before the first retry, doubled for each further one. */
  retry_backoff_seconds: number;
}

/**
 * A channel, resolved. Strings that may hold secrets (`url`, `headers`, `user`,
 * `password`) keep their `${NAME}` references: they are filled from the environment only
 * when a notification is sent, and never logged.
 */
export type ChannelConfig =
  | (ChannelCommon & {
      type: 'webhook';
      url: string;
      headers: Record<string, string>;
      /** What the body is (docs/notifications.md, "Webhook formats"). */
      format: WebhookFormat;
      /** The body, for `format: "template"`; `undefined` otherwise. */
      template: unknown;
      /** A `${NAME}` reference: the key of the `X-Watchdog-Signature` HMAC, when set. */
      signature_secret: string | undefined;
    })
  | (ChannelCommon & {
      type: 'email';
      host: string;
      port: number;
      tls: EmailTls;
      reject_unauthorized: boolean;
      /** Absolute; a CA bundle that signs the server's certificate (a private relay's own CA). */
      ca_file: string | undefined;
      user: string | undefined;
      password: string | undefined;
      from: string;
      to: string[];
      subject_prefix: string;
    })
  | (ChannelCommon & {
      type: 'command';
      /** Run by /bin/sh -c in the config file's folder, the event's JSON on its standard input. */
      command: string;
    });

/** The `notify` section, resolved. */
export interface NotifyConfig {
  channels: ChannelConfig[];
  /** Delivery stops for this tick once it has taken this long; what is left waits for the next. */
  delivery_budget_seconds: number;
  /** Undelivered notifications kept per channel; the oldest are dropped beyond it. */
  max_queued: number;
  /** An undelivered notification older than this is dropped. */
  max_age_hours: number;
}

/** The `ping` object as written: the dead man's switch, a URL for each moment of a tick. */
export interface RawPingConfig {
  start_url?: string;
  success_url?: string;
  failure_url?: string;
  timeout_seconds?: number;
}

/** One URL the dead man's switch requests. May hold `${NAME}` references. */
export interface PingUrl {
  url: string;
  /** Appended to the path once the references are filled in: `/fail`, for `ping_url`. */
  pathSuffix: string;
  /** The setting it comes from, as the log names it (never the URL: it holds a secret). */
  setting: string;
}

/**
 * The dead man's switch, resolved, from `ping` or from `ping_url` (success `ping_url`,
 * failure `ping_url/fail`, no start). Each URL is optional: a moment without one pings
 * nothing.
 */
export interface PingConfig {
  /** Requested, without waiting for it, once a tick holds the lock; awaited at its end. */
  start: PingUrl | undefined;
  /** Requested at the end of a tick without failure. */
  success: PingUrl | undefined;
  /** Requested at the end of a tick with a failure (or that threw). */
  failure: PingUrl | undefined;
  timeout_seconds: number;
}
