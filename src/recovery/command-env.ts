import type { ProcessConfig } from '../config/types.js';
import { userEnv } from '../system/shell-argv.js';

/** Who runs an action and why, for its environment and the audit log. */
export interface ActionContext {
  process: ProcessConfig;
  /** Why the pipeline runs: the triggering state and reason, or the manual command. */
  reason: string;
}

/**
 * The environment of a process's commands: the watchdog's own, the process's `env` on
 * top, and `WATCHDOG_*` variables that tell a script which process and action it serves.
 * A process with a `user` gets that user's HOME, USER and LOGNAME, as a login would set.
 */
export function commandEnv(base: NodeJS.ProcessEnv, context: ActionContext, action: string): NodeJS.ProcessEnv {
  return {
    ...base,
    ...(context.process.user === undefined ? {} : userEnv(context.process.user)),
    ...context.process.env,
    WATCHDOG_PROCESS_KEY: context.process.key,
    WATCHDOG_ACTION: action,
    WATCHDOG_REASON: context.reason,
  };
}
