import type { HealthState } from '../heartbeat/health-state.js';

/**
 * Who asks to start: cron's recovery of a failing app (`recover`), `on` and `start-all`
 * (`start`: bring it up if it is not up), `restart` (`restart`: replace what runs).
 */
export type StartIntent = 'recover' | 'start' | 'restart';

/** What is known of a process when a start is asked for: plain data, gathered by {@link startFactsOf}. */
export interface StartFacts {
  intent: StartIntent;
  /** A person's `--force`: start even what may be a second copy. Never overrides `off` or the crash-loop guard. */
  force: boolean;
  /** The state as recorded: the heartbeat's, or `off`, `gave_up`, `starting` around it. */
  state: HealthState;
  /** The heartbeat's own state. */
  heartbeat: HealthState;
  reason: string;
  /** The crash-loop guard holds recoveries back (`backoff`) or has given up (`give_up`). */
  guard: 'backoff' | 'give_up' | undefined;
  /** The live PID an untrusted heartbeat names, when it is not the instance the watchdog recorded. */
  untrustedLivePid: number | undefined;
  /** The live instance the watchdog recorded (the app, or the daemon its start command left). */
  recordedLivePid: number | undefined;
  /** The actions stop the running instance (`kill`) before the start. */
  kills: boolean;
  /** Checked by its `health` probe alone (no heartbeat, no `match`): nothing names a PID, so kill can find only the instance the watchdog started. */
  probeAlone: boolean;
  /** Whether the instance the watchdog started is proven gone (`isStartedInstanceGone`); `undefined` when none is on record. */
  startedGone: boolean | undefined;
  /**
   * Why the started instance being gone means the app is: it was the start command itself,
   * still running after `verify_delay` (`ran`), the daemon `pid_file` named, or of an earlier
   * boot. `undefined` when nothing says so: a process left in a daemonising start command's
   * session may be a launcher whose daemon left that session, and a start whose outcome was
   * never seen recorded only the command it spawned.
   */
  startedProof: 'ran' | 'pid_file' | 'earlier_boot' | undefined;
  /**
   * Found by `match` alone: its start itself is refused while a process matches, `--force`
   * or not (start-action.ts), so no refusal offers `--force`.
   */
  byMatch: boolean;
}

/** Why a start is refused: a stable word for the audit log and the tests. */
export type StartRefusal =
  'off' | 'gave_up' | 'backoff' | 'running' | 'starting' | 'unknown' | 'untrusted_live' | 'no_kill';

export type StartDecision = { start: true } | { start: false; refusal: StartRefusal; why: string };

/** What a refusal says of `--force`: it starts a second copy, except of an app found by `match`, which it never does. */
function forceNote(facts: Pick<StartFacts, 'byMatch'>): string {
  return facts.byMatch
    ? '--force does not apply: an app found by match is never started while a process matches'
    : '--force starts one anyway';
}

/**
 * "May we start this app now, and if not, why": one answer for cron's recovery, `on`,
 * `start-all` and `restart`. Never a second copy: a start is refused while something that
 * may be the app runs and the actions would not stop it first. `off` and the crash-loop
 * guard hold cron only (a person's command clears them before asking).
 */
export function decideStart(facts: StartFacts): StartDecision {
  const no = (refusal: StartRefusal, why: string): StartDecision => ({ start: false, refusal, why });
  if (facts.state === 'off') return no('off', `turned off (${facts.reason}); \`watchdog on\` starts it`);
  if (facts.state === 'gave_up' || facts.guard === 'give_up') return no('gave_up', `${facts.reason}`);
  if (facts.guard === 'backoff') return no('backoff', facts.reason);
  if (facts.force) return { start: true };

  if (facts.untrustedLivePid !== undefined) {
    return no(
      'untrusted_live',
      `its heartbeat cannot be trusted and names PID ${facts.untrustedLivePid}, which is alive: it may be the app, and it is never signalled; not starting what may be a second copy (${forceNote(facts)})`,
    );
  }
  if (facts.intent === 'start') {
    if (facts.state === 'healthy')
      return no(
        'running',
        `already running and healthy (${facts.reason}); not starting a second copy (${forceNote(facts)})`,
      );
    if (facts.state === 'starting')
      return no('starting', `already starting (${facts.reason}); not starting a second copy (${forceNote(facts)})`);
  }
  if (facts.heartbeat === 'check_error')
    return no(
      'unknown',
      `cannot tell whether it runs (${facts.reason}); not starting what may be a second copy (${forceNote(facts)})`,
    );
  const blind = probeAloneRefusal(facts);
  if (blind !== undefined) return no('unknown', blind);
  if (!facts.kills) {
    const live = TRUSTED_LIVE.has(facts.heartbeat)
      ? 'its heartbeat names a live process'
      : facts.heartbeat === 'probe_failed'
        ? 'its health probe failed, but the app may still run (hung)'
        : facts.recordedLivePid === undefined
          ? undefined
          : `PID ${facts.recordedLivePid}, which the watchdog started, still runs`;
    if (live !== undefined)
      return no(
        'no_kill',
        `${live} (${facts.reason}) and its actions have no kill; not starting a second copy (${forceNote(facts)})`,
      );
  }
  return { start: true };
}

/**
 * Cron's start of an app checked by its `health` probe alone, refused unless kill has
 * something proven to stop: the instance the watchdog started, alive (kill stops it), or
 * proven gone (nothing of it runs; a record of an earlier boot is, which lets a vendor agent
 * only the watchdog launches come up after a reboot). Gone proves the app gone only when the
 * instance was the app: the start command itself running past `verify_delay`, or the daemon
 * `pid_file` named. A daemonising start command (nginx, `mosquitto -d`, an init script,
 * `start-stop-daemon -b`) leaves a daemon in a session of its own: what was found in the
 * command's session may be a launcher, gone while the daemon runs on, hung. Otherwise, with
 * no instance on record or one not proven gone, the app may run started another way (a
 * systemd unit, a boot script) that kill can never find, hung and holding its port: a start
 * beside it is a second copy, every recovery of an unattended device. A person's `on` or `restart` still starts it:
 * they say it is theirs to start (docs/health-probes.md, "What kill can find").
 */
function probeAloneRefusal(facts: StartFacts): string | undefined {
  if (facts.intent !== 'recover' || !facts.probeAlone || !facts.kills) return undefined;
  if (facts.recordedLivePid !== undefined) return undefined;
  if (facts.startedGone === true && facts.startedProof !== undefined) return undefined;
  const what =
    facts.startedGone === undefined
      ? 'no instance the watchdog started is on record'
      : facts.startedGone
        ? 'the instance the watchdog started is gone, but it may have been a launcher whose daemon left its session; set pid_file to name the daemon'
        : 'the instance the watchdog started is not proven gone';
  return `checked by its health probe alone, and kill has nothing proven to stop (${what}): the app may run started another way (systemd, a boot script), so a start may be a second copy; \`watchdog on\` or \`watchdog restart\` starts it (${facts.reason})`;
}

/**
 * Heartbeat states in which a trusted heartbeat names a live process: the app, up or hung, or
 * over its resource limits (a healthy heartbeat, judged with what the app uses). `probe_failed`
 * is not here: a heartbeat behind it names a live PID (`healthy` before the probe), but with
 * `health` alone nothing names one; decideStart treats it as "may still run" either way.
 */
export const TRUSTED_LIVE: ReadonlySet<HealthState> = new Set(['healthy', 'timed_out', 'error_status', 'over_limit']);
