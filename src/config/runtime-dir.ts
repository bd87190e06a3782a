import { isAbsolute, join } from 'node:path';

/** Where the watchdog keeps files in memory (its fallback journal, the unchanged checks waiting) unless the config names them. */
export const DEFAULT_RUNTIME_DIR = '/run/watchdog';

/**
 * The folder for files kept in memory: `WATCHDOG_RUNTIME_DIR` when set to an absolute path
 * (the test suite points it at a temporary folder; a person may too); for a watchdog not
 * run as root, `$XDG_RUNTIME_DIR/watchdog` (its own tmpfs, where it can make folders);
 * else /run/watchdog, a tmpfs on every systemd device.
 */
export function runtimeDirOf(
  env: NodeJS.ProcessEnv = process.env,
  uid: number | undefined = process.getuid?.(),
): string {
  const named = env.WATCHDOG_RUNTIME_DIR;
  if (named !== undefined && isAbsolute(named)) return named;
  const xdg = env.XDG_RUNTIME_DIR;
  if (uid !== 0 && xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'watchdog');
  return DEFAULT_RUNTIME_DIR;
}
