/**
 * The JSON Schema of the config's `network` section. Unlike the top level (which must load
 * the Python Watchdog's files, extra keys and all), this section is new: an unknown key is
 * an error, since a misspelt guard (`maintenance_flg`) silently ignored could reboot a
 * device that should have stayed up.
 */

import { probeVariantSchemas } from '../../probes/probe-config.js';
import { MAC_PATTERN, wakeOnLanProperties } from '../../wake/wake-on-lan-schema.js';

const nonEmptyString = { type: 'string', minLength: 1 } as const;
/** Seconds something may take: positive, at most a day. */
const waitSeconds = { type: 'number', exclusiveMinimum: 0, maximum: 86400 } as const;
/**
 * Seconds a probe waits for an answer: at most ten minutes. The alive probes run at every
 * tick, outside the ladder's budget, and iputils' ping before 2019 refused a `-W` above 2147.
 */
const probeSeconds = { type: 'number', exclusiveMinimum: 0, maximum: 600 } as const;
const PROBE_VARIANTS = probeVariantSchemas(probeSeconds);
/** Seconds to wait before looking again: zero allowed, at most a day. */
const delaySeconds = { type: 'number', minimum: 0, maximum: 86400 } as const;
/** Checks, ladder runs or reboots counted one a tick: at most a day of ticks a minute apart. */
const tickCount = { type: 'integer', minimum: 1, maximum: 1440 } as const;

const probeSchema = {
  type: 'object',
  discriminator: { propertyName: 'type' },
  required: ['type'],
  properties: { type: { enum: ['icmp', 'tcp', 'http'] } },
  oneOf: [PROBE_VARIANTS.icmp, PROBE_VARIANTS.tcp, PROBE_VARIANTS.http],
} as const;

const probeSetSchema = {
  type: 'object',
  required: ['probes'],
  properties: {
    mode: { enum: ['any', 'all'] },
    probes: { type: 'array', minItems: 1, items: probeSchema },
  },
  additionalProperties: false,
} as const;

const rungSchema = {
  type: 'object',
  discriminator: { propertyName: 'type' },
  required: ['type'],
  properties: { type: { enum: ['bounce', 'command', 'wol'] } },
  oneOf: [
    {
      properties: {
        type: { const: 'bounce' },
        name: nonEmptyString,
        down_seconds: delaySeconds,
        settle_seconds: delaySeconds,
      },
      additionalProperties: false,
    },
    {
      properties: {
        type: { const: 'command' },
        name: nonEmptyString,
        command: nonEmptyString,
        timeout_seconds: waitSeconds,
        settle_seconds: delaySeconds,
      },
      required: ['name', 'command'],
      additionalProperties: false,
    },
    {
      properties: {
        type: { const: 'wol' },
        name: nonEmptyString,
        ...wakeOnLanProperties,
        settle_seconds: delaySeconds,
      },
      required: ['name', 'mac'],
      additionalProperties: false,
    },
  ],
} as const;

const rebootSchema = {
  type: 'object',
  required: ['command'],
  properties: {
    command: nonEmptyString,
    timeout_seconds: waitSeconds,
    cooldown_seconds: { type: 'number', minimum: 0, maximum: 30 * 86400 },
    // The reboot guards read back the last 1440 reboots.
    max_per_day: tickCount,
    maintenance_flag: nonEmptyString,
    usb_guard: {
      type: 'object',
      properties: {
        enabled: { type: 'boolean' },
        gadget_dir: nonEmptyString,
        only_when_bound: { type: 'boolean' },
      },
      additionalProperties: false,
    },
    veto_if_reachable: probeSetSchema,
  },
  additionalProperties: false,
} as const;

export const networkSchema = {
  type: 'object',
  required: ['interface'],
  properties: {
    interface: nonEmptyString,
    interface_mac: { type: 'string', pattern: MAC_PATTERN },
    require_ipv4: { type: 'boolean' },
    allow_link_local: { type: 'boolean' },
    require_ipv6: { type: 'boolean' },
    alive: probeSetSchema,
    consecutive_failures_threshold: tickCount,
    interval_minutes: { type: 'number', minimum: 0, maximum: 1440 },
    ladder_timeout_seconds: waitSeconds,
    ladder: { type: 'array', items: rungSchema },
    max_failures: tickCount,
    reboot: rebootSchema,
    sysfs_root: nonEmptyString,
    configfs_root: nonEmptyString,
  },
  additionalProperties: false,
} as const;
