import { performance } from 'node:perf_hooks';
import { describeError } from '../errors.js';
import type { ProbeResult, ProbeSpec, RunProbe } from './probe.js';
import { describeProbe } from './describe-probe.js';
import { runHttpProbe } from './run-http-probe.js';
import { runIcmpProbe } from './run-icmp-probe.js';
import { runTcpProbe } from './run-tcp-probe.js';

/** Past this, Node fires a timer after 1 ms; a second is left for ping to be killed in. */
const MAX_TIMEOUT_SECONDS = (2 ** 31 - 1) / 1000 - 1;

/**
 * Runs one probe of any type and times it. Never rejects: whatever goes wrong, including a
 * spec that slipped past the config schema, is `answered: false` with the reason as the detail.
 *
 * @example
 * await runProbe({ type: 'tcp', host: '10.0.0.1', port: 53, timeout_seconds: 2 });
 * // { probe: 'tcp 10.0.0.1:53', answered: true, detail: 'connected', durationMs: 3 }
 */
export const runProbe: RunProbe = async (spec, signal) => {
  const started = performance.now();
  let outcome: Pick<ProbeResult, 'answered' | 'detail'>;
  try {
    outcome = await dispatchProbe(spec, signal);
  } catch (error) {
    outcome = { answered: false, detail: describeError(error) };
  }
  return { probe: describeProbe(spec), ...outcome, durationMs: Math.round(performance.now() - started) };
};

function dispatchProbe(
  spec: ProbeSpec,
  signal: AbortSignal | undefined,
): Promise<Pick<ProbeResult, 'answered' | 'detail'>> {
  const timeout: unknown = spec.timeout_seconds;
  // A NaN or huge timer would fire at once, and a probe without a deadline could stall the tick.
  if (typeof timeout !== 'number' || !(timeout > 0 && timeout <= MAX_TIMEOUT_SECONDS)) {
    throw new RangeError(`timeout_seconds must be a positive number of seconds, not ${String(timeout)}`);
  }
  switch (spec.type) {
    case 'icmp':
      return runIcmpProbe(spec);
    case 'tcp':
      return runTcpProbe(spec, signal);
    case 'http':
      return runHttpProbe(spec, signal);
    default: {
      const unknown: { type?: unknown } = spec;
      throw new TypeError(`unknown probe type ${String(unknown.type)}`);
    }
  }
}
