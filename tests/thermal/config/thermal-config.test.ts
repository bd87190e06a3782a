import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../../src/config/validate-config.js';
import type { ThermalConfig } from '../../../src/thermal/config/thermal-types.js';
import { webProcessEntry } from '../../helpers/process-config.js';

const CONFIG_PATH = '/srv/watchdog/config.json';
const PROCESSES = { web: webProcessEntry() };

function thermalOf(thermal: Record<string, unknown>): ThermalConfig {
  const result = validateConfig({ processes: PROCESSES, thermal }, CONFIG_PATH);
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.warnings, []);
  assert.ok(result.config?.thermal, 'the thermal section must load');
  return result.config.thermal;
}

function errorsOf(thermal: unknown): string[] {
  const result = validateConfig({ processes: PROCESSES, thermal }, CONFIG_PATH);
  assert.equal(result.config, undefined, 'a config with errors must not load');
  return [...result.errors].sort();
}

describe('thermal config', () => {
  it('fills every default of an empty section: every zone of /sys/class/thermal, 75 and 85 °C, 3 °C of hysteresis', () => {
    assert.deepEqual(thermalOf({}), {
      sysfs_root: '/sys/class/thermal',
      zones: undefined,
      warning_celsius: 75,
      critical_celsius: 85,
      hysteresis_celsius: 3,
    });
  });

  it('takes every setting, and resolves a relative root against the config folder', () => {
    assert.deepEqual(
      thermalOf({
        sysfs_root: 'fake/thermal',
        zones: ['thermal_zone0', 'cpu-thermal'],
        warning_celsius: 60.5,
        critical_celsius: 70,
        hysteresis_celsius: 0,
      }),
      {
        sysfs_root: '/srv/watchdog/fake/thermal',
        zones: ['thermal_zone0', 'cpu-thermal'],
        warning_celsius: 60.5,
        critical_celsius: 70,
        hysteresis_celsius: 0,
      },
    );
  });

  it("leaves thermal out of a config without the section (the Python tool's configs are unchanged)", () => {
    const result = validateConfig({ processes: PROCESSES }, CONFIG_PATH);
    assert.equal(result.config?.thermal, undefined);
  });

  const refused: [string, unknown, string[]][] = [
    ['a section that is not an object', 'on', ['thermal: must be object']],
    ['an unknown key (a misspelt threshold)', { warning_celcius: 70 }, ['thermal.warning_celcius: unknown setting']],
    [
      'a critical threshold at the warning one',
      { warning_celsius: 80, critical_celsius: 80 },
      ['thermal.critical_celsius: must be above warning_celsius (80), got 80'],
    ],
    [
      'a warning above the default critical',
      { warning_celsius: 90 },
      ['thermal.critical_celsius: must be above warning_celsius (90), got 85 (the default)'],
    ],
    [
      'a hysteresis as wide as the gap',
      { warning_celsius: 70, critical_celsius: 75, hysteresis_celsius: 5 },
      ['thermal.hysteresis_celsius: must be below the gap between warning_celsius and critical_celsius (5), got 5'],
    ],
    ['a warning below 0', { warning_celsius: -1 }, ['thermal.warning_celsius: must be at least 0 (got -1)']],
    [
      'a warning above 120',
      { warning_celsius: 121, critical_celsius: 150 },
      ['thermal.warning_celsius: must be at most 120 (got 121)'],
    ],
    [
      'a critical level below 20',
      { warning_celsius: 5, critical_celsius: 19 },
      ['thermal.critical_celsius: must be at least 20 (got 19)'],
    ],
    [
      'a critical level above 150',
      { critical_celsius: 151 },
      ['thermal.critical_celsius: must be at most 150 (got 151)'],
    ],
    [
      'a hysteresis above 20',
      { warning_celsius: 40, critical_celsius: 90, hysteresis_celsius: 21 },
      ['thermal.hysteresis_celsius: must be at most 20 (got 21)'],
    ],
    ['an empty list of zones', { zones: [] }, ['thermal.zones: must not be empty']],
    [
      'a zone listed twice',
      { zones: ['cpu-thermal', 'cpu-thermal'] },
      ['thermal.zones[1]: "cpu-thermal" is listed twice'],
    ],
    [
      'a zone name with a slash',
      { zones: ['../thermal_zone0'] },
      [
        'thermal.zones[0]: "../thermal_zone0" is not a zone name or type (no "/" or white space): see ls /sys/class/thermal',
      ],
    ],
    ['an empty root', { sysfs_root: '' }, ['thermal.sysfs_root: must not be empty']],
  ];
  for (const [name, thermal, errors] of refused) {
    it(`refuses ${name}`, () => {
      assert.deepEqual(errorsOf(thermal), errors);
    });
  }
});
