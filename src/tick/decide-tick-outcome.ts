import type { TickOutcome } from './tick-outcome.js';
import type { TickProblemKind } from './tick-problems.js';

/**
 * How the run of a tick exits, as a plain value the CLI maps to its exit codes: `ok` (0),
 * `failed` (1), or `error`: the tick threw, and the error's own code says (78 for a config
 * that turned bad, 1 for a bug...).
 */
export type TickExit = 'ok' | 'failed' | 'error';

/** What the dead man's switch hears at the end of a tick: its success URL, its failure URL, or nothing. */
export type TickPing = 'success' | 'failure' | 'none';

export interface TickDecision {
  exit: TickExit;
  ping: TickPing;
}

/** A tick's end: its outcome, or the error it threw. */
export type TickEnd = TickOutcome | { kind: 'threw' };

/**
 * What each problem of a tick does to the exit code and to the ping, side by side. They
 * differ where the two readers differ: the exit code is read by cron, which mails what a
 * job says when it fails, so it tells a person once about something to act on; the ping
 * is read by a monitoring service that raises an alarm while it hears `/fail`, so it says
 * how the device is, every tick.
 */
const EFFECTS: Record<TickProblemKind, { exit: 'failed' | 'ok'; ping: 'failure' | 'none' }> = {
  recovery_failed: { exit: 'failed', ping: 'failure' },
  ladder_failed: { exit: 'failed', ping: 'failure' },
  // Exit 1 once, at the check that gives up: cron mails it (with the way out) once, not every minute.
  gave_up_now: { exit: 'failed', ping: 'failure' },
  // The app stays down until a person acts: the service keeps hearing /fail; cron was told at the give-up.
  still_given_up: { exit: 'ok', ping: 'failure' },
  // The tick did its job (the rows wait in the journal) and says so on stderr, exit 0
  // (docs/commands.md, "Exit codes"); the service hears /fail so a failing disk is not missed.
  audit_degraded: { exit: 'ok', ping: 'failure' },
  // Not done what was asked: exit 1 (docs/interruptions.md). No ping: a tick asked to stop
  // leaves it to the next one, which runs what this one did not.
  interrupted: { exit: 'failed', ping: 'none' },
};

/**
 * The exit code and the ping of a tick, decided together from how it ended. A tick that
 * found the lock held did nothing: exit 0, and the ping is left to the instance that holds
 * it. A tick that threw pings `/fail` and exits with its error's code. Pure.
 */
export function decideTickOutcome(end: TickEnd): TickDecision {
  if (end.kind === 'threw') return { exit: 'error', ping: 'failure' };
  if (end.kind === 'lock-held') return { exit: 'ok', ping: 'none' };
  const effects = end.problems.map((problem) => EFFECTS[problem.kind]);
  const exit = effects.some((effect) => effect.exit === 'failed') ? 'failed' : 'ok';
  if (effects.some((effect) => effect.ping === 'none')) return { exit, ping: 'none' };
  return { exit, ping: effects.some((effect) => effect.ping === 'failure') ? 'failure' : 'success' };
}
