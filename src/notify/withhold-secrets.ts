import type { NotifyConfig, PingConfig } from './config/notify-types.js';
import { referencesIn } from './expand-references.js';
import { templateStrings } from './webhook/webhook-template.js';

/**
 * The environment variables the config names as secrets: those referenced by the
 * webhooks' URLs, headers, signature secrets and templates, the SMTP logins and the ping
 * URLs. Notifications read them; no app, cleanup script, rung or reboot command the
 * watchdog starts may (they would hand root's SMTP password to an app running as `pi`,
 * which may dump its environment in a crash report).
 */
export function secretNamesOf(config: { notify: NotifyConfig | undefined; ping: PingConfig | undefined }): Set<string> {
  const texts: string[] = [];
  for (const channel of config.notify?.channels ?? []) {
    if (channel.type === 'webhook')
      texts.push(
        channel.url,
        ...Object.values(channel.headers),
        channel.signature_secret ?? '',
        ...templateStrings(channel.template),
      );
    if (channel.type === 'email') texts.push(channel.user ?? '', channel.password ?? '');
  }
  const { ping } = config;
  if (ping !== undefined) for (const target of [ping.start, ping.success, ping.failure]) texts.push(target?.url ?? '');
  return new Set(texts.flatMap(referencesIn));
}

/** `env` without the variables named. */
export function withoutVariables(env: NodeJS.ProcessEnv, names: ReadonlySet<string>): NodeJS.ProcessEnv {
  if (names.size === 0) return env;
  return Object.fromEntries(Object.entries(env).filter(([name]) => !names.has(name)));
}
