import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** The mode of every folder this library creates (see {@link makeHeartbeatDir}). */
export const DIR_MODE = 0o755;

/**
 * Creates `dir` and any missing parents. Only the folders created here get mode
 * {@link DIR_MODE}, set explicitly: with an app umask such as 0o077 they would
 * otherwise be 0o700 and a watchdog running as another user could not reach the
 * 0o644 heartbeat inside. Existing folders keep their mode.
 *
 * @example
 * ```ts
 * makeHeartbeatDir('/run/my-app/heartbeats');
 * ```
 */
export function makeHeartbeatDir(dir: string): void {
  const firstCreated = mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  if (firstCreated === undefined) return;
  const created: string[] = [];
  let path = dir;
  // `dir` is absolute and mkdirSync reports the first created folder in the same
  // form; the root check only guards against a loop if that ever changed.
  while (path !== firstCreated && dirname(path) !== path) {
    created.push(path);
    path = dirname(path);
  }
  created.push(firstCreated);
  // Parents first, so each chmod happens on a path that is reachable already.
  for (const path of created.reverse()) chmodSync(path, DIR_MODE);
}
