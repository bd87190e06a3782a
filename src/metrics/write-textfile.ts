import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/**
 * Writes the textfile atomically: a temporary file in the same folder (not ending in
 * `.prom`, so the collector never reads it half written), then a rename over the old one.
 * Readable by all (0644): node_exporter usually runs as its own user.
 */
export function writeTextfile(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(temporary, 'w', 0o644);
    try {
      // The mode of open() passes through the umask; node_exporter must read it whatever the umask.
      fchmodSync(fd, 0o644);
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    // A temporary file left behind would be a new one every tick (its name has the PID).
    rmSync(temporary, { force: true });
    throw error;
  }
}
