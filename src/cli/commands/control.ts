import { tickSystemOf } from '../../tick/tick-system.js';
import type { ProcessConfig, WatchdogConfig } from '../../config/types.js';
import { escapeUntrustedLine } from '../../display/escape-untrusted.js';
import {
  resetProcess,
  restartProcess,
  turnOff,
  turnOn,
  type ControlDeps,
  type ControlResult,
} from '../../control/control-process.js';
import { readHeartbeatFile } from '../../heartbeat/read-heartbeat-file.js';
import { acquireTickLockWaiting } from '../../lock/acquire-lock.js';
import { openAuditStore, type AuditStore } from '../../store/audit-store.js';
import { stopSignalOf } from '../../system/stop-signal.js';
import { resumeLeftStopped } from '../../system/stopped-record.js';
import { machineName } from '../../system/machine-name.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { filesystemOfKey, loadCliConfig, requireProcessKey } from '../load-cli-config.js';
import { resetFilesystem, turnFilesystemOff, turnFilesystemOn } from '../../control/control-filesystem.js';
import type { FilesystemConfig } from '../../config/types.js';
import { openLog } from '../open-log.js';
import { requestedBy } from '../requested-by.js';
import { notifierFor } from '../../notify/queue/queue-event.js';
import { deliverQueued } from '../../tick/deliver-queued.js';

export type ControlCommand = 'on' | 'off' | 'restart' | 'reset' | 'stop-all' | 'start-all';

export interface ControlArgs {
  config?: string | undefined;
  key?: string | undefined;
  force?: boolean | undefined;
  /** Seconds to wait for the lock. */
  wait: number;
}

/**
 * `on`, `off`, `restart`, `reset <key>`, `stop-all`, `start-all`: take the tick's lock (waiting
 * up to `--wait` seconds, else exit 75), act, record it like cron's own actions, and say
 * what happened. Exit 1 when an action failed.
 */
export async function runControl(command: ControlCommand, args: ControlArgs, io: CliIo): Promise<number> {
  const { config, warnings } = loadCliConfig(args.config, io);
  // `restart` of a file system entry is refused by targetsOf (requireProcessKey says why).
  const filesystem = command === 'restart' ? undefined : filesystemOfKey(config, args.key);
  const targets = filesystem === undefined ? targetsOf(command, config, args.key) : [];
  for (const warning of warnings) io.err(`config warning: ${warning}`);

  const log = openLog(config, io);
  try {
    const signal = io.signal ?? new AbortController().signal;
    const release = await acquireTickLockWaiting(config.lock_path, log.logger, args.wait, undefined, signal);
    try {
      const store = openAuditStore({
        dbPath: config.db_path,
        journalPath: config.journal_path,
        fallbackJournalPath: config.fallback_journal_path,
        // Its first write writes the checks waiting in memory first: they come before the command in the history.
        foldedChecksPath: config.folded_checks_path,
        logger: log.logger,
        now: () => new Date(),
      });
      try {
        // The secrets notifications use are kept from every command it runs.
        const system = tickSystemOf(config, process.env, signal);
        const resumed = resumeLeftStopped(config.lock_path, system);
        if (resumed !== undefined) log.logger.warn(resumed);
        const deps: ControlDeps = {
          audit: store,
          config,
          system,
          readHeartbeat: readHeartbeatFile,
          logger: log.logger,
          command,
          requestedBy: requestedBy(io.env),
          raise: notifierFor(config.notify, {
            audit: store,
            host: machineName,
            now: () => system.now(),
            logger: log.logger,
          }),
        };
        const results: ControlResult[] = [];
        if (filesystem !== undefined) {
          if (!filesystem.enabled)
            io.out(`${filesystem.key}: note: enabled is false in the config, so cron does not check it`);
          const result = await actOnFilesystem(command, filesystem, deps);
          printResult(result, io);
          results.push(result);
        }
        for (const process of targets) {
          const stopping = stopSignalOf(signal);
          if (stopping !== undefined) {
            io.err(`${process.key}: not done: the watchdog was asked to stop (${stopping})`);
            continue;
          }
          if (!process.enabled)
            io.out(`${process.key}: note: enabled is false in the config, so cron does not monitor it`);
          const result = await act(command, process, args.force === true, deps);
          printResult(result, io);
          results.push(result);
        }
        if (targets.length === 0 && filesystem === undefined) io.out('no enabled processes in the config');
        // Asked to stop: what was queued waits for the next tick instead of running its commands now.
        if (!signal.aborted)
          await deliverQueued(config, { audit: store, system, logger: log.logger, notifyEnv: process.env });
        store.close();
        const kept = auditKept(store, config, io);
        const stopped = stopSignalOf(signal);
        if (stopped !== undefined) {
          log.logger.warn(`${command}: interrupted by ${stopped}; what was done is recorded`);
          io.err(`watchdog: ${command}: interrupted by ${stopped}: not everything asked was done (exit 1)`);
          return EXIT.failed;
        }
        return results.some((result) => result.outcome === 'failed' || result.outcome === 'interrupted') || !kept
          ? EXIT.failed
          : EXIT.ok;
      } finally {
        store.close();
      }
    } finally {
      await release();
    }
  } finally {
    await log.close();
  }
}

/**
 * Says when the database could not take the command's rows; false when they are not
 * kept anywhere (not even the journal): then `off` would not last, and the person must know.
 */
function auditKept(store: AuditStore, config: WatchdogConfig, io: CliIo): boolean {
  if (store.degraded === undefined) return true;
  // Why the database failed is the system's text, which can name files: escaped as any such line.
  if (store.rowsSaved) {
    io.err(
      escapeUntrustedLine(
        `watchdog: the audit database ${config.db_path} ${store.degraded}; what was done is kept in ${store.journalWhere} and written to it later`,
      ),
    );
    return true;
  }
  io.err(
    escapeUntrustedLine(
      `watchdog: the audit database ${config.db_path} ${store.degraded}, and the journal ${config.journal_path} cannot be written either: what was done is not recorded, and an \`off\` will not last`,
    ),
  );
  return false;
}

/** The processes a command acts on: the one named, or every enabled one for `*-all`. */
export function targetsOf(command: ControlCommand, config: WatchdogConfig, key: string | undefined): ProcessConfig[] {
  if (command === 'stop-all' || command === 'start-all') return config.processes.filter((process) => process.enabled);
  if (key === undefined) throw new Error(`${command} needs a process key`);
  return [requireProcessKey(config, key)];
}

function act(
  command: ControlCommand,
  process: ProcessConfig,
  force: boolean,
  deps: ControlDeps,
): Promise<ControlResult> {
  switch (command) {
    case 'off':
    case 'stop-all':
      return turnOff(process, deps);
    case 'on':
    case 'start-all':
      return turnOn(process, force, deps);
    case 'restart':
      return restartProcess(process, deps, force);
    case 'reset':
      return resetProcess(process, deps);
  }
}

/** `on`, `off` or `reset` of a file system entry: only the audit state changes, nothing is run. */
function actOnFilesystem(
  command: ControlCommand,
  filesystem: FilesystemConfig,
  deps: ControlDeps,
): Promise<ControlResult> {
  switch (command) {
    case 'off':
      return turnFilesystemOff(filesystem, deps);
    case 'reset':
      return resetFilesystem(filesystem, deps);
    default:
      return turnFilesystemOn(filesystem, deps);
  }
}

/** What a command did to one process, each line escaped to one line: messages and details quote heartbeats and commands. */
function printResult(result: ControlResult, io: CliIo): void {
  const stream = result.outcome === 'failed' || result.outcome === 'interrupted' ? io.err : io.out;
  const write = (line: string): void => stream(escapeUntrustedLine(line));
  write(`${result.processKey}: ${result.message}`);
  for (const action of result.report?.actions ?? []) write(`  ${action.action}: ${action.outcome}: ${action.detail}`);
}
