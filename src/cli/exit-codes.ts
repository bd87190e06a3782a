import type { WatchdogErrorCode } from '../errors.js';

/** The CLI's exit codes (docs/commands.md, "Exit codes"). */
export const EXIT = {
  ok: 0,
  /** A recovery or a requested action failed; or a signal stopped the run before it did what was asked. */
  failed: 1,
  /** Usage error or unknown process key. */
  usage: 2,
  /** A manual command could not get the lock in time. */
  locked: 75,
  /** The config is missing, unreadable or invalid. */
  config: 78,
} as const;

const EXIT_BY_ERROR: Record<WatchdogErrorCode, number> = {
  CONFIG_MISSING: EXIT.config,
  CONFIG_UNREADABLE: EXIT.config,
  CONFIG_INVALID: EXIT.config,
  CONFIG_UNSAFE: EXIT.config,
  LOCK_UNUSABLE: EXIT.failed,
  LOCK_HELD: EXIT.locked,
  DB_UNUSABLE: EXIT.failed,
  UNKNOWN_PROCESS: EXIT.usage,
  USAGE: EXIT.usage,
  INTERRUPTED: EXIT.failed,
  BEAT_FAILED: EXIT.failed,
};

export function exitCodeFor(code: WatchdogErrorCode): number {
  return EXIT_BY_ERROR[code];
}
