import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeThermalLevel, type ThermalFacts } from '../../src/thermal/judge-thermal-level.js';
import type { ThermalLevel } from '../../src/thermal/thermal-level.js';

const THRESHOLDS = { warningCelsius: 75, criticalCelsius: 85, hysteresisCelsius: 3 };

describe('judgeThermalLevel', () => {
  const cases: [string, Partial<ThermalFacts>, ThermalLevel, RegExp][] = [
    ['cool, never read', { celsius: 40, previous: undefined }, 'normal', /^40\.0 °C, below warning_celsius 75$/],
    ['just below the warning', { celsius: 74.9, previous: 'normal' }, 'normal', /below warning_celsius 75/],
    ['at the warning', { celsius: 75, previous: 'normal' }, 'warning', /^75\.0 °C, at or above warning_celsius 75$/],
    ['above the warning, never read', { celsius: 80, previous: undefined }, 'warning', /at or above warning/],
    ['at the critical', { celsius: 85, previous: 'warning' }, 'critical', /at or above critical_celsius 85/],
    ['critical straight from normal', { celsius: 95, previous: 'normal' }, 'critical', /critical_celsius 85/],
    ['critical after an unreadable read', { celsius: 90, previous: 'unreadable' }, 'critical', /critical/],
    // Hysteresis: a level is left only 3 °C below its threshold.
    [
      'warm, cooling but within the hysteresis',
      { celsius: 72.5, previous: 'warning' },
      'warning',
      /not yet 3 °C below warning_celsius 75/,
    ],
    ['warm, cooled to exactly the hysteresis', { celsius: 72, previous: 'warning' }, 'normal', /below warning/],
    [
      'hot, cooling but within the hysteresis',
      { celsius: 83, previous: 'critical' },
      'critical',
      /not yet 3 °C below critical_celsius 85/,
    ],
    [
      'hot, cooled below the hysteresis to warm',
      { celsius: 82, previous: 'critical' },
      'warning',
      /at or above warning_celsius/,
    ],
    [
      'hot, cooled into the warning hysteresis',
      { celsius: 73, previous: 'critical' },
      'warning',
      /not yet 3 °C below warning/,
    ],
    ['hot, cooled all the way', { celsius: 60, previous: 'critical' }, 'normal', /below warning/],
    ['no hysteresis for a zone never read', { celsius: 73, previous: undefined }, 'normal', /below warning/],
    [
      'no hysteresis after an unreadable read',
      { celsius: 83, previous: 'unreadable' },
      'warning',
      /at or above warning/,
    ],
    ['below freezing', { celsius: -12.5, previous: 'normal' }, 'normal', /^-12\.5 °C/],
    [
      'unreadable',
      { celsius: undefined, problem: 'cannot read temp: EIO', previous: 'warning' },
      'unreadable',
      /^cannot read temp: EIO$/,
    ],
    ['unreadable without a reason', { celsius: undefined, previous: undefined }, 'unreadable', /^no temperature$/],
  ];
  for (const [name, facts, level, reason] of cases) {
    it(name, () => {
      const judgement = judgeThermalLevel({ celsius: undefined, previous: undefined, ...THRESHOLDS, ...facts });
      assert.equal(judgement.level, level);
      assert.match(judgement.reason, reason);
    });
  }

  it('with no hysteresis, leaves a level as soon as it is below its threshold', () => {
    const facts = { ...THRESHOLDS, hysteresisCelsius: 0 };
    assert.equal(judgeThermalLevel({ ...facts, celsius: 74.9, previous: 'warning' }).level, 'normal');
    assert.equal(judgeThermalLevel({ ...facts, celsius: 84.9, previous: 'critical' }).level, 'warning');
  });
});
