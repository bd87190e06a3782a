import type { WatchdogConfig } from '../../config/types.js';
import { previewTick } from '../../tick/preview-tick.js';
import { EXIT } from '../exit-codes.js';
import { formatTickPreview } from '../format/format-tick-preview.js';
import type { CliIo } from '../io.js';

/**
 * `watchdog check --dry-run`: what the next tick would decide ({@link previewTick}), told
 * line by line. Changes nothing.
 */
export async function runCheckDryRun(config: WatchdogConfig, warnings: readonly string[], io: CliIo): Promise<number> {
  const preview = await previewTick(config);
  for (const line of formatTickPreview(config, warnings, preview)) io.out(line);
  return EXIT.ok;
}
