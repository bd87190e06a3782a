import type { ThermalLevel } from './thermal-level.js';

export interface ThermalFacts {
  /** `undefined` when the zone could not be read. */
  celsius: number | undefined;
  /** Why it could not be read. */
  problem?: string | undefined;
  /** The level the last tick judged; `undefined` for a zone never judged (or a state unknown). */
  previous: ThermalLevel | undefined;
  warningCelsius: number;
  criticalCelsius: number;
  hysteresisCelsius: number;
}

export interface ThermalJudgement {
  level: ThermalLevel;
  /** One line: the temperature and the threshold that decided. */
  reason: string;
}

/**
 * A zone's level from its temperature. A zone enters a level at its threshold, and leaves
 * it only once it has cooled `hysteresisCelsius` below it, so a temperature hovering at a
 * threshold (a SoC throttling around 80 °C) does not flap between two levels every tick.
 * Pure.
 */
export function judgeThermalLevel(facts: ThermalFacts): ThermalJudgement {
  const { celsius, previous, warningCelsius, criticalCelsius, hysteresisCelsius } = facts;
  if (celsius === undefined) return { level: 'unreadable', reason: facts.problem ?? 'no temperature' };
  const shown = formatCelsius(celsius);
  if (celsius >= criticalCelsius)
    return { level: 'critical', reason: `${shown}, at or above critical_celsius ${criticalCelsius}` };
  if (previous === 'critical' && celsius > criticalCelsius - hysteresisCelsius)
    return {
      level: 'critical',
      reason: `${shown}, not yet ${hysteresisCelsius} °C below critical_celsius ${criticalCelsius}`,
    };
  if (celsius >= warningCelsius)
    return { level: 'warning', reason: `${shown}, at or above warning_celsius ${warningCelsius}` };
  if ((previous === 'warning' || previous === 'critical') && celsius > warningCelsius - hysteresisCelsius)
    return {
      level: 'warning',
      reason: `${shown}, not yet ${hysteresisCelsius} °C below warning_celsius ${warningCelsius}`,
    };
  return { level: 'normal', reason: `${shown}, below warning_celsius ${warningCelsius}` };
}

/** `72.5 °C`: a tenth of a degree, as sensors are rarely finer. */
export function formatCelsius(celsius: number): string {
  return `${celsius.toFixed(1)} °C`;
}
