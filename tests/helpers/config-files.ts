import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProcessEntry {
  heartbeat_path: string;
  timeout_seconds?: number;
  enabled?: boolean;
  [key: string]: unknown;
}

/** Writes a config file in the new format (start commands are never run by these tests). */
export function writeConfig(
  dir: string,
  processes: Record<string, ProcessEntry>,
  topLevel: Record<string, unknown> = {},
  filename = 'config.json',
): string {
  const path = join(dir, filename);
  const config = {
    consecutive_failures_threshold: 2,
    ...topLevel,
    processes: Object.fromEntries(
      Object.entries(processes).map(([key, entry]) => [
        key,
        {
          display_name: `The ${key} app`,
          timeout_seconds: 30,
          enabled: true,
          commands: { start: `echo start ${key}` },
          recovery_actions: ['kill', 'start'],
          ...entry,
        },
      ]),
    ),
  };
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}
