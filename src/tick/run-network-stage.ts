import type { NetworkConfig } from '../network/config/network-types.js';
import type { WatchdogConfig } from '../config/types.js';
import type { NetworkSystem } from '../network/network-system.js';
import type { NetworkTickOutcome } from '../network/run-network-tick.js';
import type { RaiseEvent } from '../notify/watchdog-event.js';
import type { AuditStore } from '../store/audit-store.js';
import type { AuditWriter } from '../store/audit-writer.js';
import type { TickDeps } from './tick-deps.js';
import type { TickStage } from './tick-stage.js';

/**
 * The network stage of a tick: the uplink's check and ladder, unless the audit log cannot
 * be read or cannot be kept (then only a link a dead run left down is set up again) or a
 * signal asked the tick to stop. `undefined` when it did not run.
 */
export async function runNetworkStage(
  config: WatchdogConfig,
  audit: AuditStore,
  deps: TickDeps,
  raise: RaiseEvent,
  stage: TickStage,
): Promise<NetworkTickOutcome | undefined> {
  // No ladder (and so no reboot) on a state that cannot be read or a record that cannot be kept:
  // the cooldown and the daily limit would not hold, and a reboot loop is the worst fault there is.
  const networkHeld = audit.stateUnknown || !audit.rowsSaved;
  if (config.network !== undefined && networkHeld) {
    deps.logger.error(
      'network: not checked: the audit log cannot be read or cannot be kept, so the reboot guards cannot hold',
    );
    // Setting a link up needs no guard: one a dead run left down must not wait for the audit log.
    await setLeftoverLinksUp(config.network, audit, deps);
  }
  if (stage.stopRequest() === undefined) stage.enter('during the network check');
  return config.network === undefined || networkHeld || stage.stopRequest() !== undefined
    ? undefined
    : await checkNetwork(config.network, audit, config, deps, raise);
}

/** Loaded only when the config has a `network` section, so a tick without one stays cheap. */
async function checkNetwork(
  network: NetworkConfig,
  audit: AuditWriter,
  config: WatchdogConfig,
  deps: TickDeps,
  raise: RaiseEvent,
): Promise<NetworkTickOutcome> {
  const { runNetworkTick } = await import('../network/run-network-tick.js');
  const system = await networkSystemOf(network, deps);
  return runNetworkTick(network, { audit, system, logger: deps.logger, configPath: config.config_path, raise });
}

async function setLeftoverLinksUp(network: NetworkConfig, audit: AuditWriter, deps: TickDeps): Promise<void> {
  const { setLinksLeftDownUp } = await import('../network/ladder/repair-interrupted-ladder.js');
  await setLinksLeftDownUp(network.interface, {
    audit,
    system: await networkSystemOf(network, deps),
    logger: deps.logger,
  });
}

async function networkSystemOf(network: NetworkConfig, deps: TickDeps): Promise<NetworkSystem> {
  return (
    deps.networkSystem?.(network) ??
    (await import('../network/network-system.js')).realNetworkSystem({
      sysfsRoot: network.sysfs_root,
      env: deps.system.env,
      signal: deps.system.signal ?? new AbortController().signal,
    })
  );
}
