import type { NetworkConfig, RungConfig } from '../config/network-types.js';
import type { LinkVerdict } from '../link/classify-link.js';
import type { NetworkSystem } from '../network-system.js';
import { runRung, type RungRun } from './run-rung.js';

/** One rung as it went: what it did, and the re-check after it settled. */
export interface RungReport extends RungRun {
  rung: string;
  type: RungConfig['type'];
  /** The re-check after `settle_seconds`. */
  verdict: LinkVerdict;
  healed: boolean;
}

export interface LadderRun {
  /**
   * `timed_out`: `ladder_timeout_seconds` ran out before every rung could run; `interrupted`:
   * the watchdog was asked to stop (SIGTERM...) before the link healed.
   */
  outcome: 'healed' | 'failed' | 'timed_out' | 'interrupted';
  /** The rung after which the link was healthy. */
  healedBy: string | undefined;
  rungs: RungReport[];
  /** The last re-check. */
  verdict: LinkVerdict | undefined;
}

export interface LadderContext {
  /**
   * The interface the check that started the run found the uplink as (`LinkVerdict.device`).
   * Used only when the uplink is named by MAC; each re-check then says where it is.
   */
  device: string | undefined;
  cwd: string;
  /** Why the ladder runs, for the commands' environment. */
  reason: string;
  /** Checks the link again. */
  recheck: () => Promise<LinkVerdict>;
  /** Told before each rung runs and after it is judged, so each is logged and recorded as it happens. */
  onRungStart: (rung: RungConfig) => void;
  onRungEnd: (report: RungReport) => void;
  /** See `RungContext`: a bounce's durable notes. */
  onLinkDown?: ((name: string) => boolean) | undefined;
  onLinkUp?: ((name: string, ok: boolean) => void) | undefined;
}

/**
 * Climbs the ladder: each rung, then `settle_seconds`, then a re-check; stops at the first
 * rung after which the link is healthy. The whole run, settle times included, is bounded by
 * `ladder_timeout_seconds`: a rung's command gets at most what is left, and no rung starts
 * once nothing is. A bounce may overrun it by its `ip link set` calls (seconds at most):
 * setting the link up again is never cut short.
 */
export async function runLadder(
  network: NetworkConfig,
  context: LadderContext,
  system: NetworkSystem,
): Promise<LadderRun> {
  const deadline = system.monotonicMs() + network.ladder_timeout_seconds * 1000;
  const left = (): number => deadline - system.monotonicMs();
  const rungs: RungReport[] = [];
  let verdict: LinkVerdict | undefined;
  // Named by interface, the rungs act on that name, as configured; named by MAC, only on the
  // interface that has the MAC now, and on none when no single one has it.
  const device = (): string | undefined =>
    network.interface_mac === undefined ? network.interface : verdict === undefined ? context.device : verdict.device;
  const stopping = (): boolean => system.signal?.aborted === true;
  for (const rung of network.ladder) {
    if (stopping()) return { outcome: 'interrupted', healedBy: undefined, rungs, verdict };
    if (left() <= 0) return { outcome: 'timed_out', healedBy: undefined, rungs, verdict };
    context.onRungStart(rung);
    const run = await runRung(
      rung,
      {
        interface: device(),
        cwd: context.cwd,
        budgetMs: left(),
        reason: context.reason,
        onLinkDown: context.onLinkDown,
        onLinkUp: context.onLinkUp,
      },
      system,
    );
    await system.sleep(Math.max(0, Math.min(rung.settle_seconds * 1000, left())));
    verdict = await context.recheck();
    const report: RungReport = { ...run, rung: rung.name, type: rung.type, verdict, healed: verdict.state === 'up' };
    rungs.push(report);
    context.onRungEnd(report);
    if (report.healed) return { outcome: 'healed', healedBy: rung.name, rungs, verdict };
  }
  if (stopping()) return { outcome: 'interrupted', healedBy: undefined, rungs, verdict };
  return {
    outcome: rungs.length < network.ladder.length ? 'timed_out' : 'failed',
    healedBy: undefined,
    rungs,
    verdict,
  };
}
