import { resolve } from 'node:path';
import { EVENT_KINDS } from '../event-kinds.js';
import { NOTIFY_DEFAULTS, SMTP_PORTS } from './notify-defaults.js';
import type {
  ChannelCommon,
  ChannelConfig,
  NotifyConfig,
  PingConfig,
  PingUrl,
  RawChannel,
  RawPingConfig,
  RawNotifyConfig,
} from './notify-types.js';

/** The `notify` section with defaults applied and paths made absolute. Expects input that passed the schema. */
export function normalizeNotify(raw: RawNotifyConfig, configDir: string): NotifyConfig {
  const repeatAfter = raw.repeat_after_seconds ?? NOTIFY_DEFAULTS.repeat_after_seconds;
  const remindAfter = raw.remind_after_seconds ?? NOTIFY_DEFAULTS.remind_after_seconds;
  return {
    channels: Object.entries(raw.channels).map(([name, channel]) =>
      normalizeChannel(name, channel, { repeatAfter, remindAfter }, configDir),
    ),
    delivery_budget_seconds: raw.delivery_budget_seconds ?? NOTIFY_DEFAULTS.delivery_budget_seconds,
    max_queued: raw.max_queued ?? NOTIFY_DEFAULTS.max_queued,
    max_age_hours: raw.max_age_hours ?? NOTIFY_DEFAULTS.max_age_hours,
  };
}

function normalizeChannel(
  name: string,
  raw: RawChannel,
  defaults: { repeatAfter: number; remindAfter: number },
  configDir: string,
): ChannelConfig {
  const common: ChannelCommon = {
    name,
    events: new Set(raw.events ?? EVENT_KINDS),
    repeat_after_seconds: raw.repeat_after_seconds ?? defaults.repeatAfter,
    remind_after_seconds: raw.remind_after_seconds ?? defaults.remindAfter,
    timeout_seconds: raw.timeout_seconds ?? NOTIFY_DEFAULTS.timeout_seconds,
    retries: raw.retries ?? NOTIFY_DEFAULTS.retries,
    retry_backoff_seconds: raw.retry_backoff_seconds ?? NOTIFY_DEFAULTS.retry_backoff_seconds,
  };
  switch (raw.type) {
    case 'webhook':
      return {
        ...common,
        type: 'webhook',
        url: raw.url,
        headers: { ...raw.headers },
        format: raw.format ?? 'json',
        template: raw.template,
        signature_secret: raw.signature_secret,
      };
    case 'command':
      return { ...common, type: 'command', command: raw.command };
    case 'email': {
      const tls = raw.tls ?? NOTIFY_DEFAULTS.email_tls;
      return {
        ...common,
        type: 'email',
        host: raw.host,
        port: raw.port ?? SMTP_PORTS[tls],
        tls,
        reject_unauthorized: raw.reject_unauthorized ?? true,
        ca_file: raw.ca_file === undefined ? undefined : resolve(configDir, raw.ca_file),
        user: raw.user,
        password: raw.password,
        from: raw.from,
        to: [...raw.to],
        subject_prefix: raw.subject_prefix ?? NOTIFY_DEFAULTS.subject_prefix,
      };
    }
  }
}

/**
 * The dead man's switch from `ping` or, as before it, from `ping_url` (success `ping_url`,
 * failure `ping_url/fail`, no start); `undefined` without either. The rules refuse both at once.
 */
export function normalizePing(raw: {
  ping?: RawPingConfig;
  ping_url?: string;
  ping_timeout_seconds?: number;
}): PingConfig | undefined {
  if (raw.ping !== undefined) {
    const url = (setting: keyof RawPingConfig & `${string}_url`): PingUrl | undefined => {
      const value = raw.ping?.[setting];
      return value === undefined ? undefined : { url: value, pathSuffix: '', setting: `ping.${setting}` };
    };
    return {
      start: url('start_url'),
      success: url('success_url'),
      failure: url('failure_url'),
      timeout_seconds: raw.ping.timeout_seconds ?? raw.ping_timeout_seconds ?? NOTIFY_DEFAULTS.ping_timeout_seconds,
    };
  }
  if (raw.ping_url === undefined) return undefined;
  return {
    start: undefined,
    success: { url: raw.ping_url, pathSuffix: '', setting: 'ping_url' },
    failure: { url: raw.ping_url, pathSuffix: '/fail', setting: 'ping_url (/fail)' },
    timeout_seconds: raw.ping_timeout_seconds ?? NOTIFY_DEFAULTS.ping_timeout_seconds,
  };
}
