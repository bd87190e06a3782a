import type { ProbeSpec } from './probe.js';

/**
 * The config side of a probe, shared by every section that has probes (the network ladder's
 * `alive` and `veto_if_reachable`, a process's `health`): how one is written, its JSON Schema
 * and its defaults. Each section chooses its timeout range and defaults.
 */

/** A probe as written: `timeout_seconds` and `expect_status` may be left out. */
export type RawProbe =
  | { type: 'icmp'; host: string; timeout_seconds?: number }
  | { type: 'tcp'; host: string; port: number; timeout_seconds?: number }
  | { type: 'http'; url: string; expect_status?: number; timeout_seconds?: number };

/** What a section fills in when a probe leaves it out. */
export interface ProbeDefaults {
  timeout_seconds: number;
  expect_status: number;
}

const nonEmptyString = { type: 'string', minLength: 1 } as const;

/**
 * The JSON Schema of each probe type, as a `oneOf` branch (a type key of its own, no other
 * key), with `timeoutSeconds` as the schema of its `timeout_seconds`.
 */
export function probeVariantSchemas<Timeout extends object>(timeoutSeconds: Timeout) {
  return {
    icmp: {
      properties: {
        type: { const: 'icmp' },
        host: nonEmptyString,
        timeout_seconds: timeoutSeconds,
      },
      required: ['host'],
      additionalProperties: false,
    },
    tcp: {
      properties: {
        type: { const: 'tcp' },
        host: nonEmptyString,
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        timeout_seconds: timeoutSeconds,
      },
      required: ['host', 'port'],
      additionalProperties: false,
    },
    http: {
      properties: {
        type: { const: 'http' },
        url: nonEmptyString,
        expect_status: { type: 'integer', minimum: 100, maximum: 599 },
        timeout_seconds: timeoutSeconds,
      },
      required: ['url'],
      additionalProperties: false,
    },
  } as const;
}

/** The probe with the section's defaults filled in. */
export function normalizeProbe<Raw extends RawProbe>(
  raw: Raw,
  defaults: ProbeDefaults,
): Extract<ProbeSpec, { type: Raw['type'] }> {
  const timeout_seconds = raw.timeout_seconds ?? defaults.timeout_seconds;
  const spec: ProbeSpec = ((): ProbeSpec => {
    switch (raw.type) {
      case 'icmp':
        return { type: 'icmp', host: raw.host, timeout_seconds };
      case 'tcp':
        return { type: 'tcp', host: raw.host, port: raw.port, timeout_seconds };
      case 'http':
        return {
          type: 'http',
          url: raw.url,
          expect_status: raw.expect_status ?? defaults.expect_status,
          timeout_seconds,
        };
    }
  })();
  return spec as Extract<ProbeSpec, { type: Raw['type'] }>;
}
