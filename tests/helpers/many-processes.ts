import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes `dir/config.json` (mode 0644) with `count` processes whose display names are
 * `nameBytes` long, everything else in `dir`, so `status --json` prints megabytes. Nothing
 * is ever started: no test here runs `check`.
 */
export function writeManyProcessesConfig(dir: string, count: number, nameBytes = 1000): string {
  const processes = Object.fromEntries(
    Array.from({ length: count }, (_, index) => [
      `app_${index}`,
      {
        display_name: `App ${index} ${'x'.repeat(nameBytes)}`,
        timeout_seconds: 30,
        heartbeat_path: `heartbeats/app_${index}.json`,
        enabled: true,
        commands: { start: 'true' },
      },
    ]),
  );
  const path = join(dir, 'config.json');
  const config = {
    db_path: join(dir, 'watchdog.db'),
    lock_path: join(dir, 'watchdog.lock'),
    log_dir: join(dir, 'logs'),
    processes,
  };
  writeFileSync(path, `${JSON.stringify(config)}\n`);
  chmodSync(path, 0o644);
  return path;
}
