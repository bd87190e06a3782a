import { processCommandEnv } from '../system/shell-argv.js';
import type { RecoveredSubject } from './checked-subject.js';

/** Who runs an action and why, for its environment and the audit log. */
export interface ActionContext {
  /** The process (or file system entry) served. */
  process: Pick<RecoveredSubject, 'key' | 'user' | 'env'>;
  /** Why the pipeline runs: the triggering state and reason, or the manual command. */
  reason: string;
  /** Told around a start, so the instance is on record before the watchdog can be stopped or killed. */
  startHooks?: StartHooks | undefined;
}

/**
 * What a start tells as it goes, each written at once: a SIGKILL between two of these
 * lines must leave a record from which the next run starts no second copy.
 */
export interface StartHooks {
  /** Before the command is spawned: a start is under way (the next run waits for it). */
  beforeSpawn(startedAt: string): void;
  /** As soon as it is spawned, before `verify_delay`: the instance, by PID. */
  spawned(pid: number, startedAt: string): void;
  /** It failed (never ran, or exited non-zero within `verify_delay`): nothing is coming up. */
  failed(startedAt: string): void;
}

/**
 * The environment of a process's commands: the watchdog's own, the process's `env` on
 * top, and `WATCHDOG_*` variables that tell a script which process and action it serves.
 * A process with a `user` gets that user's HOME, USER and LOGNAME, as a login would set.
 */
export function commandEnv(base: NodeJS.ProcessEnv, context: ActionContext, action: string): NodeJS.ProcessEnv {
  return processCommandEnv(base, context.process.user, context.process.env, {
    WATCHDOG_PROCESS_KEY: context.process.key,
    WATCHDOG_ACTION: action,
    WATCHDOG_REASON: context.reason,
  });
}
