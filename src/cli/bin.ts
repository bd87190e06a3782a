import { readFileSync } from 'node:fs';
import { decideColor } from '../display/decide-color.js';
import { escapeUntrusted } from '../display/escape-untrusted.js';
import { escapeUntrustedKeepingPaint } from '../display/paint.js';
import { isTerminal } from '../system/is-terminal.js';
import { FILESYSTEM_READER_ARG, runFilesystemReader } from '../system/read-filesystems-within.js';
import { finishOutput } from './finish-output.js';
import { main } from './main.js';
import { createStreamOutput } from './stream-output.js';
import { watchStopSignals } from './watch-stop-signals.js';

// The child that reads file systems for a tick, killed when one does not answer
// (src/system/read-filesystems-within.ts): no command line, config or log of its own.
if (process.argv[2] === FILESYSTEM_READER_ARG) runFilesystemReader(process.argv.slice(3));
else runCli();

function runCli(): void {
  const stdout = createStreamOutput(() => process.stdout);
  const stderr = createStreamOutput(() => process.stderr);
  // Asked once, when first needed: a tick that prints nothing pays one fstat for it.
  let stdoutIsTerminal: boolean | undefined;
  const isTTY = (): boolean => (stdoutIsTerminal ??= isTerminal(1));
  // Where colour may be on, the last guard lets the watchdog's own colours through (`--no-color`
  // only ever turns colour off, so commands then write none); elsewhere it escapes every control.
  let colorPossible: boolean | undefined;
  const guardOut = (line: string): string => {
    colorPossible ??= decideColor({ isTTY: isTTY(), env: process.env });
    return colorPossible ? escapeUntrustedKeepingPaint(line) : escapeUntrusted(line);
  };
  // Installed before anything runs: Node's default for these signals kills the watchdog mid-tick,
  // with a link set down or a start unrecorded (docs/interruptions.md).
  const signal = watchStopSignals(process, (repeated, first) => {
    stderr.write(`watchdog: ${repeated} ignored: already stopping after ${first}\n`);
  });

  void main(
    process.argv.slice(2),
    {
      // The last guard before the terminal: commands escape what apps wrote, each line to one
      // line; this keeps any control character they missed from acting on the terminal, and
      // keeps the newlines of what is printed as several lines (--json).
      out: (line) => stdout.write(`${guardOut(line)}\n`),
      err: (line) => stderr.write(`${escapeUntrusted(line)}\n`),
      env: process.env,
      cwd: process.cwd(),
      signal,
      // Read when a table is printed: opening standard output loads Node's stream and
      // terminal modules, which a tick that prints nothing does not need.
      get columns() {
        return process.stdout.columns;
      },
      get isTTY() {
        return isTTY();
      },
    },
    () =>
      (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version,
  ).then(async (code) => {
    // process.exit drops what a pipe has not taken yet (all but its first 64 KiB): wait for it.
    // Exiting then also ends any handle a library left open.
    process.exit(await finishOutput(code, { stdout, stderr }));
  });
}
