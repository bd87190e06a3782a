import { delimiter } from 'node:path';

/** Where `ip`, `ping` and `reboot` live on Debian, Buildroot and BusyBox images. */
const SYSTEM_BIN_DIRS = ['/usr/sbin', '/sbin', '/usr/bin', '/bin'];

/**
 * `env` with the system binary folders appended to its PATH: cron runs jobs with
 * PATH=/usr/bin:/bin, where `ip` (in /sbin or /usr/sbin) is not found.
 */
export function withSystemPath(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const current = (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  const missing = SYSTEM_BIN_DIRS.filter((dir) => !current.includes(dir));
  return { ...env, PATH: [...current, ...missing].join(delimiter) };
}
