import type { ProcessConfig } from '../config/types.js';
import { applyProbe, shouldProbe } from '../health/apply-probe.js';
import { runHealthProbe, type HealthProbeDeps } from '../health/run-health-probe.js';
import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { ProbeResult } from '../probes/probe.js';
import type { System } from '../system/system.js';

/**
 * How many command probes run at once. A command is a fork through setpriv into a cgroup and
 * a shell: dozens at once on a Pi's four cores and little memory would slow the very apps
 * being probed. Four at once keeps a tick of many probes near the slowest few; HTTP and TCP
 * probes cost a socket each and are not bounded.
 */
export const COMMAND_PROBES_AT_ONCE = 4;

/** A counting semaphore: `acquire()` resolves, in order, once fewer than `size` hold a slot; it returns the release. */
function slots(size: number): () => Promise<() => void> {
  let free = size;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next === undefined) free += 1;
    else next();
  };
  return async () => {
    if (free > 0) free -= 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    return release;
  };
}

/** One process's check with its health probe asked (`probe` undefined: it has none, or its other check failed). */
export interface ProbedVerdict {
  process: ProcessConfig;
  verdict: HealthVerdict;
  probe: ProbeResult | undefined;
}

/**
 * The health-probe stage of a check: every process whose check passed and that has a `health`
 * probe is probed, all at once (a tick with several slow probes takes about the slowest, not
 * the sum), and a probe that did not answer makes its check `probe_failed` (src/health/). A
 * process without a probe costs nothing. Runs before the tick's transaction opens, as a probe
 * waits on the network or a command. Never rejects.
 *
 * A process turned `off` (`off: true`) is not probed: its recorded state is `off` whatever the
 * probe says, and a probe costs a command or a connection at every tick for nothing.
 *
 * A probe cut short because the watchdog was asked to stop (`signal`: its command is stopped)
 * says nothing of the app: its check is `check_error`, which is not counted against it.
 */
export function probeChecks(
  verdicts: readonly { process: ProcessConfig; verdict: HealthVerdict; off?: boolean }[],
  deps: HealthProbeDeps & { signal?: AbortSignal | undefined },
): Promise<ProbedVerdict[]> {
  const forkSlot = slots(COMMAND_PROBES_AT_ONCE);
  const commandDeps: HealthProbeDeps = {
    ...deps,
    runShellCommand: async (options) => {
      const release = await forkSlot();
      try {
        return await deps.runShellCommand(options);
      } finally {
        release();
      }
    },
  };
  return Promise.all(
    verdicts.map(async ({ process, verdict, off = false }): Promise<ProbedVerdict> => {
      const { health } = process;
      if (health === undefined || off || !shouldProbe(verdict)) return { process, verdict, probe: undefined };
      const probe = await runHealthProbe({ ...process, health }, commandDeps);
      if (!probe.answered && deps.signal?.aborted === true) {
        const reason = `the watchdog was asked to stop while probing; not counted (${probe.probe}: ${probe.detail})`;
        return { process, verdict: { ...verdict, state: 'check_error', reason }, probe };
      }
      return { process, verdict: applyProbe(verdict, probe), probe };
    }),
  );
}

/** One process checked and probed now: what a person's command (`on`, `restart`) and a dry run weigh. */
export async function probeCheck(
  process: ProcessConfig,
  verdict: HealthVerdict,
  deps: HealthProbeDeps & { signal?: AbortSignal | undefined },
  { off = false }: { off?: boolean } = {},
): Promise<HealthVerdict> {
  const [probed] = await probeChecks([{ process, verdict, off }], deps);
  return probed?.verdict ?? verdict;
}

/** The machine's side of a probe: the watchdog's environment, its command runner and its stop signal. */
export function probeDepsOf(
  system: Pick<System, 'env' | 'runShellCommand' | 'signal'>,
): HealthProbeDeps & { signal: AbortSignal | undefined } {
  return { env: system.env, runShellCommand: (options) => system.runShellCommand(options), signal: system.signal };
}
