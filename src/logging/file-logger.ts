import { join, resolve } from 'node:path';
import type winstonModule from 'winston';
import type TransportStream from 'winston-transport';
import { escapeUntrustedLine } from '../display/escape-untrusted.js';
import type { Logger, LogLevel } from './logger.js';
import { PROCESS_LINK_TRUST, reachTrustedFolder } from '../system/open-file-safely.js';
import { closeFolder, inFolder } from '../system/walk-path.js';
import { appendWithRotation } from './rotating-file.js';

export interface FileLoggerOptions {
  logDir: string;
  level: LogLevel;
  maxBytes: number;
  maxFiles: number;
  /** Gets a line that could not be written (disk full, the file replaced by a folder...): a log never stops a tick. */
  onWriteError: (error: unknown, line: string) => void;
}

export interface FileLogger {
  logger: Logger;
  /** Absolute path of the current log file. */
  path: string;
  /** Ends the logger; every line is already on disk. */
  close: () => Promise<void>;
}

export const LOG_FILENAME = 'watchdog.log';

const SEVERITY: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/**
 * The watchdog's log: `watchdog.log` in `logDir`, one line per event with an ISO
 * timestamp, rotated by size into at most `maxFiles` files. winston formats the lines
 * and filters by level; a transport of ours writes them synchronously, because
 * winston's own File transport loses lines and empties files when a burst crosses
 * `maxsize` (winstonjs/winston#1655, #1667). winston is loaded only when a line at
 * `level` or above is written, so a healthy tick, which logs nothing at the default
 * level, does not pay for it.
 *
 * The folder is reached once, without links others could have planted, and must be root's
 * or the watchdog's user's and writable by no one else; every line is written from its
 * descriptor, so the log cannot be redirected while the watchdog runs.
 *
 * Every line is escaped where it is written ({@link escapeUntrustedLine}): messages carry
 * what apps chose (output, heartbeat fields, file names in errors), and a newline or an
 * escape sequence in them must not forge a line or act on the terminal of whoever reads
 * the log.
 *
 * @throws when the log folder cannot be created, or is not safe (`EUNSAFEPATH`).
 */
export function createFileLogger({ logDir, level, maxBytes, maxFiles, onWriteError }: FileLoggerOptions): FileLogger {
  const folder = reachTrustedFolder(resolve(logDir), { trust: PROCESS_LINK_TRUST, createMode: 0o750 });
  const path = join(folder.path, LOG_FILENAME);
  const file = inFolder(folder, LOG_FILENAME);
  let winstonLogger: winstonModule.Logger | undefined;

  const open = (): winstonModule.Logger => {
    if (winstonLogger === undefined) {
      // winston is CommonJS, so it can be loaded synchronously at the first line worth writing.
      // node:module itself is fetched here too: a healthy tick, which logs nothing, need not load it.
      const requireModule = process.getBuiltinModule('node:module').createRequire(import.meta.url);
      const winston = requireModule('winston') as typeof winstonModule;
      const Transport = requireModule('winston-transport') as typeof TransportStream;
      const MESSAGE = Symbol.for('message');
      const transport = new (class extends Transport {
        override log(info: Record<string | symbol, unknown>, callback: () => void): void {
          const line = escapeUntrustedLine(String(info[MESSAGE]));
          try {
            appendWithRotation(file, `${line}\n`, maxBytes, maxFiles);
          } catch (error) {
            onWriteError(error, line);
          }
          callback();
        }
      })();
      winstonLogger = winston.createLogger({
        level,
        format: winston.format.combine(
          winston.format.timestamp(),
          winston.format.printf(
            ({ timestamp, level: lineLevel, message }) =>
              `${String(timestamp)} ${lineLevel.padEnd(5)} ${String(message)}`,
          ),
        ),
        transports: [transport],
      });
    }
    return winstonLogger;
  };
  const at =
    (lineLevel: LogLevel) =>
    (message: string): void => {
      if (SEVERITY[lineLevel] <= SEVERITY[level]) open().log(lineLevel, message);
    };

  return {
    logger: { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') },
    path,
    close: () => {
      winstonLogger?.close();
      closeFolder(folder);
      return Promise.resolve();
    },
  };
}
