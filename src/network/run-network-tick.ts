import { dirname } from 'node:path';
import type { NetworkConfig } from './config/network-types.js';
import type { Logger } from '../logging/logger.js';
import {
  completeNetworkEvent,
  recordNetworkEvent,
  type EventStamp,
  type NetworkEventInput,
} from './store/record-network-event.js';
import { readReboots } from './store/read-network-events.js';
import { readNetworkState, type NetworkStateRow } from './store/read-network-state.js';
import { writeHealed, writeLadderRun, writeNetworkCheck } from './store/record-network-state.js';
import type { AuditWriter } from '../store/audit-writer.js';
import type { RaiseEvent, WatchdogEvent } from '../notify/watchdog-event.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import { checkLink } from './check-link.js';
import { isLinkFailure, type LinkVerdict } from './classify-link.js';
import { decideAfterCheck, type LadderDecision } from './decide-ladder.js';
import type { RebootDecision } from './reboot/decide-reboot.js';
import type { NetworkSystem } from './network-system.js';
import { considerReboot } from './reboot/consider-reboot.js';
import type { RebootReport } from './reboot/run-reboot.js';
import { runLadder, type LadderRun } from './run-ladder.js';
import { describeRung } from './describe-rung.js';
import { repairInterruptedLadder } from './repair-interrupted-ladder.js';
import { formatCount } from '../display/format-count.js';

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
  const threshold = network.consecutive_failures_threshold;

  // A run that died mid-ladder left its link down or its run open: repaired before this check judges the link.
  await repairInterruptedLadder(name, { audit, system, logger, record });
  const before = readNetworkState(audit.db, name);
  const verdict = await checkLink(network, before.seen_at !== null, system);
  const checkedAt = formatUtcTimestamp(system.now());
  const { consecutiveFailures, decision } = decideAfterCheck(network, before, verdict.state, system.now().getTime());
  recordChange(before, verdict, record);
  // Told once an outage is real (the ladder's threshold), and when it ends: a blip below it is no news.
  if (consecutiveFailures >= threshold && before.consecutive_failures < threshold) {
    tell({
      kind: 'network_degraded',
      summary: `network ${name} ${verdict.state}: ${verdict.reason}`,
      details: {
        state: verdict.state,
        reason: verdict.reason,
        consecutive_failures: consecutiveFailures,
        ladder: network.ladder.map((rung) => rung.name).join(' → ') || null,
      },
    });
  }
  if (verdict.state === 'up' && before.consecutive_failures >= threshold) {
    tell({
      kind: 'network_healed',
      summary: `network ${name} up again by itself: ${verdict.reason}`,
      details: { rung: null, reason: verdict.reason, failed_checks: before.consecutive_failures },
    });
  }
  audit.write((db) =>
    writeNetworkCheck(db, name, {
      checkedAt,
      state: verdict.state,
      reason: verdict.reason,
      consecutiveFailures,
      failingSince: isLinkFailure(verdict.state)
        ? (before.failing_since ?? checkedAt)
        : verdict.state === 'up'
          ? null
          : before.failing_since,
      seenAt:
        verdict.state === 'missing' || (verdict.state === 'check_error' && before.seen_at === null)
          ? before.seen_at
          : checkedAt,
      resetLadderFailures: verdict.state === 'up',
    }),
  );
  logVerdict(logger, verdict, consecutiveFailures, network.consecutive_failures_threshold);

  const outcome: NetworkTickOutcome = {
    interface: name,
    previousState: before.last_state ?? undefined,
    verdict,
    consecutiveFailures,
    decision,
  };
  if (decision.kind === 'wait') logger.info(`network ${name}: ${decision.reason}`);
  if (decision.kind !== 'run') return outcome;

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
      cwd: dirname(deps.configPath),
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
  outcome.ladder = ladder;

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
      writeHealed(db, name, endedAt, healed.state, healed.reason);
      writeLadderRun(db, name, {
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
    return outcome;
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
    writeLadderRun(db, name, { at: ladderAt, ladderId, outcome: ladder.outcome, healedBy: null, failedLadderRuns }),
  );
  if (stopped !== undefined) {
    // Counted (interval_minutes and max_failures see it), but no reboot is weighed by a watchdog told to stop.
    logger.warn(
      `network ${name}: ladder run interrupted by ${stopped}; counted as failed run ${failedLadderRuns}; no reboot considered`,
    );
    return outcome;
  }
  logger.error(
    `network ${name}: the ladder did not heal the link (${why}); ${formatCount(failedLadderRuns, 'consecutive failed run')}, a reboot is considered from ${network.max_failures}`,
  );

  const step = await considerReboot(
    network,
    { failedLadderRuns, ladderId, pastReboots: readReboots(audit.db) },
    system,
    {
      record,
      complete: (id, completion) => audit.write((db) => completeNetworkEvent(db, id, completion)),
      tell,
      logger,
      runShellCommand: (options) => system.runShellCommand(options),
      env: system.env,
      cwd: dirname(deps.configPath),
    },
  );
  outcome.rebootDecision = step.decision;
  if (step.reboot !== undefined) outcome.reboot = step.reboot;
  return outcome;
}

/** A change of the link's state is an event: a failure detected, the link back, or no longer judged. */
function recordChange(
  before: NetworkStateRow,
  verdict: LinkVerdict,
  record: (event: Omit<NetworkEventInput, 'interface'>) => number,
): void {
  if (verdict.state === before.last_state) return;
  if (verdict.state === 'up') {
    // The first check ever of a healthy link is no news.
    if (before.last_state === null) return;
    const after =
      before.consecutive_failures > 0 ? ` after ${formatCount(before.consecutive_failures, 'failed check')}` : '';
    record({ kind: 'link_up', outcome: 'up', detail: `back by itself${after}: ${verdict.reason}` });
  } else if (verdict.state === 'check_error') {
    record({ kind: 'check_error', outcome: verdict.state, detail: verdict.reason });
  } else {
    record({ kind: 'link_down', outcome: verdict.state, detail: verdict.reason });
  }
}

function logVerdict(logger: Logger, verdict: LinkVerdict, failures: number, threshold: number): void {
  const line = `network ${verdict.state}: ${verdict.reason}`;
  if (verdict.state === 'up') logger.debug(line);
  else if (verdict.state === 'check_error') logger.error(line);
  else logger.warn(`${line} (${failures} of ${threshold} consecutive failures)`);
}
