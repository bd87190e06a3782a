import type { WatchdogConfig } from '../../config/types.js';
import { readHeartbeatFile } from '../../heartbeat/read-heartbeat-file.js';
import { previewProcesses, previewTickNetwork, previewTickThermal } from '../../tick/preview-tick.js';
import { tickSystemOf } from '../../tick/tick-system.js';
import { EXIT } from '../exit-codes.js';
import { formatFilesystemPreviews, formatTickPreview } from '../format/format-tick-preview.js';
import type { CliIo } from '../io.js';

/**
 * `watchdog check --dry-run`: what the next tick would decide (see `previewTick`), told line
 * by line: the processes at once, then the file system entries, then each thermal zone (with a `thermal` section), then the
 * network part, which reads the link and runs the probes (loaded only with a `network`
 * section). Asks the checks and probes as the tick would; changes nothing.
 */
export async function runCheckDryRun(config: WatchdogConfig, warnings: readonly string[], io: CliIo): Promise<number> {
  // The tick's own machine: its probes get what the tick's would (no notification secret), and a stop request ends them.
  const system = tickSystemOf(config, process.env, io.signal);
  const previews = await previewProcesses(config, { system, readHeartbeat: readHeartbeatFile });
  for (const line of formatTickPreview(config, warnings, previews)) io.out(line);
  if (config.filesystems.length > 0) {
    const { previewFilesystems } = await import('../../tick/preview-filesystems.js');
    for (const line of formatFilesystemPreviews(await previewFilesystems(config, system))) io.out(line);
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
