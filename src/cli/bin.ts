import { readFileSync } from 'node:fs';
import { escapeUntrusted } from '../display/escape-untrusted.js';
import { finishOutput } from './finish-output.js';
import { main } from './main.js';
import { createStreamOutput } from './stream-output.js';
import { watchStopSignals } from './watch-stop-signals.js';

const stdout = createStreamOutput(() => process.stdout);
const stderr = createStreamOutput(() => process.stderr);
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
    out: (line) => stdout.write(`${escapeUntrusted(line)}\n`),
    err: (line) => stderr.write(`${escapeUntrusted(line)}\n`),
    env: process.env,
    cwd: process.cwd(),
    signal,
    // Read when a table is printed: opening standard output loads Node's stream and
    // terminal modules, which a tick that prints nothing does not need.
    get columns() {
      return process.stdout.columns;
    },
  },
  () => (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version,
).then(async (code) => {
  // process.exit drops what a pipe has not taken yet (all but its first 64 KiB): wait for it.
  // Exiting then also ends any handle a library left open.
  process.exit(await finishOutput(code, { stdout, stderr }));
});
