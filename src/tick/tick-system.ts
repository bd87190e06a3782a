import type { WatchdogConfig } from '../config/types.js';
import { secretNamesOf, withoutVariables } from '../notify/withhold-secrets.js';
import { stoppedRecordPathFor } from '../system/stopped-record.js';
import { realSystem, type System } from '../system/system.js';

/**
 * The machine as every run that checks, acts or previews sees it: `check`, the manual
 * commands and both dry runs. One place, so what a command (an action, a cleanup, a `health`
 * command probe) is given cannot differ between them:
 *
 * - the environment without the secrets notifications use (a command probe runs as the app's
 *   user, which must never see root's SMTP password or a webhook token, in a dry run either);
 * - `signal`, the run's stop request (SIGTERM, Ctrl-C): a probe or a command it runs ends at
 *   once instead of at its timeout;
 * - where a process tree stopped without a cgroup is written down while stopped.
 */
export function tickSystemOf(
  config: Pick<WatchdogConfig, 'notify' | 'ping' | 'lock_path'>,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal | undefined,
): System {
  return realSystem(
    '/proc',
    withoutVariables(env, secretNamesOf(config)),
    signal,
    stoppedRecordPathFor(config.lock_path),
  );
}
