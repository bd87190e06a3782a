import yargs from 'yargs';
import { WatchdogError } from '../errors.js';
import { EXIT } from './exit-codes.js';
import type { CliIo } from './io.js';
import { reportError } from './report-error.js';

const CONFIG_DESCRIPTION =
  'Config file. Default: $WATCHDOG_CONFIG, else ./config.json. Relative paths inside it resolve against its folder.';

/**
 * Parses the command line, runs the command and returns the exit code. Commands are
 * registered one by one and load their code only when they run, so `check` from cron
 * does not pay for `status` or `history`.
 */
export async function main(argv: readonly string[], io: CliIo, version = '0.0.0'): Promise<number> {
  let exitCode: number = EXIT.ok;
  const run =
    <A>(command: (args: A) => Promise<number> | number) =>
    async (args: A): Promise<void> => {
      try {
        exitCode = await command(args);
      } catch (error) {
        exitCode = reportError(error, io);
      }
    };

  const parser = yargs([...argv])
    .scriptName('watchdog')
    .usage('$0 <command> [options]\n\nA self-healing supervisor for headless Linux devices: checks the heartbeat files of the apps in the config, records every check in a SQLite audit log, and reports which apps need recovery.')
    .option('config', {
      alias: 'c',
      type: 'string',
      description: CONFIG_DESCRIPTION,
      global: true,
      requiresArg: true,
      coerce: (value: unknown) => {
        if (Array.isArray(value)) throw new Error('--config is given more than once');
        return value as string;
      },
    })
    .command(
      'check',
      'Check every enabled process once and record the result (run from cron every minute). Prints nothing unless --verbose.',
      (command) =>
        command.option('verbose', { alias: 'v', type: 'boolean', description: 'Print one line per process', default: false }),
      run(async (args) => (await import('./commands/check.js')).runCheck(args, io)),
    )
    .command(
      'validate',
      'Check the config file: prints OK, or every problem (exit 78).',
      (command) => command,
      run(async (args) => (await import('./commands/validate.js')).runValidate(args, io)),
    )
    .command(
      'status [key]',
      "Show each process's state as of its last check: state and reason, failures/threshold, heartbeat age, PID, last check.",
      (command) =>
        command
          .positional('key', { type: 'string', description: 'Only this process' })
          .option('json', { type: 'boolean', description: 'Print JSON: {"processes": [...]}', default: false }),
      run(async (args) => (await import('./commands/status.js')).runStatus(args, io)),
    )
    .command(
      'history [key]',
      'List recent checks, newest first.',
      (command) =>
        command
          .positional('key', { type: 'string', description: 'Only this process' })
          .option('limit', { alias: 'n', type: 'number', description: 'How many checks', default: 20 })
          .option('json', { type: 'boolean', description: 'Print JSON: {"checks": [...]}', default: false })
          .check((args) => {
            if (!Number.isInteger(args.limit) || args.limit < 1) throw new Error('--limit must be a positive integer');
            return true;
          }),
      run(async (args) => (await import('./commands/history.js')).runHistory(args, io)),
    )
    .demandCommand(1, 'Name a command.')
    .strict()
    .recommendCommands()
    .help()
    .alias('help', 'h')
    .version(version)
    .alias('version', 'V')
    .epilogue(
      'Exit codes: 0 done; 1 an action failed or the lock/database is unusable; 2 usage error or unknown process key; 78 config missing or invalid.',
    )
    .wrap(Math.min(100, io.columns ?? 100))
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new WatchdogError('USAGE', message ?? 'invalid command line', { hint: 'run `watchdog --help`' });
    });

  try {
    await parser.parseAsync();
  } catch (error) {
    if (error instanceof WatchdogError) return reportError(error, io);
    return reportError(new WatchdogError('USAGE', (error as Error).message, { hint: 'run `watchdog --help`' }), io);
  }
  return exitCode;
}
