import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ThermalZoneJudgement } from '../../src/thermal/judge-thermal-zones.js';
import type { ThermalZoneRow } from '../../src/thermal/store/thermal-rows.js';
import { zoneWorthWriting } from '../../src/thermal/zone-worth-writing.js';

const SINCE = '2026-06-30T11:00:00.000000+00:00';
const ROW: ThermalZoneRow = {
  zone: 'thermal_zone0',
  type: 'cpu-thermal',
  level: 'normal',
  celsius: 47.3,
  reason: '47.3 °C',
  since: SINCE,
  checked_at: SINCE,
};
const zone = (overrides: Partial<ThermalZoneJudgement> = {}): ThermalZoneJudgement => ({
  zone: 'thermal_zone0',
  type: 'cpu-thermal',
  celsius: 47.3,
  level: 'normal',
  reason: '47.3 °C',
  previous: 'normal',
  since: SINCE,
  event: undefined,
  ...overrides,
});

describe('zoneWorthWriting', () => {
  const cases: [string, ThermalZoneRow | undefined, ThermalZoneJudgement, boolean][] = [
    ['a zone never written', undefined, zone({ previous: undefined }), true],
    ['the same temperature', ROW, zone(), false],
    ['0.9 °C warmer', ROW, zone({ celsius: 48.2, reason: '48.2 °C' }), false],
    ['1 °C warmer', ROW, zone({ celsius: 48.3 }), true],
    ['1 °C cooler', ROW, zone({ celsius: 46.3 }), true],
    ['a level changed, with its event', ROW, zone({ level: 'warning', since: 'now', event: 'thermal_warning' }), true],
    ['another type', ROW, zone({ type: 'gpu-thermal' }), true],
    ['no temperature read now', ROW, zone({ celsius: undefined }), true],
    ['a temperature read again', { ...ROW, celsius: null }, zone(), true],
    ['none read, none stored', { ...ROW, celsius: null }, zone({ celsius: undefined }), false],
  ];
  for (const [name, row, judged, expected] of cases)
    it(`${expected ? 'writes' : 'does not write'}: ${name}`, () => {
      assert.equal(zoneWorthWriting(row, judged), expected);
    });
});
