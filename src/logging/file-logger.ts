import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import winston from 'winston';
import type { LogLevel } from '../config/types.js';
import type { Logger } from './logger.js';

export interface FileLoggerOptions {
  logDir: string;
  level: LogLevel;
  maxBytes: number;
  maxFiles: number;
}

export interface FileLogger {
  logger: Logger;
  /** Absolute path of the current log file. */
  path: string;
  /** Flushes everything to disk; call before the process exits. */
  close: () => Promise<void>;
}

export const LOG_FILENAME = 'watchdog.log';

/**
 * The watchdog's log: `watchdog.log` in `logDir`, rotated by size into a bounded number
 * of files (`watchdog1.log`, ...), one line per event with an ISO timestamp.
 *
 * @throws when the log folder cannot be created.
 */
export function createFileLogger({ logDir, level, maxBytes, maxFiles }: FileLoggerOptions): FileLogger {
  mkdirSync(logDir, { recursive: true, mode: 0o750 });
  const path = join(logDir, LOG_FILENAME);
  const transport = new winston.transports.File({
    filename: path,
    maxsize: maxBytes,
    maxFiles,
    tailable: true,
  });
  const logger = winston.createLogger({
    level,
    format: winston.format.combine(
      winston.format.timestamp(),
      winston.format.printf(({ timestamp, level: lineLevel, message }) => `${String(timestamp)} ${lineLevel.padEnd(5)} ${String(message)}`),
    ),
    transports: [transport],
  });
  return {
    logger,
    path,
    close: () =>
      new Promise<void>((resolve) => {
        // winston >= 3.19 emits the file transport's finish only once the file is written (winstonjs/winston#1504).
        transport.once('finish', () => resolve());
        logger.end();
      }),
  };
}
