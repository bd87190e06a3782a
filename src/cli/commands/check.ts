import type { WatchdogConfig } from '../../config/types.js';
import { describeError } from '../../errors.js';
import { readHeartbeatFile } from '../../heartbeat/read-heartbeat-file.js';
import { createFileLogger } from '../../logging/file-logger.js';
import type { Logger } from '../../logging/logger.js';
import { procfsProcessTable } from '../../system/process-table.js';
import { describeCheck } from '../../tick/describe-check.js';
import { runCheckTick } from '../../tick/run-check-tick.js';
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
      else for (const check of outcome.checks) io.out(describeCheck(check));
    }
    return EXIT.ok;
  } catch (error) {
    log.logger.error(`tick failed: ${describeError(error)}`);
    return reportError(error, io);
  } finally {
    await log.close();
  }
}

/**
 * The log file, or standard error when the log cannot be written: a tick never stops
 * for its log, and a broken log shows in cron's mail.
 */
function openLog(config: WatchdogConfig, io: CliIo): { logger: Logger; close: () => Promise<void> } {
  let reported = false;
  const toStderr = (problem: string) => (line: string): void => {
    if (!reported) io.err(`watchdog: ${problem}; log lines follow on stderr`);
    reported = true;
    io.err(line);
  };
  try {
    return createFileLogger({
      logDir: config.log_dir,
      level: config.log_level,
      maxBytes: config.log_max_bytes,
      maxFiles: config.log_max_files,
      onWriteError: (error, line) => toStderr(`cannot write to the log in ${config.log_dir}: ${describeError(error)}`)(line),
    });
  } catch (error) {
    const write = toStderr(`cannot use the log folder ${config.log_dir}: ${describeError(error)}`);
    return {
      logger: { error: (line) => write(`error ${line}`), warn: (line) => write(`warn ${line}`), info: () => undefined, debug: () => undefined },
      close: () => Promise.resolve(),
    };
  }
}
