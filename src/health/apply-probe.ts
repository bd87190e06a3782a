import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { ProbeResult } from '../probes/probe.js';
import { formatSeconds } from '../time/format-duration.js';

/**
 * Whether a process's probe is asked at this check: only when its other check (a heartbeat,
 * a `match`) passed, or it has none. A failing heartbeat is the more basic problem and is the
 * one told; probing then would cost the tick a timeout to learn nothing more.
 */
export function shouldProbe(verdict: Pick<HealthVerdict, 'state'>): boolean {
  return verdict.state === 'healthy';
}

/**
 * The check with its probe applied: a healthy check whose probe did not answer is
 * `probe_failed`, its reason what was probed, what came back and how long it took, e.g.
 * `health probe failed: http http://127.0.0.1:8080/health: HTTP 503, expected 200 (after 12 ms)`.
 * A healthy check whose probe answered says so in its reason (`status` shows what the probe
 * said). Any other check, or no probe asked, stays as it is.
 */
export function applyProbe(verdict: HealthVerdict, probe: ProbeResult | undefined): HealthVerdict {
  if (probe === undefined || verdict.state !== 'healthy') return verdict;
  if (probe.answered) return { ...verdict, reason: `${verdict.reason}; ${describeProbeResult(probe)}` };
  return { ...verdict, state: 'probe_failed', reason: describeProbeResult(probe) };
}

/**
 * `health probe answered: tcp 127.0.0.1:1883: connected (after 3 ms)`; a timeout says how
 * long already (`health probe failed: http http://x/: timed out after 2s`).
 */
export function describeProbeResult(probe: ProbeResult): string {
  const took = probe.detail.startsWith('timed out after ') ? '' : ` (after ${describeDuration(probe.durationMs)})`;
  return `health probe ${probe.answered ? 'answered' : 'failed'}: ${probe.probe}: ${probe.detail}${took}`;
}

function describeDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : formatSeconds(ms / 1000);
}
