import type { BeatArgs } from './commands/beat.js';

/** The options a beat's fast path knows, each with a value, and the field each sets. */
const OPTIONS: Record<string, 'config' | 'pid' | 'status'> = {
  '-c': 'config',
  '--config': 'config',
  '--pid': 'pid',
  '--status': 'status',
};

/**
 * `beat KEY` with at most `-c PATH`, `--pid PID` and `--status S` (each once, as `--x V` or
 * `--x=V`), recognised without yargs: a shell loop runs it every few seconds, and loading
 * yargs would cost more than the beat. Any other line (help, a typo, a PID that is not a
 * whole number) goes through yargs and gets its full checks and messages. `undefined` when
 * `argv` is not such a line. Pure.
 */
export function parseBeatLine(argv: readonly string[]): BeatArgs | undefined {
  const found: Partial<Record<'config' | 'pid' | 'status', string>> = {};
  let command = false;
  let key: string | undefined;
  for (let index = 0; index < argv.length; index += 1) {
    const word = argv[index] ?? '';
    const equals = word.startsWith('--') ? word.indexOf('=') : -1;
    const name = equals < 0 ? word : word.slice(0, equals);
    const option = OPTIONS[name];
    if (option === undefined) {
      if (word.startsWith('-') || key !== undefined || word === '') return undefined;
      if (command) key = word;
      else if (word === 'beat') command = true;
      else return undefined;
      continue;
    }
    const value = equals < 0 ? argv[(index += 1)] : word.slice(equals + 1);
    // A missing or flag-like value, or an option given twice, is yargs' to explain.
    if (value === undefined || value === '' || value.startsWith('-') || found[option] !== undefined) return undefined;
    found[option] = value;
  }
  if (key === undefined) return undefined;
  if (found.pid !== undefined && !/^[1-9]\d{0,6}$/.test(found.pid)) return undefined;
  return {
    key,
    config: found.config,
    pid: found.pid === undefined ? undefined : Number(found.pid),
    status: found.status ?? 'running',
  };
}
