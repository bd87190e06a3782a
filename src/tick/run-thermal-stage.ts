import type { WatchdogConfig } from '../config/types.js';
import type { RaiseEvent } from '../notify/watchdog-event.js';
import type { AuditStore } from '../store/audit-store.js';
import type { ThermalTickOutcome } from '../thermal/run-thermal-tick.js';
import type { TickDeps } from './tick-deps.js';
import type { TickStage } from './tick-stage.js';

/**
 * The thermal stage of a tick: each zone's temperature and level, alert only. Loaded only
 * when the config has a `thermal` section, so a tick without one stays cheap; skipped when a
 * signal asked the tick to stop. `undefined` when it did not run.
 */
export async function runThermalStage(
  config: WatchdogConfig,
  checkedAt: string,
  audit: AuditStore,
  deps: TickDeps,
  raise: RaiseEvent,
  stage: TickStage,
): Promise<ThermalTickOutcome | undefined> {
  if (config.thermal === undefined || stage.stopRequest() !== undefined) return undefined;
  stage.enter('during the thermal check');
  const { runThermalTick } = await import('../thermal/run-thermal-tick.js');
  return runThermalTick(config.thermal, checkedAt, {
    audit,
    stateKnown: !audit.stateUnknown,
    logger: deps.logger,
    raise,
  });
}
