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
 * From 1 s to 30 s. At least a second: a shorter timeout fails a healthy app on a loaded
 * device (a fork through setpriv into a cgroup, a TLS handshake on a Pi), and a probe that
 * fails every tick restarts a healthy app until the watchdog gives up on it. At most 30 s:
 * the probes of a tick run at once, so the slowest bounds the tick, and a command probe that
 * times out takes up to 8 s more (1 s from SIGTERM to SIGKILL, up to 5 s for its tree to go,
 * up to 2 s for the shell to be reaped), which still ends well inside cron's minute.
 */
export const HEALTH_TIMEOUT_RANGE = { minimum: 1, maximum: 30 } as const;

/**
 * The statuses an HTTP probe may expect: 200 to 599. Node's client never gives a 1xx as the
 * response (it is an interim answer, then the real one comes), so a probe expecting 101 could
 * never pass. The network ladder's probes keep their 100 to 599: configs that load must keep
 * loading.
 */
export const HEALTH_STATUS_RANGE = { minimum: 200, maximum: 599 } as const;

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
        expect_status: { type: 'integer', ...HEALTH_STATUS_RANGE },
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
