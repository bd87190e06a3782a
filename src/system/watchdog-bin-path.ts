import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The `watchdog` binary beside the module at `moduleUrl`: in the bundle (dist/cli/watchdog.js)
 * the bin.js beside it; in the modules tsc writes (dist/system/) or their sources run
 * through tsx (src/system/), cli/bin with their own extension. Never `process.argv[1]`: a
 * program that runs a tick through the library would be run again.
 */
export function watchdogBinPath(moduleUrl: string): string {
  const here = fileURLToPath(moduleUrl);
  if (basename(here) === 'watchdog.js') return join(dirname(here), 'bin.js');
  return join(dirname(here), '..', 'cli', `bin${extname(here)}`);
}
