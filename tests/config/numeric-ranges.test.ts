import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONFIG_DEFAULTS } from '../../src/config/defaults.js';
import { NETWORK_DEFAULTS } from '../../src/network/config/network-defaults.js';
import { NOTIFY_DEFAULTS } from '../../src/notify/config/notify-defaults.js';
import { validateConfig } from '../../src/config/validate-config.js';
import {
  everySectionConfig,
  formatAt,
  locateNumericSettings,
  numericSettings,
  withValueAt,
  type LocatedSetting,
} from '../helpers/config-numbers.js';

const CONFIG_PATH = '/etc/watchdog/config.json';
/** The longest delay Node's timers take; a longer one fires at once (TimeoutOverflowWarning). */
const TIMER_MAX_MS = 2 ** 31 - 1;

function errorsOf(config: unknown): string[] {
  return validateConfig(config, CONFIG_PATH, () => undefined, {}).errors;
}

/** The smallest step past a bound: 1 for an integer, a thousandth otherwise. */
function step(setting: LocatedSetting): number {
  return setting.integer ? 1 : 0.001;
}

const BASE = everySectionConfig();
const LOCATED = locateNumericSettings(BASE);

describe('every number the config accepts has a range', () => {
  it('the test config has a place for every numeric setting of the schema', () => {
    assert.deepEqual(
      [...new Set(LOCATED.map((setting) => setting.name))].sort(),
      numericSettings()
        .map((setting) => setting.name)
        .sort(),
    );
  });

  it('the test config is valid as it is', () => {
    assert.deepEqual(errorsOf(BASE), []);
  });

  for (const setting of numericSettings()) {
    it(`${setting.name} has a minimum and a maximum`, () => {
      assert.ok(setting.minimum !== undefined || setting.exclusiveMinimum !== undefined, 'a minimum');
      assert.ok(setting.maximum !== undefined, 'a maximum (inclusive, so it can be written)');
      assert.ok(
        Number.isSafeInteger(setting.maximum) && Number.isSafeInteger(setting.minimum ?? setting.exclusiveMinimum),
        'bounds that are safe integers',
      );
    });
  }
});

describe('validate accepts each bound and refuses a step beyond it, with `path: message`', () => {
  for (const setting of LOCATED) {
    const path = formatAt(setting.at);
    const maximum = setting.maximum ?? Infinity;
    it(`${path}: ${maximum} is accepted, ${maximum + step(setting)} refused`, () => {
      assert.deepEqual(errorsOf(withValueAt(BASE, setting.at, maximum)), []);
      const above = maximum + step(setting);
      assert.deepEqual(errorsOf(withValueAt(BASE, setting.at, above)), [
        `${path}: must be at most ${maximum} (got ${above})`,
      ]);
    });

    if (setting.minimum !== undefined) {
      const { minimum } = setting;
      it(`${path}: ${minimum} is accepted, ${minimum - step(setting)} refused`, () => {
        assert.deepEqual(errorsOf(withValueAt(BASE, setting.at, minimum)), []);
        const below = minimum - step(setting);
        assert.deepEqual(errorsOf(withValueAt(BASE, setting.at, below)), [
          `${path}: must be at least ${minimum} (got ${below})`,
        ]);
      });
    } else if (setting.exclusiveMinimum !== undefined) {
      const bound = setting.exclusiveMinimum;
      it(`${path}: ${bound + step(setting)} is accepted, ${bound} refused`, () => {
        assert.deepEqual(errorsOf(withValueAt(BASE, setting.at, bound + step(setting))), []);
        assert.deepEqual(errorsOf(withValueAt(BASE, setting.at, bound)), [
          `${path}: must be more than ${bound} (got ${bound})`,
        ]);
      });
    }

    it(`${path}: 1e300 and 1e400 (Infinity) are refused`, () => {
      assert.deepEqual(errorsOf(withValueAt(BASE, setting.at, 1e300)), [
        `${path}: must be at most ${maximum} (got 1e+300)`,
      ]);
      assert.deepEqual(errorsOf(withValueAt(BASE, setting.at, JSON.parse('1e400'))), [
        `${path}: must be a finite number (got Infinity)`,
      ]);
    });
  }

  it('refuses the numbers of issue 19 with the line validate prints', () => {
    const config = withValueAt(
      withValueAt(BASE, ['processes', 'web', 'timeout_seconds'], 1e300),
      ['history_retention_days'],
      1e9,
    );
    assert.deepEqual(errorsOf(config).sort(), [
      'history_retention_days: must be at most 3650 (got 1000000000)',
      'processes.web.timeout_seconds: must be at most 604800 (got 1e+300)',
    ]);
  });
});

describe('the defaults and the Python Watchdog values are within range', () => {
  const defaults: [name: string, value: number][] = [
    ...Object.entries(CONFIG_DEFAULTS).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
  ];
  for (const [name, value] of defaults) {
    it(`${name} ${value}`, () => {
      const setting = numericSettings().find((candidate) => candidate.name === name);
      assert.ok(setting !== undefined, `${name} is a setting`);
      assert.deepEqual(errorsOf({ ...BASE, [name]: value }), []);
    });
  }

  it('every default of the network and notify sections', () => {
    const network = BASE.network as Record<string, unknown>;
    const notify = BASE.notify as Record<string, unknown>;
    const config = {
      ...BASE,
      network: {
        ...network,
        consecutive_failures_threshold: NETWORK_DEFAULTS.consecutive_failures_threshold,
        interval_minutes: NETWORK_DEFAULTS.interval_minutes,
        ladder_timeout_seconds: NETWORK_DEFAULTS.ladder_timeout_seconds,
        max_failures: NETWORK_DEFAULTS.max_failures,
        alive: {
          probes: [
            { type: 'tcp', host: '127.0.0.1', port: 1, timeout_seconds: NETWORK_DEFAULTS.probe_timeout_seconds },
          ],
        },
        ladder: [
          {
            type: 'bounce',
            down_seconds: NETWORK_DEFAULTS.bounce_down_seconds,
            settle_seconds: NETWORK_DEFAULTS.settle_seconds,
          },
          { type: 'command', name: 'x', command: 'x', timeout_seconds: NETWORK_DEFAULTS.rung_timeout_seconds },
        ],
        reboot: {
          command: 'reboot-stub',
          timeout_seconds: NETWORK_DEFAULTS.reboot_timeout_seconds,
          cooldown_seconds: NETWORK_DEFAULTS.cooldown_seconds,
          max_per_day: NETWORK_DEFAULTS.max_per_day,
        },
      },
      notify: {
        ...notify,
        repeat_after_seconds: NOTIFY_DEFAULTS.repeat_after_seconds,
        delivery_budget_seconds: NOTIFY_DEFAULTS.delivery_budget_seconds,
        max_queued: NOTIFY_DEFAULTS.max_queued,
        max_age_hours: NOTIFY_DEFAULTS.max_age_hours,
      },
      ping_timeout_seconds: NOTIFY_DEFAULTS.ping_timeout_seconds,
    };
    assert.deepEqual(errorsOf(config), []);
  });

  it('a config of the Python Watchdog, as it wrote them', () => {
    const python = {
      log_level: 'INFO',
      consecutive_failures_threshold: 2,
      kill_timeout: 10,
      cleanup_timeout: 60,
      verify_delay: 2,
      cleanup_args: ['--force'],
      processes: {
        my_server: {
          display_name: 'My server',
          timeout_seconds: 120,
          heartbeat_path: '/tmp/my_server.json',
          enabled: true,
          startup_command: 'python3 server.py',
          cleanup_script: 'python3 clear.py',
        },
      },
    };
    assert.deepEqual(errorsOf(python), []);
  });
});

describe('a setting that becomes a timer stays within what Node can wait', () => {
  // [setting, how many times its value is waited at once, in ms per unit]
  const timers: [name: string, factor: number][] = [
    ['kill_timeout', 1000],
    ['cleanup_timeout', 1000],
    ['verify_delay', 1000],
    ['network.ladder_timeout_seconds', 1000],
    ['network.alive.probes[].timeout_seconds', 1000],
    ['network.reboot.veto_if_reachable.probes[].timeout_seconds', 1000],
    ['network.ladder[].down_seconds', 1000],
    ['network.ladder[].settle_seconds', 1000],
    ['network.ladder[].timeout_seconds', 1000],
    ['network.reboot.timeout_seconds', 1000],
    ['notify.delivery_budget_seconds', 1000],
    ['notify.channels.<name>.timeout_seconds', 1000],
    // The wait before the last retry: doubled for each retry before it.
    ['notify.channels.<name>.retry_backoff_seconds', 1000 * 2 ** (maximumOf('notify.channels.<name>.retries') - 1)],
    ['ping_timeout_seconds', 1000],
  ];
  for (const [name, factor] of timers) {
    it(`${name}: at most ${maximumOf(name)} × ${factor} ms`, () => {
      assert.ok(maximumOf(name) * factor <= TIMER_MAX_MS, `${maximumOf(name) * factor} ms`);
    });
  }
});

function maximumOf(name: string): number {
  const setting = numericSettings().find((candidate) => candidate.name === name);
  if (setting?.maximum === undefined) throw new Error(`no maximum for ${name}`);
  return setting.maximum;
}
