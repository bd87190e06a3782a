import type { ProbeSpec } from './probe.js';

/**
 * A probe in a few words, for logs, summaries and the audit log: `icmp 10.0.0.1`,
 * `tcp 10.0.0.1:53`, `tcp [::1]:53`, `http http://x/health`.
 *
 * What may be a secret in an HTTP probe's URL is masked, since the words end up in logs and
 * the audit log: the user name and password (a token is often given as the user name) and
 * every query value (`?token=`). A URL that cannot be parsed is not repeated at all: where its
 * secrets are cannot be told.
 *
 * @example
 * describeProbe({ type: 'tcp', host: '::1', port: 53, timeout_seconds: 2 }); // 'tcp [::1]:53'
 */
export function describeProbe(spec: ProbeSpec): string {
  switch (spec.type) {
    case 'icmp':
      return `icmp ${spec.host}`;
    case 'tcp':
      // Brackets as in a URL, or `::1:53` could not be told apart from an address.
      return `tcp ${spec.host.includes(':') ? `[${spec.host}]` : spec.host}:${spec.port}`;
    case 'http':
      return `http ${maskPassword(spec.url)}`;
    default: {
      // Only reachable from unchecked input: the config schema allows no other type.
      const unknown: { type?: unknown } = spec;
      return `unknown probe type ${String(unknown.type)}`;
    }
  }
}

function maskPassword(url: string): string {
  if (!URL.canParse(url)) return '<unparseable URL>';
  const parsed = new URL(url);
  // Told as written when there is nothing to mask (`new URL` would add a `/`).
  if (parsed.username === '' && parsed.password === '' && parsed.search === '') return url;
  if (parsed.username !== '') parsed.username = '***';
  if (parsed.password !== '') parsed.password = '***';
  if (parsed.search !== '') {
    const query = parsed.search
      .slice(1)
      .split('&')
      .map((pair) => (pair.includes('=') ? `${pair.slice(0, pair.indexOf('='))}=***` : '***'))
      .join('&');
    parsed.search = query;
  }
  return parsed.href;
}
