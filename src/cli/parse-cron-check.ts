import type { CheckArgs } from './commands/check.js';

/**
 * The command line cron runs every minute, recognised without yargs: `check` with at most
 * `-c PATH` (`--config PATH`, `--config=PATH`) and `-v` (`--verbose`), each once. Loading
 * and setting up yargs costs a tick more than everything else it does; any other command
 * line (help, a typo, another command, `--dry-run`) goes through yargs as before and gets
 * its full checks and messages. `undefined` when `argv` is not such a line. Pure.
 */
export function parseCronCheck(argv: readonly string[]): CheckArgs | undefined {
  let command = false;
  let config: string | undefined;
  let verbose = false;
  for (let index = 0; index < argv.length; index += 1) {
    const word = argv[index] ?? '';
    if (word === 'check' && !command) command = true;
    else if ((word === '-v' || word === '--verbose') && !verbose) verbose = true;
    else if ((word === '-c' || word === '--config') && config === undefined) {
      const value = argv[index + 1];
      // A missing or flag-like value is yargs' to explain.
      if (value === undefined || value === '' || value.startsWith('-')) return undefined;
      config = value;
      index += 1;
    } else if (word.startsWith('--config=') && config === undefined && word.length > '--config='.length) {
      config = word.slice('--config='.length);
    } else return undefined;
  }
  return command ? { config, verbose } : undefined;
}
