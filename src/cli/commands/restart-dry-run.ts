import { escapeUntrustedLine } from '../../display/escape-untrusted.js';
import { previewRestart, type RestartPreview } from '../../control/preview-restart.js';
import { readHeartbeatFile } from '../../heartbeat/read-heartbeat-file.js';
import { tickSystemOf } from '../../tick/tick-system.js';
import { EXIT } from '../exit-codes.js';
import { DRY_RUN_DOES } from '../format/format-tick-preview.js';
import { formatActionPreviews } from '../format/format-action-previews.js';
import type { CliIo } from '../io.js';
import { loadCliConfig, requireProcessKey } from '../load-cli-config.js';

/** `watchdog restart <key> --dry-run`: the process's state and the exact actions a restart would run ({@link previewRestart}); asks the checks and the probe, changes nothing. */
export async function runRestartDryRun(args: { config?: string | undefined; key: string }, io: CliIo): Promise<number> {
  const { config } = loadCliConfig(args.config, io);
  const process = requireProcessKey(config, args.key);
  // The restart's own machine: its probe gets what the restart's would (no notification secret), and a stop request ends it.
  const system = tickSystemOf(config, globalThis.process.env, io.signal);
  const preview = await previewRestart(config, process, { system, readHeartbeat: readHeartbeatFile });
  io.out(`dry run: ${DRY_RUN_DOES}`);
  for (const line of formatRestartPreview(preview)) io.out(line);
  return EXIT.ok;
}

/** The preview's lines; the reason quotes what the heartbeat said, so each is escaped to one line. */
function formatRestartPreview(preview: RestartPreview): string[] {
  const { process, verdict } = preview;
  const state = `${process.key}: ${verdict.state} (${verdict.reason})`;
  if (preview.kind === 'refused') return [escapeUntrustedLine(`${state} → a restart would be refused: ${preview.why}`)];
  return [escapeUntrustedLine(`${state} → a restart would run:`), ...formatActionPreviews(preview.actions)];
}
