/** Log levels as winston names them. */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** What library code needs of a logger; winston's logger is one, and tests pass a recorder. */
export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}
