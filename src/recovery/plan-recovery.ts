import type { ProcessConfig } from '../config/types.js';
import type { WakeOnLanTarget } from '../wake/wake-on-lan-target.js';
import type { KillCandidate } from './decide-kill.js';
import type { UserAccount } from '../system/lookup-user.js';
import type { MatchRules } from '../match/judge-matches.js';
import { matchRulesOf } from '../match/match-rules-of.js';
import type { CommandSubject } from './checked-subject.js';

/** One action of a pipeline, decided but not run: what `--dry-run` prints and the runner executes. */
export type ActionPlan =
  | {
      kind: 'kill';
      action: string;
      candidate: KillCandidate;
      timeoutSeconds: number;
      /** An app checked by `match` alone: every matching process is stopped, and no other (the candidate is unused). */
      byMatch?: MatchRules | undefined;
    }
  | {
      kind: 'command';
      action: string;
      /** The shell command with `cleanup_args` appended. */
      command: string;
      cwd: string;
      /** The user it runs as; absent: the watchdog's own. */
      user?: string | undefined;
      timeoutSeconds: number;
      /** On timeout, SIGTERM to its process group, then SIGKILL after this long. */
      killGraceSeconds: number;
    }
  | { kind: 'wol'; action: string; target: WakeOnLanTarget }
  | {
      kind: 'start';
      action: string;
      command: string;
      cwd: string;
      user?: string | undefined;
      outputLog: string;
      /** Where the output goes when `outputLog` cannot be opened or written (then /dev/null). */
      outputLogFallback: string;
      /** The output log is rotated at a start when it has grown past this. */
      outputLogMaxBytes: number;
      verifyDelaySeconds: number;
      /** Where the daemon a start command that exits 0 leaves writes its PID (`pid_file`). */
      pidFile?: string | undefined;
      /** The account the app runs as: a daemon must run as it. */
      appUser?: UserAccount | undefined;
      /** The old heartbeat is moved aside first, so it cannot trigger a second recovery; none without a heartbeat. */
      heartbeat: { path: string; movedTo: string } | undefined;
      /** An app checked by `match` alone: no start while a matching process runs (a second copy). */
      byMatch?: MatchRules | undefined;
    };

/**
 * The actions a pipeline of `actions` runs for `process`, in order: `kill` and `start`
 * are built in, a name in `wake_on_lan` sends a magic packet, and any other name runs
 * `commands.<name>` through the shell with `cleanup_args` appended (the Python Watchdog's
 * behaviour).
 */
export function planActions(
  process: ProcessConfig,
  actions: readonly string[],
  candidate: KillCandidate,
  { outputLogMaxBytes }: { outputLogMaxBytes: number },
): ActionPlan[] {
  const rules = matchRulesOf(process);
  // Only for an app found by match: a heartbeat app's plans stay as they were.
  const byMatch = rules === undefined ? {} : { byMatch: rules };
  return actions.map((action): ActionPlan => {
    if (action === 'kill') return { kind: 'kill', action, candidate, timeoutSeconds: process.kill_timeout, ...byMatch };
    if (action === 'start') {
      return {
        kind: 'start',
        action,
        command: startCommandOf(process),
        cwd: process.cwd,
        user: process.user?.name,
        outputLog: process.output_log,
        outputLogFallback: process.output_log_fallback,
        outputLogMaxBytes,
        verifyDelaySeconds: process.verify_delay,
        pidFile: process.pid_file,
        appUser: process.user,
        heartbeat:
          process.heartbeat_path === undefined
            ? undefined
            : { path: process.heartbeat_path, movedTo: `${process.heartbeat_path}.stale` },
        ...byMatch,
      };
    }
    const target = Object.hasOwn(process.wake_on_lan, action) ? process.wake_on_lan[action] : undefined;
    if (target !== undefined) return { kind: 'wol', action, target };
    return planCommand(process, action, 'processes');
  });
}

/**
 * A custom action: `commands.<action>` through the shell with `cleanup_args` appended,
 * bounded by `cleanup_timeout`, as `user` in `cwd`. A process's pipeline and a file
 * system's (whose recovery runs nothing else) plan theirs here; `section` names where the
 * subject is in the config, for the error when the command is missing (which `validate` refuses).
 */
export function planCommand(
  subject: CommandSubject,
  action: string,
  section: 'processes' | 'filesystems',
): Extract<ActionPlan, { kind: 'command' }> {
  // Own keys only: `toString` is on every object, and is no command.
  const command = Object.hasOwn(subject.commands, action) ? subject.commands[action] : undefined;
  if (command === undefined) throw new Error(`${section}.${subject.key}: action "${action}" has no command`);
  return {
    kind: 'command',
    action,
    command: withArgs(command, subject.cleanup_args),
    cwd: subject.cwd,
    user: subject.user?.name,
    timeoutSeconds: subject.cleanup_timeout,
    killGraceSeconds: subject.kill_timeout,
  };
}

/** `kill` and `start` stop the pipeline when they fail; the others (commands, wake-ups) are warnings. */
export function stopsPipelineOnFailure(plan: ActionPlan): boolean {
  return plan.kind === 'kill' || plan.kind === 'start';
}

function startCommandOf(process: ProcessConfig): string {
  const command = Object.hasOwn(process.commands, 'start') ? process.commands.start : undefined;
  if (command === undefined) throw new Error(`processes.${process.key}: no start command`);
  return command;
}

/** `command` with each argument appended, quoted for the shell. */
export function withArgs(command: string, args: readonly string[]): string {
  return [command, ...args.map(quoteForShell)].join(' ');
}

/** Single-quotes a word for /bin/sh unless it is plainly safe. */
export function quoteForShell(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
