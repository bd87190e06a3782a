import type { WatchdogConfig } from '../../config/types.js';
import { previewProcesses, previewTickNetwork, previewTickThermal } from '../../tick/preview-tick.js';
import { EXIT } from '../exit-codes.js';
import { formatFilesystemPreviews, formatTickPreview } from '../format/format-tick-preview.js';
import type { CliIo } from '../io.js';

/**
 * `watchdog check --dry-run`: what the next tick would decide (see `previewTick`), told line
 * by line: the processes at once, then the file system entries, then each thermal zone (with a `thermal` section), then the
 * network part, which reads the link and runs the probes (loaded only with a `network`
 * section). Changes nothing.
 */
export async function runCheckDryRun(config: WatchdogConfig, warnings: readonly string[], io: CliIo): Promise<number> {
  for (const line of formatTickPreview(config, warnings, await previewProcesses(config))) io.out(line);
  if (config.filesystems.length > 0) {
    const [{ previewFilesystems }, { realSystem }] = await Promise.all([
      import('../../tick/preview-filesystems.js'),
      import('../../system/system.js'),
    ]);
    for (const line of formatFilesystemPreviews(previewFilesystems(config, realSystem()))) io.out(line);
  }
  if (config.thermal !== undefined) {
    const [preview, { formatThermalPreview }] = await Promise.all([
      previewTickThermal(config),
      import('../../thermal/format/format-thermal-preview.js'),
    ]);
    if (preview !== undefined) for (const line of formatThermalPreview(preview)) io.out(line);
  }
  if (config.network !== undefined) {
    const [preview, { formatNetworkPreview }] = await Promise.all([
      previewTickNetwork(config),
      import('../../network/format/format-network-preview.js'),
    ]);
    if (preview !== undefined) for (const line of formatNetworkPreview(config.network, preview)) io.out(line);
  }
  return EXIT.ok;
}
