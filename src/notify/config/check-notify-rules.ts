import { envValue, referencesIn } from '../expand-references.js';
import { isHttpUrl } from '../../system/is-http-url.js';
import { isPlainObject } from '../../json/json-shape.js';
import { checkTemplate, templateStrings } from '../webhook/webhook-template.js';

/**
 * Rules of `notify`, `ping_url` and `ping` the schema cannot express: URLs that are
 * http(s) once their `${NAME}` references are filled in, an SMTP password that comes from
 * the environment (never written in the config), webhook templates whose references name
 * the event's fields.
 * Referenced variables missing from `env` are warnings: cron's environment is not the
 * shell's, and it is cron's that counts. Tolerant of values of the wrong type.
 */
/** What HTTP allows as a header name (RFC 9110's token). */
const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The device itself: the only place a password may travel in clear text. */
function isLoopbackHost(host: unknown): boolean {
  return (
    typeof host === 'string' &&
    (host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host))
  );
}

export function checkNotifyRules(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const secretSetting = (at: string, value: unknown): void => {
    if (typeof value !== 'string') return;
    for (const name of referencesIn(value)) {
      const set = envValue(env, name);
      if (set === undefined || set === '')
        warnings.push(
          `${at}: refers to \${${name}}, which is not set in this environment (set it where the watchdog runs: the crontab or the unit's EnvironmentFile)`,
        );
    }
  };
  const urlSetting = (at: string, value: unknown): void => {
    if (typeof value !== 'string' || value === '') return;
    // `1` fits wherever a reference may stand: a host, a port, a path. A URL that starts with
    // a reference (the whole secret URL) can only be judged when it is sent.
    if (!value.startsWith('${') && !isHttpUrl(value.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*\}/g, '1')))
      errors.push(`${at}: not an http:// or https:// URL`);
    secretSetting(at, value);
  };

  if (isPlainObject(raw.notify) && isPlainObject(raw.notify.channels)) {
    for (const [name, channel] of Object.entries(raw.notify.channels)) {
      if (!isPlainObject(channel)) continue;
      const at = `notify.channels.${name}`;
      if (channel.type === 'webhook') {
        urlSetting(`${at}.url`, channel.url);
        if (isPlainObject(channel.headers)) {
          for (const [header, value] of Object.entries(channel.headers)) {
            // Node refuses these when it sends: found now, not as a notification that never goes out.
            if (!HTTP_TOKEN.test(header))
              errors.push(`${at}.headers.${header}: not a header name (letters, digits and !#$%&'*+.^_\`|~- only)`);
            if (typeof value === 'string' && /[\r\n]/.test(value))
              errors.push(`${at}.headers.${header}: a header value cannot hold a line break`);
            secretSetting(`${at}.headers.${header}`, value);
          }
        }
        checkWebhookBody(at, channel, errors);
        for (const text of templateStrings(channel.template)) secretSetting(`${at}.template`, text);
        secretSetting(`${at}.signature_secret`, channel.signature_secret);
        if (typeof channel.signature_secret === 'string' && referencesIn(channel.signature_secret).length === 0)
          errors.push(
            `${at}.signature_secret: write a reference to an environment variable, such as "\${HOOK_SECRET}": a secret is not kept in the config`,
          );
      }
      if (channel.type === 'email') {
        secretSetting(`${at}.user`, channel.user);
        secretSetting(`${at}.password`, channel.password);
        if (typeof channel.password === 'string' && referencesIn(channel.password).length === 0) {
          errors.push(
            `${at}.password: write a reference to an environment variable, such as "\${SMTP_PASSWORD}": a password is not kept in the config`,
          );
        }
        if (channel.password !== undefined && channel.user === undefined)
          errors.push(`${at}.user: is required with a password`);
        if (channel.password !== undefined && channel.tls === 'none' && !isLoopbackHost(channel.host)) {
          errors.push(
            `${at}.tls: "none" would send the password in clear text to ${String(channel.host)}; use "starttls" or "implicit" (plain text is for a relay on the device itself)`,
          );
        }
      }
    }
  }
  urlSetting('ping_url', raw.ping_url);
  const ping = raw.ping;
  if (isPlainObject(ping)) {
    const urls = ['start_url', 'success_url', 'failure_url'] as const;
    for (const name of urls) urlSetting(`ping.${name}`, ping[name]);
    if (urls.every((name) => ping[name] === undefined))
      errors.push('ping: give at least one of start_url, success_url and failure_url');
    if (raw.ping_url !== undefined)
      errors.push(
        'ping_url: write either ping_url or ping, not both (ping_url is success_url, with failure_url its /fail)',
      );
  }
  return { errors, warnings };
}

/** A template where the format wants one, and only there; its references checked. */
function checkWebhookBody(at: string, channel: Record<string, unknown>, errors: string[]): void {
  const format = channel.format ?? 'json';
  if (format === 'template') {
    if (channel.template === undefined) errors.push(`${at}.template: is required with "format": "template"`);
    else errors.push(...checkTemplate(channel.template, `${at}.template`));
  } else if (channel.template !== undefined) {
    errors.push(`${at}.template: is only used with "format": "template" (the format is ${JSON.stringify(format)})`);
  }
}
