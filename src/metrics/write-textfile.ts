import { replaceFile } from '../system/replace-file.js';

/**
 * Writes the textfile atomically: a temporary file in the same folder (not ending in
 * `.prom`, so the collector never reads it half written), then a rename over the old one.
 * Readable by all (0644): node_exporter usually runs as its own user. The folder must be
 * root's (or the watchdog's user's) and writable by no one else ({@link replaceFile}).
 */
export function writeTextfile(path: string, text: string): void {
  replaceFile(path, text, 0o644);
}
