import type { ProbeSpec } from './probe.js';

/**
 * A probe in a few words, for logs, summaries and the audit log: `icmp 10.0.0.1`,
 * `tcp 10.0.0.1:53`, `tcp [::1]:53`, `http http://x/health`.
 *
 * A password in an HTTP probe's URL is masked, since the words end up in logs.
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
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.password === '') return url;
  parsed.password = '***';
  return parsed.href;
}
