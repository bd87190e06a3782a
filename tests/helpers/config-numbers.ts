import { configSchema } from '../../src/config/schema.js';

/** One number the config accepts, as the schema bounds it. */
export interface NumericSetting {
  /** As docs/config-ranges.md names it: `kill_timeout`, `processes.<key>.timeout_seconds`, `network.ladder[].settle_seconds`. */
  name: string;
  integer: boolean;
  minimum: number | undefined;
  exclusiveMinimum: number | undefined;
  maximum: number | undefined;
  exclusiveMaximum: number | undefined;
}

/** A numeric setting at one place in a config: the keys and indexes that lead to it. */
export interface LocatedSetting extends NumericSetting {
  at: (string | number)[];
}

interface SchemaNode {
  type?: string | readonly string[];
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  exclusiveMaximum?: number;
  properties?: Readonly<Record<string, SchemaNode>>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  oneOf?: readonly SchemaNode[];
  const?: unknown;
}

/** What an object's free keys stand for in a setting's name. */
const PLACEHOLDERS: Readonly<Record<string, string>> = {
  processes: '<key>',
  filesystems: '<key>',
  wake_on_lan: '<action>',
  channels: '<name>',
};

const ROOT = configSchema as unknown as SchemaNode;

/**
 * Every number the schema accepts, by name, each once (a setting that several variants of
 * a tagged union share, such as a rung's `settle_seconds`, must be bounded alike in all).
 */
export function numericSettings(): NumericSetting[] {
  const found = new Map<string, NumericSetting>();
  walk(ROOT, undefined, '', [], (setting) => {
    const known = found.get(setting.name);
    if (known !== undefined && JSON.stringify(known) !== JSON.stringify(strip(setting))) {
      throw new Error(`${setting.name} is bounded differently in two variants`);
    }
    found.set(setting.name, strip(setting));
  });
  return [...found.values()];
}

/** Every numeric setting `config` has a place for: where its parent object exists in `config`. */
export function locateNumericSettings(config: unknown): LocatedSetting[] {
  const found: LocatedSetting[] = [];
  walk(ROOT, config, '', [], (setting) => found.push(setting), true);
  return found;
}

function strip({
  name,
  integer,
  minimum,
  exclusiveMinimum,
  maximum,
  exclusiveMaximum,
}: NumericSetting): NumericSetting {
  return { name, integer, minimum, exclusiveMinimum, maximum, exclusiveMaximum };
}

function walk(
  schema: SchemaNode,
  data: unknown,
  name: string,
  at: (string | number)[],
  found: (setting: LocatedSetting) => void,
  located = false,
): void {
  const types = schema.type === undefined ? [] : [schema.type].flat();
  if (types.includes('number') || types.includes('integer')) {
    found({
      name,
      at,
      integer: types.includes('integer'),
      minimum: schema.minimum,
      exclusiveMinimum: schema.exclusiveMinimum,
      maximum: schema.maximum,
      exclusiveMaximum: schema.exclusiveMaximum,
    });
  }
  const record = isRecord(data) ? data : undefined;
  if (located && record === undefined && !Array.isArray(data) && at.length > 0) return;
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    walk(sub, record?.[key], join(name, key), [...at, key], found, located);
  }
  if (typeof schema.additionalProperties === 'object') {
    const placeholder = PLACEHOLDERS[String(at.at(-1))] ?? '<name>';
    const keys = located ? Object.keys(record ?? {}) : [undefined];
    for (const key of keys) {
      walk(
        schema.additionalProperties,
        key === undefined ? undefined : record?.[key],
        join(name, placeholder),
        key === undefined ? at : [...at, key],
        found,
        located,
      );
    }
  }
  if (schema.items !== undefined) {
    const items = located ? (Array.isArray(data) ? data : []) : [undefined];
    items.forEach((item: unknown, index) =>
      walk(schema.items as SchemaNode, item, `${name}[]`, located ? [...at, index] : at, found, located),
    );
  }
  for (const variant of schema.oneOf ?? []) {
    if (located && variant.properties?.type?.const !== record?.type) continue;
    walk({ ...variant, oneOf: undefined, type: undefined }, data, name, at, found, located);
  }
}

function join(name: string, key: string): string {
  return name === '' ? key : `${name}.${key}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `config` with `value` at `at` (the objects on the way copied, not changed). */
export function withValueAt(config: unknown, at: readonly (string | number)[], value: unknown): unknown {
  const [head, ...rest] = at;
  if (head === undefined) return value;
  if (Array.isArray(config))
    return config.map((item: unknown, index) => (index === head ? withValueAt(item, rest, value) : item));
  const record = isRecord(config) ? config : {};
  return { ...record, [head]: withValueAt(record[head], rest, value) };
}

/** The path as a `path: message` line writes it: `network.ladder[1].settle_seconds`. */
export function formatAt(at: readonly (string | number)[]): string {
  return at.reduce<string>(
    (path, segment) =>
      typeof segment === 'number' ? `${path}[${segment}]` : path === '' ? segment : `${path}.${segment}`,
    '',
  );
}

/**
 * A valid config with every section and every kind of entry (each probe, rung and channel
 * type, a Wake-on-LAN action), so each numeric setting has a place in it. Paths are
 * relative to the config's folder; every address is loopback or a fake's.
 */
export function everySectionConfig(): Record<string, unknown> {
  const probes = [
    { type: 'icmp', host: '127.0.0.1' },
    { type: 'tcp', host: '127.0.0.1', port: 1 },
    { type: 'http', url: 'http://127.0.0.1:1/health' },
  ];
  const process = (name: string) => ({
    display_name: `The ${name} app`,
    timeout_seconds: 30,
    heartbeat_path: `hb/${name}.json`,
    enabled: true,
    commands: { start: `start-${name}`, clear_db: `clear-${name}` },
    recovery_actions: ['kill', 'clear_db', 'nas', 'start'],
    wake_on_lan: { nas: { mac: '00:11:22:33:44:55', broadcast: '127.255.255.255' } },
    // Each health probe type with a number: web's by HTTP, api's by TCP.
    health:
      name === 'web'
        ? { type: 'http', url: 'http://127.0.0.1:1/health', expect_status: 200, timeout_seconds: 5 }
        : { type: 'tcp', host: '127.0.0.1', port: 1 },
  });
  return {
    consecutive_failures_threshold: 1,
    verify_delay: 0,
    processes: { web: process('web'), api: process('api') },
    filesystems: {
      logs: {
        path: 'logs',
        min_free_mb: 10,
        min_free_percent: 5,
        consecutive_failures_threshold: 1,
        kill_timeout: 5,
        cleanup_timeout: 5,
        max_recoveries: 3,
        recovery_window_seconds: 60,
        recovery_backoff_seconds: 0,
        commands: { clean: 'clean-logs' },
        recovery_actions: ['clean'],
      },
    },
    network: {
      interface: 'eth0',
      alive: { probes },
      consecutive_failures_threshold: 1,
      interval_minutes: 0,
      ladder: [
        { type: 'bounce' },
        { type: 'command', name: 'restart-networking', command: 'restart-networking' },
        { type: 'wol', name: 'wake-modem', mac: '00:11:22:33:44:66', broadcast: '127.255.255.255' },
      ],
      max_failures: 1,
      reboot: {
        command: 'reboot-stub',
        cooldown_seconds: 0,
        veto_if_reachable: { probes },
        usb_guard: { enabled: false },
      },
    },
    notify: {
      channels: {
        ops: { type: 'command', command: 'notify-ops' },
        hook: { type: 'webhook', url: 'http://127.0.0.1:1/hook', events: ['reboot_done'] },
        mail: {
          type: 'email',
          host: '127.0.0.1',
          tls: 'none',
          from: 'watchdog@127.0.0.1',
          to: ['ops@127.0.0.1'],
          events: ['reboot_done'],
        },
      },
    },
    // No such folder: the ticks read no zone. Each threshold's bounds are valid against the other's value here.
    thermal: { sysfs_root: 'thermal', warning_celsius: 10, critical_celsius: 130, hysteresis_celsius: 3 },
    metrics: { textfile_path: 'metrics/watchdog.prom' },
    // `ping`, not `ping_url` (one or the other): every URL, and both timeouts.
    ping: {
      start_url: 'http://127.0.0.1:1/ping/start',
      success_url: 'http://127.0.0.1:1/ping',
      failure_url: 'http://127.0.0.1:1/ping/fail',
      timeout_seconds: 10,
    },
    ping_timeout_seconds: 10,
  };
}
