import { readFileSync } from 'node:fs';

/** The parsed heartbeat file, unchecked: tests assert on its shape. */
export function readHeartbeat(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}
