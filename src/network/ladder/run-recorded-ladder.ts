import type { Logger } from '../../logging/logger.js';
import type { WatchdogEvent } from '../../notify/watchdog-event.js';
import type { AuditWriter } from '../../store/audit-writer.js';
import { formatUtcTimestamp } from '../../time/format-utc-timestamp.js';
import { formatCount } from '../../display/format-count.js';
import type { NetworkConfig } from '../config/network-types.js';
import { checkLink } from '../link/check-link.js';
import type { LadderDecision } from './decide-ladder.js';
import { describeRung } from './describe-rung.js';
import type { NetworkSystem } from '../network-system.js';
import { runLadder, type LadderRun } from './run-ladder.js';
import type { LinkCheck } from '../link/run-link-check.js';
import { completeNetworkEvent, type NetworkEventInput } from '../store/record-network-event.js';
import { recordHealed, recordLadderRun } from '../store/record-network-state.js';

export interface RecordedLadderDeps {
  audit: AuditWriter;
  system: NetworkSystem;
  logger: Logger;
  /** Writes a `network_events` row of the interface; returns its id. */
  record: (event: Omit<NetworkEventInput, 'interface'>) => number;
  /** Tells the notify channels (the event's time and interface are filled in). */
  tell: (event: Omit<WatchdogEvent, 'at' | 'interface'>) => void;
  /** The folder the rungs' commands run in (the config file's). */
  cwd: string;
}

/**
 * How a ladder run ended: `done` when it healed the link or was interrupted (a watchdog told
 * to stop weighs no reboot); `consider_reboot` when it healed nothing, with the count of
 * failed runs in a row for the reboot guards.
 */
export type RecordedLadder =
  | { ladder: LadderRun; ladderId: number; next: 'done' }
  | { ladder: LadderRun; ladderId: number; next: 'consider_reboot'; failedLadderRuns: number };

/**
 * Runs the ladder (runLadder) after a check that made it due, and records the run as it goes: its
 * start, each rung, a bounce's notes, its end, and `network_state` after it.
 */
export async function runRecordedLadder(
  network: NetworkConfig,
  check: LinkCheck & { decision: Extract<LadderDecision, { kind: 'run' }> },
  deps: RecordedLadderDeps,
): Promise<RecordedLadder> {
  const { audit, system, logger, record, tell } = deps;
  const { before, verdict, consecutiveFailures, decision } = check;
  const name = network.interface;
  const ladderAt = formatUtcTimestamp(system.now());
  const ladderId = record({
    kind: 'ladder_start',
    outcome: verdict.state,
    detail: `${verdict.reason} (${decision.reason})`,
  });
  const linkNotes = new Map<string, number>();
  logger.warn(
    `network ${name}: climbing the ladder (${network.ladder.map((rung) => rung.name).join(' → ') || 'no rungs'}): ${verdict.reason}`,
  );
  const ladder = await runLadder(
    network,
    {
      device: verdict.device,
      cwd: deps.cwd,
      reason: `${verdict.state}: ${verdict.reason}`,
      recheck: () => checkLink(network, true, system),
      onRungStart: (rung) => logger.info(`network ${name}: rung ${rung.name} (${describeRung(rung)})`),
      // Written before the link goes down: a run killed while it is down leaves the next run the link to set up.
      onLinkDown: (device) => {
        linkNotes.set(device, record({ kind: 'link_set_down', ladderId, outcome: 'down', detail: device }));
        return audit.rowsSaved !== false;
      },
      onLinkUp: (device, ok) => {
        const id = linkNotes.get(device);
        if (id !== undefined)
          audit.write((db) => completeNetworkEvent(db, id, { outcome: ok ? 'up' : 'up_failed', detail: device }));
      },
      onRungEnd: (report) => {
        const outcomeText = report.healed ? 'healed' : report.ok ? 'not_healed' : 'failed';
        record({
          kind: 'rung',
          ladderId,
          rung: report.rung,
          outcome: outcomeText,
          detail: `${report.detail}; then: ${report.verdict.state}: ${report.verdict.reason}`,
          durationMs: report.durationMs,
          exitCode: report.exitCode,
          outputTail: report.outputTail,
        });
        const line = `network ${name}: rung ${report.rung}: ${report.detail}; link now ${report.verdict.state} (${report.verdict.reason})`;
        if (report.healed) logger.info(line);
        else logger.warn(line);
      },
    },
    system,
  );

  const endedAt = formatUtcTimestamp(system.now());
  if (ladder.outcome === 'healed' && ladder.verdict !== undefined) {
    record({
      kind: 'ladder_end',
      ladderId,
      rung: ladder.healedBy,
      outcome: 'healed',
      detail: `healed by ${ladder.healedBy}`,
    });
    record({
      kind: 'link_up',
      ladderId,
      rung: ladder.healedBy,
      outcome: 'up',
      detail: `healed by rung ${ladder.healedBy}: ${ladder.verdict.reason}`,
    });
    const healed = ladder.verdict;
    audit.write((db) => {
      recordHealed(db, name, endedAt, healed.state, healed.reason);
      recordLadderRun(db, name, {
        at: ladderAt,
        ladderId,
        outcome: 'healed',
        healedBy: ladder.healedBy ?? null,
        failedLadderRuns: 0,
      });
    });
    logger.info(`network ${name}: healed by rung ${ladder.healedBy}`);
    tell({
      kind: 'network_healed',
      summary: `network ${name} healed by rung ${ladder.healedBy}`,
      details: { rung: ladder.healedBy ?? null, reason: healed.reason, failed_checks: consecutiveFailures },
    });
    return { ladder, ladderId, next: 'done' };
  }

  const failedLadderRuns = before.failed_ladder_runs + 1;
  const stopped = ladder.outcome === 'interrupted' ? String(system.signal?.reason ?? 'a signal') : undefined;
  const why =
    ladder.outcome === 'timed_out'
      ? `ladder_timeout_seconds (${network.ladder_timeout_seconds}s) ran out`
      : stopped !== undefined
        ? `interrupted by ${stopped} (the watchdog was asked to stop)`
        : 'no rung healed the link';
  record({
    kind: 'ladder_end',
    ladderId,
    outcome: ladder.outcome,
    detail: `${why}; ${formatCount(failedLadderRuns, 'consecutive failed ladder run')}`,
  });
  audit.write((db) =>
    recordLadderRun(db, name, { at: ladderAt, ladderId, outcome: ladder.outcome, healedBy: null, failedLadderRuns }),
  );
  if (stopped !== undefined) {
    // Counted (interval_minutes and max_failures see it), but no reboot is weighed by a watchdog told to stop.
    logger.warn(
      `network ${name}: ladder run interrupted by ${stopped}; counted as failed run ${failedLadderRuns}; no reboot considered`,
    );
    return { ladder, ladderId, next: 'done' };
  }
  logger.error(
    `network ${name}: the ladder did not heal the link (${why}); ${formatCount(failedLadderRuns, 'consecutive failed run')}, a reboot is considered from ${network.max_failures}`,
  );
  return { ladder, ladderId, next: 'consider_reboot', failedLadderRuns };
}
