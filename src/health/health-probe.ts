import type { CommandProbeSpec } from '../probes/run-command-probe.js';
import type { ProbeSpec } from '../probes/probe.js';
import { normalizeProbe, probeVariantSchemas, type RawProbe } from '../probes/probe-config.js';

/**
 * A process's `health`: a probe asked at every tick whether the app answers (docs/health-probes.md).
 * HTTP and TCP are the network ladder's probes; a command exits 0 when the app is healthy.
 */
export type HealthProbe = Extract<ProbeSpec, { type: 'http' } | { type: 'tcp' }> | CommandProbeSpec;

/** The `health` key as written: `timeout_seconds` and `expect_status` may be left out. */
export type RawHealthProbe =
  | Extract<RawProbe, { type: 'http' } | { type: 'tcp' }>
  | { type: 'command'; command: string; timeout_seconds?: number };

/** The defaults of the keys that may be left out, documented in docs/health-probes.md. */
export const HEALTH_DEFAULTS = {
  /** monit's default connection timeout: long enough for a loaded device, short enough for a tick a minute. */
  timeout_seconds: 5,
  expect_status: 200,
} as const;

/**
 * At most a minute: every probe of a tick runs at once, so the slowest bounds the tick, which
 * cron starts again a minute later (a command probe may take one second more, to be killed).
 */
export const HEALTH_TIMEOUT_RANGE = { exclusiveMinimum: 0, maximum: 60 } as const;

const nonEmptyString = { type: 'string', minLength: 1 } as const;
const PROBE_VARIANTS = probeVariantSchemas({ type: 'number', ...HEALTH_TIMEOUT_RANGE } as const);

/** The JSON Schema of the `health` key of a process: the network ladder's HTTP and TCP probes, and a command. */
export const healthProbeSchema = {
  type: 'object',
  discriminator: { propertyName: 'type' },
  required: ['type'],
  properties: { type: { enum: ['http', 'tcp', 'command'] } },
  oneOf: [
    {
      ...PROBE_VARIANTS.http,
      properties: {
        ...PROBE_VARIANTS.http.properties,
        // Only these two: anything else (file:, ftp:) is not a service's health page.
        url: { type: 'string', pattern: '^[Hh][Tt][Tt][Pp][Ss]?://' },
      },
    },
    PROBE_VARIANTS.tcp,
    {
      properties: {
        type: { const: 'command' },
        command: nonEmptyString,
        timeout_seconds: PROBE_VARIANTS.tcp.properties.timeout_seconds,
      },
      required: ['command'],
      additionalProperties: false,
    },
  ],
} as const;

/** The probe with its defaults applied. */
export function normalizeHealthProbe(raw: RawHealthProbe): HealthProbe {
  if (raw.type !== 'command') return normalizeProbe(raw, HEALTH_DEFAULTS);
  return {
    type: 'command',
    command: raw.command,
    timeout_seconds: raw.timeout_seconds ?? HEALTH_DEFAULTS.timeout_seconds,
  };
}
