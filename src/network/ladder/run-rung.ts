import type { RungConfig } from '../config/network-types.js';
import { commandSucceeded, describeCommandResult } from '../../system/describe-command-result.js';
import { formatSeconds } from '../../time/format-duration.js';
import type { NetworkSystem } from '../network-system.js';

/** What running one rung did (before the re-check that tells whether it healed). */
export interface RungRun {
  ok: boolean;
  detail: string;
  durationMs: number;
  exitCode?: number | null;
  outputTail?: string;
}

export interface RungContext {
  /** The interface to act on; `undefined` when the uplink is named by MAC and no single interface has it. */
  interface: string | undefined;
  /** Commands run here (the config file's folder). */
  cwd: string;
  /** The rung may use at most this long (what is left of the ladder's time). */
  budgetMs: number;
  /** Why the ladder runs, for the commands' environment. */
  reason: string;
  /** Told before a bounce sets the link down, to leave a durable note: a run killed then leaves the next one the link to set up. */
  /** Records, durably, that the link is about to be set down; `false` when that note cannot be kept (the link is then left up). */
  onLinkDown?: ((name: string) => boolean) | undefined;
  /** Told when the bounce has set it up again (or tried to). */
  onLinkUp?: ((name: string, ok: boolean) => void) | undefined;
}

/** How long a command rung's process group has to stop after SIGTERM on timeout. */
const KILL_GRACE_MS = 2000;

/** Runs one rung: a bounce of the interface or a command. Never rejects for a failure of the rung. */
export function runRung(rung: RungConfig, context: RungContext, system: NetworkSystem): Promise<RungRun> {
  switch (rung.type) {
    case 'bounce':
      return runBounce(rung, context, system);
    case 'command':
      return runCommandRung(rung, context, system);
    case 'wol':
      return runWakeRung(rung, system);
  }
}

/** Wakes a machine the uplink goes through (a modem or router that sleeps); the settle time gives it time to boot. */
async function runWakeRung(rung: Extract<RungConfig, { type: 'wol' }>, system: NetworkSystem): Promise<RungRun> {
  const started = system.monotonicMs();
  const sent = await system.sendMagicPacket(rung.target);
  return { ok: sent.ok, detail: sent.detail, durationMs: system.monotonicMs() - started };
}

/** Link down, a short wait, link up: the link is always set up again, whatever happened in between. */
async function runBounce(
  rung: Extract<RungConfig, { type: 'bounce' }>,
  context: RungContext,
  system: NetworkSystem,
): Promise<RungRun> {
  const started = system.monotonicMs();
  const name = context.interface;
  // Never a guess: an interface the config does not name is not set down.
  if (name === undefined)
    return { ok: false, detail: 'no interface has the MAC in network.interface_mac: nothing to bounce', durationMs: 0 };
  // A link set down with no durable note would stay down for good if this run died next.
  if (context.onLinkDown?.(name) === false) {
    return {
      ok: false,
      detail: `${name} not set down: the note that it is down cannot be kept (the audit log takes no writes)`,
      durationMs: 0,
    };
  }
  const down = await system.setLink(name, false);
  let up;
  try {
    // Ends at once when the watchdog is asked to stop: the link is then set up at once.
    if (down.ok) await system.sleep(Math.min(rung.down_seconds * 1000, Math.max(0, context.budgetMs)));
  } finally {
    // Never cut short by a stop request: set-link's own timeout bounds it.
    up = await system.setLink(name, true);
    context.onLinkUp?.(name, up.ok);
  }
  const durationMs = system.monotonicMs() - started;
  if (!up.ok) return { ok: false, detail: down.ok ? up.detail : `${down.detail}; ${up.detail}`, durationMs };
  if (!down.ok) return { ok: false, detail: `${down.detail}; set up again`, durationMs };
  return { ok: true, detail: `set ${name} down for ${formatSeconds(rung.down_seconds)}, then up`, durationMs };
}

async function runCommandRung(
  rung: Extract<RungConfig, { type: 'command' }>,
  context: RungContext,
  system: NetworkSystem,
): Promise<RungRun> {
  const timeoutMs = Math.max(1, Math.min(rung.timeout_seconds * 1000, context.budgetMs));
  const result = await system.runShellCommand({
    command: rung.command,
    cwd: context.cwd,
    env: {
      ...system.env,
      // Empty when the uplink is named by MAC and not found: a script must not act on a guess.
      WATCHDOG_INTERFACE: context.interface ?? '',
      WATCHDOG_ACTION: rung.name,
      WATCHDOG_REASON: context.reason,
    },
    timeoutMs,
    killGraceMs: KILL_GRACE_MS,
  });
  const setting = timeoutMs < rung.timeout_seconds * 1000 ? 'ladder_timeout_seconds' : 'timeout_seconds';
  return {
    ok: commandSucceeded(result),
    detail: describeCommandResult(result, timeoutMs / 1000, setting),
    durationMs: result.durationMs,
    exitCode: result.exitCode,
    outputTail: result.outputTail,
  };
}
