import type { Logger } from '../../logging/logger.js';
import type { AuditWriter } from '../../store/audit-writer.js';
import { completeNetworkEvent, type NetworkEventInput } from '../store/record-network-event.js';
import { readLinksLeftDown, readUnfinishedLadders } from '../store/read-network-events.js';
import { readNetworkState } from '../store/read-network-state.js';
import { recordLadderRun } from '../store/record-network-state.js';
import type { NetworkSystem } from '../network-system.js';
import { formatCount } from '../../display/format-count.js';

export interface LadderRepairDeps {
  audit: AuditWriter;
  system: Pick<NetworkSystem, 'setLink'>;
  logger: Logger;
  /** Records an event of this interface; returns its id. */
  record: (event: Omit<NetworkEventInput, 'interface'>) => number;
}

/** What the repair did: links set up again, ladder runs closed. */
export interface LadderRepair {
  linksSetUp: string[];
  laddersClosed: number;
}

/**
 * After a watchdog that died mid-ladder (SIGKILL, power cut, a crash): sets up again every
 * link a bounce set down and never set up (its durable note says so), and closes each
 * ladder run left open as `interrupted`, counted as a failed run, so `interval_minutes` and
 * `max_failures` see it. Runs under the tick lock, so no live watchdog is in that run.
 */
export async function repairInterruptedLadder(name: string, deps: LadderRepairDeps): Promise<LadderRepair> {
  const { audit, logger } = deps;
  const linksSetUp = await setLinksLeftDownUp(name, deps);
  const open = readUnfinishedLadders(audit.db, name);
  for (const start of open) {
    const failedLadderRuns = readNetworkState(audit.db, name).failed_ladder_runs + 1;
    deps.record({
      kind: 'ladder_end',
      ladderId: start.id,
      outcome: 'interrupted',
      detail: `the watchdog stopped before this ladder run ended (killed, crashed or power cut); ${formatCount(failedLadderRuns, 'consecutive failed ladder run')}`,
    });
    audit.write((db) =>
      recordLadderRun(db, name, {
        at: start.at,
        ladderId: start.id,
        outcome: 'interrupted',
        healedBy: null,
        failedLadderRuns,
      }),
    );
    logger.warn(
      `network ${name}: ladder run #${start.id} of ${start.at} was interrupted (the watchdog died during it); closed and counted as failed run ${failedLadderRuns}`,
    );
  }
  return { linksSetUp, laddersClosed: open.length };
}

/**
 * Sets up again every link a bounce set down and did not see up (its note `down`, or
 * `up_failed` when a set-up failed: retried at every run until it works). It needs no
 * guard, so a tick runs it even when the audit log can be neither read nor kept and the
 * ladder is held: a link must never stay down because the SD card went read-only after the
 * run that set it down died.
 */
export async function setLinksLeftDownUp(
  name: string,
  deps: Pick<LadderRepairDeps, 'audit' | 'system' | 'logger'>,
): Promise<string[]> {
  const { audit, system, logger } = deps;
  const linksSetUp: string[] = [];
  for (const note of readLinksLeftDown(audit.db, name)) {
    const device = note.detail ?? name;
    const up = await system.setLink(device, true);
    audit.write((db) =>
      completeNetworkEvent(db, note.id, {
        outcome: up.ok ? 'up' : 'up_failed',
        detail: `${device}: set up again by a later run (the run that set it down died or failed to): ${up.detail}`,
      }),
    );
    if (up.ok) {
      linksSetUp.push(device);
      logger.warn(`network ${name}: set ${device} up again: a ladder run that set it down did not (${up.detail})`);
    } else {
      logger.error(
        `network ${name}: could not set ${device} up again, left down by a ladder run; the next run tries again: ${up.detail}`,
      );
    }
  }
  return linksSetUp;
}
