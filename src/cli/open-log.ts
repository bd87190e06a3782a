import type { WatchdogConfig } from '../config/types.js';
import { escapeUntrustedLine } from '../display/escape-untrusted.js';
import { describeError } from '../errors.js';
import { createFileLogger } from '../logging/file-logger.js';
import type { Logger } from '../logging/logger.js';
import type { CliIo } from './io.js';

export interface OpenLog {
  logger: Logger;
  close: () => Promise<void>;
}

/**
 * The watchdog's log file, or standard error when the log cannot be written: a command
 * never stops for its log, and a broken log shows in cron's mail.
 */
export function openLog(config: WatchdogConfig, io: CliIo): OpenLog {
  let reported = false;
  const toStderr =
    (problem: string) =>
    (line: string): void => {
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
      onWriteError: (error, line) =>
        toStderr(`cannot write to the log in ${config.log_dir}: ${describeError(error)}`)(line),
    });
  } catch (error) {
    const write = toStderr(`cannot use the log folder ${config.log_dir}: ${describeError(error)}`);
    // Log lines, escaped as the log file's are: one line each, whatever an app put in them.
    return {
      logger: {
        error: (line) => write(`error ${escapeUntrustedLine(line)}`),
        warn: (line) => write(`warn ${escapeUntrustedLine(line)}`),
        info: () => undefined,
        debug: () => undefined,
      },
      close: () => Promise.resolve(),
    };
  }
}
