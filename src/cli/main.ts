import type { Argv } from 'yargs';
import { WatchdogError } from '../errors.js';
import { parseBeatLine } from './parse-beat-line.js';
import { parseCronCheck } from './parse-cron-check.js';
import { EXIT } from './exit-codes.js';
import type { CliIo } from './io.js';
import { reportError } from './report-error.js';
import type { KeyedCommand } from './commands/missing-key.js';

/** `--wait`, shared by the commands that take the lock by hand. */
function withWait<T>(command: Argv<T>): Argv<T & { wait: number }> {
  return command
    .option('wait', {
      type: 'number',
      description: 'Seconds to wait for a running tick or command to release the lock (then exit 75)',
      default: 30,
    })
    .check((args) => {
      if (!Number.isFinite(args.wait) || args.wait < 0)
        throw new Error('--wait must be a number of seconds, 0 or more');
      return true;
    });
}

/** A command on one process: its optional key (without one, the keys are listed) and `--wait`. */
function withKeyAndWait<T>(command: Argv<T>): Argv<T & { key: string | undefined } & { wait: number }> {
  return withWait(
    command.positional('key', {
      type: 'string',
      description: 'Process key (without one: the keys to choose from, exit 2)',
    }),
  );
}

// In the epilogue, not among the examples: yargs wraps an example's command column, and the
// cron line must read as one line to be copied.
const CRON_LINE =
  'Run it from cron, a tick a minute, silent unless something fails (/etc/cron.d/watchdog):\n  * * * * * root watchdog check -c /etc/watchdog/config.json';
const EXIT_CODES =
  'Exit codes: 0 done; 1 a recovery or requested action failed, or the lock/database is unusable; 2 usage error or unknown process key; 75 the lock was still held after --wait; 78 config missing or invalid.';

const CONFIG_DESCRIPTION =
  'Config file. Default: $WATCHDOG_CONFIG, else ./config.json. Relative paths inside it resolve against its folder.';

/**
 * Parses the command line, runs the command and returns the exit code. Commands are
 * registered one by one and load their code only when they run, so `check` from cron
 * does not pay for `status` or `history`.
 */
export async function main(
  argv: readonly string[],
  io: CliIo,
  readVersion: () => string = () => '0.0.0',
): Promise<number> {
  // Cron's own line skips yargs: it is what runs 525,600 times a year.
  const cron = parseCronCheck(argv);
  if (cron !== undefined) {
    try {
      return await (await import('./commands/check.js')).runCheck(cron, io, readVersion);
    } catch (error) {
      return reportError(error, io);
    }
  }
  // A shell loop's beat, every few seconds: skips yargs too.
  const beat = parseBeatLine(argv);
  if (beat !== undefined) {
    try {
      return (await import('./commands/beat.js')).runBeat(beat, io);
    } catch (error) {
      return reportError(error, io);
    }
  }
  const { default: yargs } = await import('yargs');
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

  // `on` (`off`, `restart`, `reset`) with no key: the keys to choose from, not yargs' "Not enough arguments".
  const missingKey = async (command: KeyedCommand, args: { config?: string | undefined }): Promise<number> =>
    (await import('./commands/missing-key.js')).reportMissingKey(command, args, io);

  const parser = yargs([...argv])
    .scriptName('watchdog')
    .usage(
      "$0 <command> [options]\n\nA self-healing supervisor for headless Linux devices: checks the heartbeat files of the apps in the config, records every check in a SQLite audit log, and after consecutive failures runs the app's recovery pipeline (kill, cleanup actions, start).",
    )
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
    // Declared as `no-color` so help names the flag people type; yargs hands it over as
    // `color: false`, which strict mode accepts only as a known (hidden) option.
    .option('color', { type: 'boolean', hidden: true, global: true })
    .option('no-color', {
      type: 'boolean',
      description: 'Never colour the output (colour is on only in a terminal, and off there too when NO_COLOR is set)',
      global: true,
    })
    .command(
      'check',
      'Check every enabled process once and record the result, run the recoveries that are due, then check the uplink and climb its self-heal ladder when due, send the notifications queued, write the metrics and request the ping_url (run from cron every minute). Silent under cron; one line in a terminal; a line per process with --verbose.',
      (command) =>
        command
          .epilogue(`${CRON_LINE}\n\n${EXIT_CODES}`)
          .example('$0 check --dry-run', 'What a tick would do now, and why; runs nothing, changes nothing')
          .example('$0 check -v', 'Run a tick and print a line per process and each recovery action')
          .option('verbose', {
            alias: 'v',
            type: 'boolean',
            description: 'Print one line per process and each recovery action',
            default: false,
          })
          .option('dry-run', {
            alias: 'n',
            type: 'boolean',
            description:
              "Print each process's state, the decision and the exact actions a tick would run, then the ladder it would climb and which reboot guard would decide; run nothing, change nothing",
            default: false,
          }),
      run(async (args) => (await import('./commands/check.js')).runCheck(args, io, readVersion)),
    )
    .command(
      'on [key]',
      'Turn a process back on after `off` (or after the crash-loop guard gave up on it) and start it, unless it is already running and healthy (or starting).',
      (command) =>
        withKeyAndWait(command)
          .example('$0 on demo_app', 'Turn demo_app back on and start it unless it is already running')
          .option('force', {
            type: 'boolean',
            description: 'Start it even when it looks healthy (a second copy)',
            default: false,
          }),
      run(async (args) =>
        args.key === undefined
          ? missingKey('on', args)
          : (await import('./commands/control.js')).runControl('on', args, io),
      ),
    )
    .command(
      'off [key]',
      'Stop a process and keep it stopped: cron records it as off and never recovers it, until `on`.',
      (command) =>
        withKeyAndWait(command).example(
          '$0 off demo_app',
          'Stop demo_app for maintenance; `watchdog on demo_app` brings it back',
        ),
      run(async (args) =>
        args.key === undefined
          ? missingKey('off', args)
          : (await import('./commands/control.js')).runControl('off', args, io),
      ),
    )
    .command(
      'restart [key]',
      "Run the process's full recovery pipeline now (kill, cleanup actions, start), whatever its health; turns an off process back on.",
      (command) =>
        withKeyAndWait(command)
          .example('$0 restart demo_app --dry-run', 'The exact actions a restart would run')
          .example('$0 restart demo_app', 'Kill, clean up and start demo_app now')
          .option('dry-run', {
            alias: 'n',
            type: 'boolean',
            description: 'Print the exact actions a restart would run; run nothing, change nothing',
            default: false,
          })
          .option('force', {
            type: 'boolean',
            description: 'Start it even where that may be a second copy (see docs/starting-apps.md)',
            default: false,
          }),
      run(async (args) => {
        const { key } = args;
        if (key === undefined) return missingKey('restart', args);
        return args.dryRun
          ? (await import('./commands/restart-dry-run.js')).runRestartDryRun({ ...args, key }, io)
          : (await import('./commands/control.js')).runControl('restart', args, io);
      }),
    )
    .command(
      'reset [key]',
      'Resume recoveries of a process the crash-loop guard gave up on (state gave_up), and start its failure count and backoff afresh; starts nothing (`on` does both).',
      (command) =>
        withKeyAndWait(command).example(
          '$0 reset demo_app',
          'Let cron recover demo_app again after it was given up on',
        ),
      run(async (args) =>
        args.key === undefined
          ? missingKey('reset', args)
          : (await import('./commands/control.js')).runControl('reset', args, io),
      ),
    )
    .command(
      'stop-all',
      'Turn off every enabled process (as `off`).',
      (command) => withWait(command),
      run(async (args) => (await import('./commands/control.js')).runControl('stop-all', args, io)),
    )
    .command(
      'start-all',
      'Turn on every enabled process (as `on`: healthy ones are left alone).',
      (command) =>
        withWait(command).option('force', {
          type: 'boolean',
          description: 'Start even those that look healthy',
          default: false,
        }),
      run(async (args) => (await import('./commands/control.js')).runControl('start-all', args, io)),
    )
    .command(
      'beat <key>',
      "Write the heartbeat of process KEY at its heartbeat_path, for an app that is a shell loop: the PID, the time, the status, the next iteration, and the PID's start time and boot so a reused PID never passes for the app. Atomic; no database, no lock; silent when written.",
      (command) =>
        command
          .positional('key', { type: 'string', description: 'Process key (the one whose heartbeat_path is written)' })
          .option('pid', {
            type: 'number',
            description:
              "The app's PID. Default: the calling shell's (what $$ is in it); required when the caller is not a shell (cron, systemd, npx, a program)",
          })
          .option('status', {
            type: 'string',
            description:
              'The status written: running is healthy; any other (error) is error_status unless healthy_statuses lists it',
            default: 'running',
          })
          .example('$0 beat my_job --pid $$', 'In the shell loop that is the app: one beat per round')
          .example('$0 beat my_job --pid $$ --status error', 'The loop is alive but its work failed: error_status')
          .epilogue(
            'A shell loop that beats (exec it from commands.start, so $$ is the app):\n  while do_work; do watchdog beat my_job --pid $$; sleep 5; done\n\nExit codes: 0 written; 1 not written (no such process, the folder missing or unsafe); 2 usage error, unknown key or no heartbeat_path; 78 config missing or invalid.',
          )
          .check((args) => {
            if (args.pid !== undefined && (!Number.isInteger(args.pid) || args.pid < 1))
              throw new Error('--pid must be a whole number (a process ID)');
            return true;
          }),
      run(async (args) =>
        (await import('./commands/beat.js')).runBeat(
          { config: args.config, key: args.key ?? '', pid: args.pid, status: args.status },
          io,
        ),
      ),
    )
    .command(
      'validate',
      'Check the config file: prints OK, or every problem (exit 78).',
      (command) => command.example('$0 validate -c /etc/watchdog/config.json', 'Check a config before cron uses it'),
      run(async (args) => (await import('./commands/validate.js')).runValidate(args, io)),
    )
    .command(
      'status [key]',
      "Show each process's state as of its last check: state and reason, failures/threshold, heartbeat age, PID, last check, last recovery and its outcome, and where the app's output goes; then the uplink (with a network section): link state, failures, last ladder run and what healed it, last reboot and cooldown left.",
      (command) =>
        command
          .positional('key', { type: 'string', description: 'Only this process, every detail whole' })
          .option('json', {
            type: 'boolean',
            description: 'Print JSON: {"processes": [...], "network": {...} or null}',
            default: false,
          })
          .example('$0 status', 'A line per process (cut to fit a terminal; whole lines into a pipe or a file)')
          .example('$0 status demo_app', 'One process whole: reason, heartbeat, PID, last recovery, app output')
          .example('$0 status --json', 'Everything, for scripts'),
      run(async (args) => (await import('./commands/status.js')).runStatus(args, io)),
    )
    .command(
      'history [key]',
      "List recent checks (or, with --recoveries, recoveries and their actions; with --network, the uplink's events; with --events, the watchdog's own events; with --notifications, the notifications sent and waiting), newest first.",
      (command) =>
        command
          .positional('key', { type: 'string', description: 'Only this process' })
          .option('limit', {
            alias: 'n',
            type: 'number',
            description: 'How many checks (or recoveries, or network events)',
            default: 20,
          })
          .option('json', {
            type: 'boolean',
            description:
              'Print JSON: {"checks": [...]}, {"recoveries": [...]}, {"network_events": [...]}, {"audit_events": [...]} or {"notifications": [...]}',
            default: false,
          })
          .option('recoveries', {
            alias: 'r',
            type: 'boolean',
            description:
              'List recoveries and manual starts/stops instead of checks, each with its actions, exit codes and output',
            default: false,
          })
          .option('events', {
            type: 'boolean',
            description:
              "List the watchdog's own events instead: a process given up on by the crash-loop guard, resets, the journal written into the database, a corrupt database moved aside",
            default: false,
          })
          .option('notifications', {
            type: 'boolean',
            description:
              'List notifications instead: each event per channel, whether it was delivered, is waiting (and why), was refused or dropped',
            default: false,
          })
          .option('network', {
            type: 'boolean',
            description:
              "List the uplink's events instead: failures detected, ladder runs and each rung, the link back, reboots held (by which guard) and made, each with the boot it happened in",
            default: false,
          })
          .example('$0 history demo_app -n 5', 'The last five checks of demo_app')
          .example('$0 history --recoveries', 'Recoveries and manual starts and stops, with each action and its output')
          .check((args) => {
            if (!Number.isInteger(args.limit) || args.limit < 1) throw new Error('--limit must be a positive integer');
            if ([args.network, args.recoveries, args.events, args.notifications].filter(Boolean).length > 1) {
              throw new Error('--recoveries, --network, --events and --notifications list different things: give one');
            }
            if (args.network && args.key !== undefined)
              throw new Error("--network lists the uplink's events: it takes no process key");
            return true;
          }),
      run(async (args) => (await import('./commands/history.js')).runHistory(args, io)),
    )
    .example('$0 validate -c /etc/watchdog/config.json', 'First: check the config')
    .example('$0 check --dry-run', 'Then: what a tick would do now, running nothing')
    .example('$0 check', 'Run one tick by hand (one line on what it did)')
    .example('$0 status', 'Each process: state, failures, heartbeat age, PID')
    .example('$0 off demo_app', 'Stop an app and keep it stopped; `on demo_app` undoes it')
    .demandCommand(1, 'Name a command.')
    .strict()
    .recommendCommands()
    .help()
    .alias('help', 'h')
    .version(readVersion())
    .alias('version', 'V')
    .epilogue(`${CRON_LINE}\n\n${EXIT_CODES}`)
    .wrap(Math.min(100, io.columns ?? 100))
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new WatchdogError('USAGE', message ?? 'invalid command line', { hint: 'run `watchdog --help`' });
    });

  try {
    // With a callback, yargs hands over its help and version text instead of printing it with
    // console.log: through `io`, it is flushed before the bin exits like everything else.
    await parser.parseAsync([...argv], {}, (_error, _args, output) => {
      if (output !== '') for (const line of output.split('\n')) io.out(line);
    });
  } catch (error) {
    if (error instanceof WatchdogError) return reportError(error, io);
    return reportError(new WatchdogError('USAGE', (error as Error).message, { hint: 'run `watchdog --help`' }), io);
  }
  return exitCode;
}
