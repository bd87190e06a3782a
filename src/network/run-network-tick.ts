import { dirname } from 'node:path';
import type { Logger } from '../logging/logger.js';
import type { RaiseEvent, WatchdogEvent } from '../notify/watchdog-event.js';
import type { AuditWriter } from '../store/audit-writer.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import type { LinkVerdict } from './link/classify-link.js';
import { runRecordedLadder } from './ladder/run-recorded-ladder.js';
import type { NetworkConfig } from './config/network-types.js';
import type { LadderDecision } from './ladder/decide-ladder.js';
import type { NetworkSystem } from './network-system.js';
import { considerReboot } from './reboot/consider-reboot.js';
import type { RebootDecision } from './reboot/decide-reboot.js';
import type { RebootReport } from './reboot/run-reboot.js';
import { repairInterruptedLadder } from './ladder/repair-interrupted-ladder.js';
import type { LadderRun } from './ladder/run-ladder.js';
import { runLinkCheck } from './link/run-link-check.js';
import { readReboots } from './store/read-network-events.js';
import {
  completeNetworkEvent,
  recordNetworkEvent,
  type EventStamp,
  type NetworkEventInput,
} from './store/record-network-event.js';

export interface NetworkTickDeps {
  /** Where events are recorded: the audit log, which a failing database cannot stop. */
  audit: AuditWriter;
  system: NetworkSystem;
  logger: Logger;
  /** The config file's path: commands run in its folder. */
  configPath: string;
  /** Told when the link is degraded or healed, and of reboots made or held back. */
  raise?: RaiseEvent | undefined;
}

export interface NetworkTickOutcome {
  interface: string;
  /** The state of the check before this one (`undefined` if there was none). */
  previousState: string | undefined;
  verdict: LinkVerdict;
  consecutiveFailures: number;
  decision: LadderDecision;
  ladder?: LadderRun;
  /** After a failed ladder run: what the guards decided. */
  rebootDecision?: RebootDecision;
  reboot?: RebootReport;
}

/**
 * The network part of a tick: check the uplink, record what changed, climb the ladder when
 * it is due, and after a failed run ask the reboot guards, rebooting only when all of them
 * agree. Every detection, rung, outcome, veto and reboot is a row of `network_events`.
 */
export async function runNetworkTick(network: NetworkConfig, deps: NetworkTickDeps): Promise<NetworkTickOutcome> {
  const { audit, system, logger } = deps;
  const name = network.interface;
  const stamp = (): EventStamp => ({
    at: formatUtcTimestamp(system.now()),
    bootId: system.bootId(),
    uptimeSeconds: system.uptimeSeconds(),
  });
  const record = (event: Omit<NetworkEventInput, 'interface'>): number =>
    audit.write((db) => recordNetworkEvent(db, stamp(), { interface: name, ...event }));
  const tell = (event: Omit<WatchdogEvent, 'at' | 'interface'>): void =>
    deps.raise?.({ ...event, at: formatUtcTimestamp(system.now()), interface: name });

  // A run that died mid-ladder left its link down or its run open: repaired before this check judges the link.
  await repairInterruptedLadder(name, { audit, system, logger, record });
  const check = await runLinkCheck(network, { audit, system, logger, record, tell });
  const { decision } = check;
  const outcome: NetworkTickOutcome = {
    interface: name,
    previousState: check.before.last_state ?? undefined,
    verdict: check.verdict,
    consecutiveFailures: check.consecutiveFailures,
    decision,
  };
  if (decision.kind === 'wait') logger.info(`network ${name}: ${decision.reason}`);
  if (decision.kind !== 'run') return outcome;

  const cwd = dirname(deps.configPath);
  const ladderRun = await runRecordedLadder(
    network,
    { ...check, decision },
    { audit, system, logger, record, tell, cwd },
  );
  outcome.ladder = ladderRun.ladder;
  if (ladderRun.next !== 'consider_reboot') return outcome;

  const step = await considerReboot(
    network,
    { failedLadderRuns: ladderRun.failedLadderRuns, ladderId: ladderRun.ladderId, pastReboots: readReboots(audit.db) },
    system,
    {
      record,
      complete: (id, completion) => audit.write((db) => completeNetworkEvent(db, id, completion)),
      tell,
      logger,
      runShellCommand: (options) => system.runShellCommand(options),
      env: system.env,
      cwd,
    },
  );
  outcome.rebootDecision = step.decision;
  if (step.reboot !== undefined) outcome.reboot = step.reboot;
  return outcome;
}
