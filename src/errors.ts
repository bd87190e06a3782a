/**
 * Typed errors with a stable `code` and a `hint` telling the user what to do next.
 * Library code throws these; the CLI turns them into messages and `src/cli/exit-codes.ts`
 * maps their codes to exit codes.
 */

export type WatchdogErrorCode =
  | 'CONFIG_MISSING'
  | 'CONFIG_UNREADABLE'
  | 'CONFIG_INVALID'
  | 'CONFIG_UNSAFE'
  | 'LOCK_UNUSABLE'
  | 'LOCK_HELD'
  | 'DB_UNUSABLE'
  | 'UNKNOWN_PROCESS'
  | 'INTERRUPTED'
  | 'BEAT_FAILED'
  | 'USAGE';

export interface WatchdogErrorOptions {
  hint?: string | undefined;
  cause?: unknown;
}

export class WatchdogError extends Error {
  readonly code: WatchdogErrorCode;
  readonly hint: string | undefined;

  constructor(code: WatchdogErrorCode, message: string, options: WatchdogErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WatchdogError';
    this.code = code;
    this.hint = options.hint;
  }
}

/** The config file is missing, unreadable or invalid; `problems` lists every problem found. */
export class ConfigError extends WatchdogError {
  readonly problems: readonly string[];
  /** Things that would load but look wrong, worth showing beside the problems. */
  readonly warnings: readonly string[];

  constructor(
    code: 'CONFIG_MISSING' | 'CONFIG_UNREADABLE' | 'CONFIG_INVALID' | 'CONFIG_UNSAFE',
    message: string,
    problems: readonly string[],
    options: WatchdogErrorOptions & { warnings?: readonly string[] } = {},
  ) {
    super(code, message, options);
    this.name = 'ConfigError';
    this.problems = problems;
    this.warnings = options.warnings ?? [];
  }
}

/** The error code of a Node system error (`ENOENT`, `EACCES`...), if it has one. */
export function systemErrorCode(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

/** A one-line description of any thrown value. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
