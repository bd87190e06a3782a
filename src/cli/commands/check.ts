import type { WatchdogConfig } from '../../config/types.js';
import { describeError } from '../../errors.js';
import { readHeartbeatFile } from '../../heartbeat/read-heartbeat-file.js';
import { createFileLogger } from '../../logging/file-logger.js';
import type { Logger } from '../../logging/logger.js';
import { procfsProcessTable } from '../../system/process-table.js';
import { runCheckTick, type ProcessCheck } from '../../tick/run-check-tick.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { loadCliConfig } from '../load-cli-config.js';
import { reportError } from '../report-error.js';

export interface CheckArgs {
  config?: string | undefined;
  verbose?: boolean | undefined;
}

/**
 * `watchdog check`: one tick, as cron runs it every minute. Prints nothing when the
 * tick ran (cron mails whatever a job prints) unless `--verbose`; errors that stop the
 * tick go to standard error and the log.
 */
export async function runCheck(args: CheckArgs, io: CliIo): Promise<number> {
  const { config, warnings } = loadCliConfig(args.config, io);
  const log = openLog(config, io);
  try {
    for (const warning of warnings) log.logger.warn(`config: ${warning}`);
    const outcome = await runCheckTick(config, {
      now: () => new Date(),
      processTable: procfsProcessTable(),
      readHeartbeat: readHeartbeatFile,
      logger: log.logger,
    });
    if (args.verbose === true) {
      if (outcome.kind === 'lock-held') io.out(`another watchdog holds ${outcome.lockPath}; nothing done`);
      else for (const check of outcome.checks) io.out(summarize(check));
    }
    return EXIT.ok;
  } catch (error) {
    log.logger.error(`tick failed: ${describeError(error)}`);
    return reportError(error, io);
  } finally {
    await log.close();
  }
}

function summarize({ process, verdict, consecutiveFailures, threshold, recoveryDue }: ProcessCheck): string {
  const failures = verdict.state === 'healthy' ? '' : `, failures ${consecutiveFailures}/${threshold}${recoveryDue ? ', recovery due' : ''}`;
  return `${process.key}: ${verdict.state} (${verdict.reason}${failures})`;
}

/** The log file, or standard error when the log folder cannot be used: a tick never stops for its log. */
function openLog(config: WatchdogConfig, io: CliIo): { logger: Logger; close: () => Promise<void> } {
  try {
    return createFileLogger({
      logDir: config.log_dir,
      level: config.log_level,
      maxBytes: config.log_max_bytes,
      maxFiles: config.log_max_files,
    });
  } catch (error) {
    io.err(`watchdog: cannot write logs to ${config.log_dir}: ${describeError(error)}; logging warnings to stderr`);
    const toStderr = (message: string): void => io.err(`watchdog: ${message}`);
    return {
      logger: { error: toStderr, warn: toStderr, info: () => undefined, debug: () => undefined },
      close: () => Promise.resolve(),
    };
  }
}
