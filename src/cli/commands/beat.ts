import { judgeCallerPid } from '../../beat/caller-pid.js';
import { checkBeatStatus } from '../../beat/check-beat-status.js';
import { BeatRefusedError, writeBeat, type BeatSystem } from '../../beat/write-beat.js';
import { loadConfig, resolveConfigPath } from '../../config/load-config.js';
import { WatchdogError, describeError, systemErrorCode } from '../../errors.js';
import { readProcFile } from '../../system/read-proc-file.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { requireProcessKey } from '../load-cli-config.js';

export interface BeatArgs {
  config?: string | undefined;
  key: string;
  /** Without one, the calling shell's. */
  pid?: number | undefined;
  status: string;
}

/** Who called `watchdog beat`: its parent's PID and command name. For testing. */
export interface BeatCaller {
  ppid: number;
  commandName: (pid: number) => string | undefined;
}

const realCaller: BeatCaller = {
  get ppid() {
    return process.ppid;
  },
  commandName: (pid) => readProcFile(pid, 'comm')?.trimEnd(),
};

/**
 * `watchdog beat KEY [--pid PID] [--status S]`: writes the heartbeat of process KEY at its
 * `heartbeat_path`, for an app that is a shell loop. Cheap, as it runs every few seconds:
 * the config and a handful of small reads and one file written; no database, no lock, no
 * log. Silent when it wrote the beat.
 */
export function runBeat(
  args: BeatArgs,
  io: Pick<CliIo, 'env' | 'cwd'>,
  caller: BeatCaller = realCaller,
  system?: BeatSystem,
): number {
  const statusProblem = checkBeatStatus(args.status);
  if (statusProblem !== undefined)
    throw new WatchdogError('USAGE', `--status ${JSON.stringify(args.status)}: ${statusProblem}`, {
      hint: 'a short word such as running (healthy) or error',
    });
  // Not loadCliConfig: a beat touches none of the watchdog's state, only the heartbeat, so
  // an app's user runs it without any right over the database, lock or log.
  const { config } = loadConfig(resolveConfigPath({ cliPath: args.config, env: io.env, cwd: io.cwd }));
  const entry = requireProcessKey(config, args.key);
  const heartbeatPath = entry.heartbeat_path;
  if (heartbeatPath === undefined)
    throw new WatchdogError('USAGE', `process "${args.key}" has no heartbeat_path: there is no heartbeat to write`, {
      hint: `the watchdog checks ${args.key} by ${entry.match === undefined ? 'its health probe' : 'match'}; set heartbeat_path (and timeout_seconds) to check it by heartbeat`,
    });
  const pid = args.pid ?? callerPid(caller);
  try {
    writeBeat({ key: args.key, heartbeatPath, pid, status: args.status }, system);
  } catch (error) {
    throw beatFailure(error, heartbeatPath);
  }
  return EXIT.ok;
}

function callerPid(caller: BeatCaller): number {
  const verdict = judgeCallerPid(caller.ppid, caller.commandName(caller.ppid));
  if (verdict.ok) return verdict.pid;
  throw new WatchdogError('USAGE', `no --pid, and ${verdict.reason}: whose heartbeat is it?`, {
    hint: 'name the app with --pid PID (in a shell loop: --pid $$)',
  });
}

/** The error to report for a beat that was not written. */
function beatFailure(error: unknown, heartbeatPath: string): unknown {
  if (error instanceof BeatRefusedError)
    return new WatchdogError('BEAT_FAILED', `no heartbeat written: ${error.message}`, {
      hint: 'name a running process with --pid (in a shell loop: --pid $$)',
    });
  const hints: Record<string, string> = {
    ENOENT: 'create the folder first (mkdir -p; for /run, systemd RuntimeDirectory= or tmpfiles.d)',
    EACCES: "run it as the app's user (the folder's owner) or as root",
    EUNSAFEPATH:
      "keep heartbeats in a folder that only the app's user can write, reached through folders and links of root's or that user's",
  };
  const code = systemErrorCode(error);
  // Not a system error: a bug, reported as one.
  if (code === undefined) return error;
  return new WatchdogError('BEAT_FAILED', `cannot write the heartbeat ${heartbeatPath}: ${describeError(error)}`, {
    hint: hints[code],
    cause: error,
  });
}
