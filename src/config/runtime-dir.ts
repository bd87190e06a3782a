import { isAbsolute } from 'node:path';

/** Where a watchdog run as root keeps the unchanged checks waiting in memory unless the config names a file. */
export const DEFAULT_RUNTIME_DIR = '/run/watchdog';

/**
 * The folder for the unchanged checks waiting in memory (docs/storage-writes.md): for root
 * /run/watchdog, a tmpfs on every systemd device; for another user their own tmpfs,
 * /run/user/UID/watchdog (by the UID, never `$XDG_RUNTIME_DIR`: cron sets none, a login
 * does, and cron's tick and a person's command must find the same file).
 * `WATCHDOG_RUNTIME_DIR`, when an absolute path, is taken instead: the test suite points it
 * at a folder of its own so no test writes the machine's /run. What waits there decides
 * nothing, so a folder another environment names costs at most when those checks ran.
 */
export function runtimeDirOf(
  env: NodeJS.ProcessEnv = process.env,
  uid: number | undefined = process.getuid?.(),
): string {
  const named = env.WATCHDOG_RUNTIME_DIR;
  if (named !== undefined && isAbsolute(named)) return named;
  if (uid !== undefined && uid !== 0) return `/run/user/${uid}/watchdog`;
  return DEFAULT_RUNTIME_DIR;
}
