import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideThermalEvent, type ThermalEventKind } from '../../src/thermal/decide-thermal-event.js';
import type { ThermalLevel } from '../../src/thermal/thermal-level.js';

describe('decideThermalEvent', () => {
  const cases: [ThermalLevel | undefined, ThermalLevel, ThermalEventKind | undefined][] = [
    [undefined, 'normal', undefined],
    [undefined, 'warning', 'thermal_warning'],
    [undefined, 'critical', 'thermal_critical'],
    [undefined, 'unreadable', 'thermal_unreadable'],
    ['normal', 'normal', undefined],
    ['normal', 'warning', 'thermal_warning'],
    ['normal', 'critical', 'thermal_critical'],
    ['warning', 'warning', undefined],
    ['warning', 'critical', 'thermal_critical'],
    ['warning', 'normal', 'thermal_normal'],
    ['critical', 'critical', undefined],
    ['critical', 'warning', 'thermal_warning'],
    ['critical', 'normal', 'thermal_normal'],
    ['normal', 'unreadable', 'thermal_unreadable'],
    ['unreadable', 'unreadable', undefined],
    ['unreadable', 'normal', 'thermal_normal'],
  ];
  for (const [previous, level, event] of cases) {
    it(`${previous ?? 'never read'} → ${level}: ${event ?? 'nothing'}`, () => {
      assert.equal(decideThermalEvent(previous, level), event);
    });
  }
});
