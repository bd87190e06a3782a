import type { WatchdogConfig } from '../../config/types.js';
import { escapeUntrustedLine } from '../../display/escape-untrusted.js';
import { describeCheck } from '../../tick/describe-check.js';
import { runTick } from '../../tick/run-tick.js';
import type { TickOutcome } from '../../tick/tick-outcome.js';
import type { AssessedCheck } from '../../tick/process-check.js';
import { assessedCheckOf } from '../../tick/filesystem-check.js';
import type { RecoveryReport } from '../../recovery/run-recovery.js';
import { EXIT } from '../exit-codes.js';
import { formatNetworkTick, formatRebootLines } from '../../network/format/format-network-tick.js';
import type { CliIo } from '../io.js';
import { loadCliConfig } from '../load-cli-config.js';
import { openLog } from '../open-log.js';
import { reportError } from '../report-error.js';
import { formatThermalTick } from '../../thermal/format/format-thermal-tick.js';

export interface CheckArgs {
  config?: string | undefined;
  verbose?: boolean | undefined;
  dryRun?: boolean | undefined;
  /** `false` for `--no-color`. */
  color?: boolean | undefined;
}

/**
 * `watchdog check`: one tick, as cron runs it every minute. Prints nothing when the
 * tick ran (cron mails whatever a job prints) unless `--verbose`, or standard output is a
 * terminal: a person who typed it gets one line on what it did. Errors that stop the
 * tick, failed recoveries and a process given up on go to standard error and the log.
 * Exit 1 when a recovery failed or the crash-loop guard gave up on a process.
 */
export async function runCheck(args: CheckArgs, io: CliIo, readVersion?: () => string): Promise<number> {
  const { config, warnings } = loadCliConfig(args.config, io);
  if (args.dryRun === true) return (await import('./check-dry-run.js')).runCheckDryRun(config, warnings, io);

  const log = openLog(config, io);
  try {
    for (const warning of warnings) log.logger.warn(`config: ${warning}`);
    const run = await runTick(config, { logger: log.logger, signal: io.signal, readVersion });
    if (run.kind === 'threw') return reportError(run.error, io);
    const { outcome, decision } = run;
    if (args.verbose === true) printVerbose(outcome, io);
    else if (io.isTTY === true) await printSummary(outcome, args, io);
    reportProblems(outcome, config, io);
    if (outcome.kind === 'ran' && outcome.interrupted !== undefined) {
      // Did not do what was asked (docs/interruptions.md): exit 1, said where cron and systemd's journal see it.
      io.err(
        escapeUntrustedLine(
          `watchdog: check interrupted by ${outcome.interrupted.signal} ${outcome.interrupted.where}; what was done is recorded (exit 1)`,
        ),
      );
    }
    return decision.exit === 'failed' ? EXIT.failed : EXIT.ok;
  } finally {
    await log.close();
  }
}

/** One line on what the tick did, for a person at a terminal; loaded only then, as cron never needs it. */
async function printSummary(outcome: TickOutcome, args: CheckArgs, io: CliIo): Promise<void> {
  const [{ formatTickSummary }, { outputStyleOf }] = await Promise.all([
    import('../format/format-tick-summary.js'),
    import('../output-style.js'),
  ]);
  io.out(formatTickSummary(outcome, outputStyleOf(io, args.color)));
}

/** `--verbose`: a line per check, recovery action, network step; each escaped to one line, as they quote heartbeats and commands. */
function printVerbose(outcome: TickOutcome, io: CliIo): void {
  const out = (line: string): void => io.out(escapeUntrustedLine(line));
  if (outcome.kind === 'lock-held') {
    io.out(`another watchdog holds ${outcome.lockPath}; nothing done`);
    return;
  }
  for (const check of checksOf(outcome)) {
    out(describeCheck(check));
    if (check.verdict.warning !== undefined) out(`  warning: ${check.verdict.warning}`);
  }
  for (const recovery of recoveriesOf(outcome)) {
    out(`${recovery.processKey}: recovery #${recovery.recoveryId} ${recovery.outcome}`);
    for (const action of recovery.actions) out(`  ${action.action}: ${action.outcome}: ${action.detail}`);
  }
  if (outcome.thermal !== undefined) for (const line of formatThermalTick(outcome.thermal)) out(line);
  if (outcome.network !== undefined) for (const line of formatNetworkTick(outcome.network)) out(line);
  const sent = outcome.notifications;
  if (sent !== undefined && sent.delivered + sent.failed + sent.waiting + sent.dropped > 0) {
    io.out(
      `notifications: ${sent.delivered} sent, ${sent.waiting} waiting, ${sent.failed} refused, ${sent.dropped} dropped`,
    );
  }
}

/**
 * Failed recoveries, a give-up and a ladder run that did not heal (exit 1: see
 * `decideTickOutcome`) are told on standard error so cron mails them; an audit log that
 * cannot take rows, and a link that could not be judged, are told there too, but are no
 * failure. Each line is escaped to one line: summaries and reasons quote what apps,
 * commands and the system said.
 */
function reportProblems(outcome: TickOutcome, config: WatchdogConfig, io: CliIo): void {
  if (outcome.kind === 'lock-held') return;
  const err = (line: string): void => io.err(escapeUntrustedLine(line));
  const failed = recoveriesOf(outcome).filter((recovery) => recovery.outcome === 'failed');
  for (const recovery of failed) {
    err(`watchdog: ${recovery.processKey}: recovery #${recovery.recoveryId} failed: ${recovery.summary}`);
  }
  if (failed.length > 0) err(`watchdog: details: watchdog history --recoveries -c ${config.config_path}`);
  if (outcome.auditDegraded !== undefined) {
    err(
      outcome.auditRowsSaved
        ? `watchdog: the audit database ${config.db_path} ${outcome.auditDegraded}; this tick's rows wait in ${outcome.auditJournal ?? config.journal_path}`
        : `watchdog: the audit database ${config.db_path} ${outcome.auditDegraded}, and the journal ${config.journal_path} cannot be written either: this tick's rows are lost when it ends`,
    );
  }
  // Said once, at the check that gives up: from then on the process is `gave_up` until a person acts.
  const gaveUp = checksOf(outcome).filter((check) => check.guard?.kind === 'give_up');
  for (const check of gaveUp) {
    err(`watchdog: ${check.process.key}: ${check.verdict.reason}`);
    err(
      `watchdog: ${check.process.key}: no more recoveries until \`watchdog on ${check.process.key}\` or \`watchdog reset ${check.process.key}\``,
    );
  }
  const network = outcome.network;
  // Said once, when it starts: a link that cannot be judged (often a misspelt interface) turns the ladder off.
  if (network !== undefined && network.verdict.state === 'check_error' && network.previousState !== 'check_error') {
    err(
      `watchdog: network ${network.interface}: cannot be checked, so the ladder does nothing: ${network.verdict.reason}`,
    );
  }
  const ladderFailed = network?.ladder !== undefined && network.ladder.outcome !== 'healed';
  if (network !== undefined && ladderFailed) {
    err(
      `watchdog: network ${network.interface}: the ladder did not heal the link (${network.ladder?.outcome}): ${network.verdict.reason}`,
    );
    for (const line of formatRebootLines(network)) err(`watchdog: network ${network.interface}: ${line}`);
    err(`watchdog: details: watchdog history --network -c ${config.config_path}`);
  }
}

type RanTick = Extract<TickOutcome, { kind: 'ran' }>;

/** The processes' checks, then the file system entries'. */
function checksOf(outcome: RanTick): AssessedCheck[] {
  return [...outcome.checks, ...(outcome.filesystems?.checks.map(assessedCheckOf) ?? [])];
}

/** The processes' recoveries, then the file system entries'. */
function recoveriesOf(outcome: RanTick): RecoveryReport[] {
  return [...outcome.recoveries, ...(outcome.filesystems?.recoveries ?? [])];
}
