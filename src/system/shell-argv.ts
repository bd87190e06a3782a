import { existsSync } from 'node:fs';
import type { UserAccount } from './lookup-user.js';

/** How a command is spawned: the program and its arguments. */
export interface ShellArgv {
  file: string;
  args: string[];
}

/**
 * `/bin/sh -c command`, run as `user` when one is given: through setpriv(1) (util-linux),
 * which sets the user's groups with initgroups. Node's own `uid`/`gid` spawn options
 * would drop every supplementary group, and an app that needs `dialout` or `gpio` would
 * then fail in ways that are hard to see. A watchdog already running as that user runs
 * the command directly (only root may set groups).
 */
export function shellArgv(
  command: string,
  user?: UserAccount,
  ownUid: number | undefined = process.geteuid?.(),
): ShellArgv {
  if (user === undefined || user.uid === ownUid) return { file: '/bin/sh', args: ['-c', command] };
  return {
    file: setprivPath(),
    args: [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--', '/bin/sh', '-c', command],
  };
}

/** The variables a login as `user` would set, so a command run as it finds its home. */
export function userEnv(user: UserAccount): NodeJS.ProcessEnv {
  return { HOME: user.home, USER: user.name, LOGNAME: user.name };
}

/**
 * The environment of a process's commands (its actions, its command probe): the watchdog's
 * own, the `user`'s HOME, USER and LOGNAME as a login would set, the process's `env` on top,
 * then `extra` (the `WATCHDOG_*` variables that tell a script what it serves).
 */
export function processCommandEnv(
  base: NodeJS.ProcessEnv,
  user: UserAccount | undefined,
  env: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string>>,
): NodeJS.ProcessEnv {
  return { ...base, ...(user === undefined ? {} : userEnv(user)), ...env, ...extra };
}

/**
 * setpriv by its absolute path, never through PATH: a process's `env` may set PATH, and
 * a `setpriv` planted in a folder of the app user's would then run as root.
 */
export function setprivPath(exists: (path: string) => boolean = existsSync): string {
  return ['/usr/bin/setpriv', '/bin/setpriv', '/usr/sbin/setpriv', '/sbin/setpriv'].find(exists) ?? '/usr/bin/setpriv';
}
