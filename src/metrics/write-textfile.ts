import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';

/**
 * Writes the textfile atomically: a temporary file in the same folder (not ending in
 * `.prom`, so the collector never reads it half written), then a rename over the old one.
 * Readable by all (0644): node_exporter usually runs as its own user.
 */
export function writeTextfile(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temporary);
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, path);
}
