import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatThermalPreview } from '../../../src/thermal/format/format-thermal-preview.js';
import { formatThermalStatus } from '../../../src/thermal/format/format-thermal-status.js';
import { formatThermalTick } from '../../../src/thermal/format/format-thermal-tick.js';
import type { ThermalStatus } from '../../../src/thermal/status/build-thermal-status.js';

const AT = '2026-12-06T10:04:00.000000+00:00';

/** A driver's type is text from outside: here one that would paint the terminal and break the line. */
const HOSTILE_TYPE = 'cpu\x1b[31m-thermal\nfake line';

describe('formatThermalStatus', () => {
  const status: ThermalStatus = {
    warning_celsius: 75,
    critical_celsius: 85,
    hysteresis_celsius: 3,
    zones: [
      {
        zone: 'thermal_zone0',
        type: HOSTILE_TYPE,
        celsius: 86.25,
        level: 'critical',
        reason: '86.2 °C',
        since: AT,
        checked_at: AT,
      },
      {
        zone: 'thermal_zone1',
        type: null,
        celsius: null,
        level: 'unreadable',
        reason: 'no temp file',
        since: AT,
        checked_at: AT,
      },
    ],
  };

  it("shows the thresholds and a line per zone, the driver's text escaped to one line", () => {
    assert.deepEqual(formatThermalStatus(status), [
      'thermal: warning at 75 °C, critical at 85 °C (alert only); read 2026-12-06 10:04:00 UTC',
      '  thermal_zone0 (cpu\\x1b[31m-thermal\\x0afake line): 86.3 °C, critical since 2026-12-06 10:04:00 UTC',
      '  thermal_zone1: no reading, unreadable since 2026-12-06 10:04:00 UTC: no temp file',
    ]);
  });

  it('says so before the first tick read a zone', () => {
    assert.deepEqual(formatThermalStatus({ ...status, zones: [] }), [
      'thermal: warning at 75 °C, critical at 85 °C (alert only); no zone read yet',
    ]);
  });
});

describe('formatThermalPreview', () => {
  it('says what a tick would raise, and that nothing is stopped', () => {
    const zone = {
      zone: 'thermal_zone0',
      type: 'cpu-thermal',
      celsius: 80,
      reason: '80.0 °C, at or above warning_celsius 75',
      since: AT,
    };
    assert.deepEqual(
      formatThermalPreview({
        rootProblem: undefined,
        zones: [
          { ...zone, level: 'warning', previous: 'normal', event: 'thermal_warning' },
          { ...zone, zone: 'thermal_zone1', level: 'warning', previous: 'warning', event: undefined },
        ],
      }),
      [
        'thermal thermal_zone0 (cpu-thermal): warning: 80.0 °C, at or above warning_celsius 75 → would record and notify thermal_warning (was normal); alert only, nothing is stopped',
        'thermal thermal_zone1 (cpu-thermal): warning: 80.0 °C, at or above warning_celsius 75 → nothing to do (alert only)',
      ],
    );
  });

  it('names a root that cannot be listed, and a tree without zones', () => {
    assert.deepEqual(formatThermalPreview({ rootProblem: 'cannot list /x: ENOENT', zones: [] }), [
      'thermal: cannot list /x: ENOENT',
    ]);
    assert.deepEqual(formatThermalPreview({ rootProblem: undefined, zones: [] }), ['thermal: no thermal zone found']);
  });
});

describe('formatThermalTick', () => {
  const zone = {
    zone: 'thermal_zone0',
    type: 'cpu-thermal',
    celsius: 72.5,
    level: 'warning' as const,
    reason: '72.5 °C, at or above warning_celsius 70',
    previous: 'warning' as const,
    since: AT,
    event: undefined,
  };

  it('says each zone level and why, and the level it left when it changed', () => {
    assert.deepEqual(
      formatThermalTick({
        rootProblem: undefined,
        zones: [
          zone,
          { ...zone, zone: 'thermal_zone1', previous: 'normal', event: 'thermal_warning' },
          { ...zone, zone: 'thermal_zone2', type: undefined, previous: undefined, event: 'thermal_warning' },
        ],
      }),
      [
        'thermal thermal_zone0 (cpu-thermal): warning: 72.5 °C, at or above warning_celsius 70',
        'thermal thermal_zone1 (cpu-thermal): warning: 72.5 °C, at or above warning_celsius 70 (was normal)',
        'thermal thermal_zone2: warning: 72.5 °C, at or above warning_celsius 70 (was never read)',
      ],
    );
  });

  it('says why no zone could be read', () => {
    assert.deepEqual(formatThermalTick({ rootProblem: 'cannot list /sys/class/thermal: ENOENT', zones: [] }), [
      'thermal: cannot list /sys/class/thermal: ENOENT',
    ]);
  });
});
