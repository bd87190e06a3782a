import type { WatchdogConfig } from '../../config/types.js';
import { escapeUntrustedLine } from '../../display/escape-untrusted.js';
import { describeError } from '../../errors.js';
import { readHeartbeatFile, type HeartbeatFileRead } from '../../heartbeat/read-heartbeat-file.js';
import { FolderCache } from '../../system/folder-cache.js';
import { realSystem } from '../../system/system.js';
import { stoppedRecordPathFor } from '../../system/stopped-record.js';
import { describeCheck } from '../../tick/describe-check.js';
import { runCheckTick } from '../../tick/run-check-tick.js';
import type { TickOutcome } from '../../tick/tick-outcome.js';
import { EXIT } from '../exit-codes.js';
import { formatNetworkTick, formatRebootLines } from '../format/format-network-tick.js';
import type { CliIo } from '../io.js';
import { loadCliConfig } from '../load-cli-config.js';
import { openLog } from '../open-log.js';
import { reportError } from '../report-error.js';
import type { Logger } from '../../logging/logger.js';
import { secretNamesOf, withoutVariables } from '../../notify/withhold-secrets.js';

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
export async function runCheck(args: CheckArgs, io: CliIo): Promise<number> {
  const { config, warnings } = loadCliConfig(args.config, io);
  if (args.dryRun === true) return (await import('./check-dry-run.js')).runCheckDryRun(config, warnings, io);

  const log = openLog(config, io);
  try {
    for (const warning of warnings) log.logger.warn(`config: ${warning}`);
    let outcome: TickOutcome;
    try {
      // The secrets notifications use are kept from every command the tick runs.
      const system = realSystem(
        '/proc',
        withoutVariables(process.env, secretNamesOf(config)),
        io.signal,
        stoppedRecordPathFor(config.lock_path),
      );
      // Heartbeats that share a folder reach it once per tick.
      const folders = new FolderCache();
      try {
        const readHeartbeat = (path: string): HeartbeatFileRead =>
          readHeartbeatFile(path, undefined, undefined, folders);
        outcome = await runCheckTick(config, { system, readHeartbeat, logger: log.logger, notifyEnv: process.env });
      } finally {
        folders.close();
      }
    } catch (error) {
      log.logger.error(`tick failed: ${describeError(error)}`);
      await ping(config, true, log.logger);
      return reportError(error, io);
    }
    // A tick that found another one running leaves the ping to that one; one asked to stop leaves it to the next.
    if (outcome.kind === 'ran' && outcome.interrupted === undefined)
      await ping(config, outcome.failures.length > 0, log.logger);
    if (args.verbose === true) printVerbose(outcome, io);
    else if (io.isTTY === true) await printSummary(outcome, args, io);
    const code = reportFailedRecoveries(outcome, config, io);
    if (outcome.kind === 'ran' && outcome.interrupted !== undefined) {
      // Did not do what was asked (docs/interruptions.md): exit 1, said where cron and systemd's journal see it.
      io.err(
        escapeUntrustedLine(
          `watchdog: check interrupted by ${outcome.interrupted.signal} ${outcome.interrupted.where}; what was done is recorded (exit 1)`,
        ),
      );
      return EXIT.failed;
    }
    return code;
  } finally {
    await log.close();
  }
}

/** The dead man's switch, loaded only when `ping_url` is set. */
async function ping(config: WatchdogConfig, failed: boolean, logger: Logger): Promise<void> {
  if (config.ping === undefined) return;
  const { pingDeadMansSwitch } = await import('../../notify/ping-dead-mans-switch.js');
  await pingDeadMansSwitch(config.ping, failed, { env: process.env, logger });
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
  for (const check of outcome.checks) {
    out(describeCheck(check));
    if (check.verdict.warning !== undefined) out(`  warning: ${check.verdict.warning}`);
  }
  for (const recovery of outcome.recoveries) {
    out(`${recovery.processKey}: recovery #${recovery.recoveryId} ${recovery.outcome}`);
    for (const action of recovery.actions) out(`  ${action.action}: ${action.outcome}: ${action.detail}`);
  }
  if (outcome.network !== undefined) for (const line of formatNetworkTick(outcome.network)) out(line);
  const sent = outcome.notifications;
  if (sent !== undefined && sent.delivered + sent.failed + sent.waiting + sent.dropped > 0) {
    io.out(
      `notifications: ${sent.delivered} sent, ${sent.waiting} waiting, ${sent.failed} refused, ${sent.dropped} dropped`,
    );
  }
}

/**
 * A failed recovery or ladder run is exit 1, told on standard error so cron mails it; a link
 * that could not be judged is told there too, once, but is no failure. Each line is escaped
 * to one line: summaries and reasons quote what apps, commands and the system said.
 */
function reportFailedRecoveries(outcome: TickOutcome, config: WatchdogConfig, io: CliIo): number {
  if (outcome.kind === 'lock-held') return EXIT.ok;
  const err = (line: string): void => io.err(escapeUntrustedLine(line));
  const failed = outcome.recoveries.filter((recovery) => recovery.outcome === 'failed');
  for (const recovery of failed) {
    err(`watchdog: ${recovery.processKey}: recovery #${recovery.recoveryId} failed: ${recovery.summary}`);
  }
  if (failed.length > 0) err(`watchdog: details: watchdog history --recoveries -c ${config.config_path}`);
  if (outcome.auditDegraded !== undefined) {
    err(
      outcome.auditRowsSaved
        ? `watchdog: the audit database ${config.db_path} ${outcome.auditDegraded}; this tick's rows wait in ${config.journal_path}`
        : `watchdog: the audit database ${config.db_path} ${outcome.auditDegraded}, and the journal ${config.journal_path} cannot be written either: this tick's rows are lost when it ends`,
    );
  }
  // Said once, at the check that gives up: from then on the process is `gave_up` until a person acts.
  const gaveUp = outcome.checks.filter((check) => check.guard?.kind === 'give_up');
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
  return failed.length > 0 || gaveUp.length > 0 || ladderFailed ? EXIT.failed : EXIT.ok;
}
