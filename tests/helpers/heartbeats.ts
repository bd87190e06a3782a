import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';

export interface HeartbeatFields {
  process_key: unknown;
  pid: unknown;
  timestamp: unknown;
  status: unknown;
  iteration: unknown;
}

/** The text of a heartbeat in the Python Watchdog's format, with any field overridden. */
export function heartbeatText(fields: Partial<HeartbeatFields> & { process_key: unknown }): string {
  return JSON.stringify({
    pid: process.pid,
    timestamp: formatUtcTimestamp(new Date()),
    status: 'running',
    iteration: 1,
    ...fields,
  });
}

/** Writes a file (and its folder) with the given text or bytes. */
export function writeFileAt(path: string, contents: string | Buffer): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, contents);
  return path;
}
