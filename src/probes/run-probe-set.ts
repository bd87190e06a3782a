import { describeError } from '../errors.js';
import type { ProbeResult, ProbeSetResult, ProbeSetSpec, ProbeSpec, RunProbe } from './probe.js';
import { describeProbe } from './describe-probe.js';
import { runProbe } from './run-probe.js';

/**
 * Runs every probe of a set at once (so a set takes as long as its slowest probe, not
 * the sum) and judges them under the set's mode: `any` answers when at least one probe
 * does, `all` when every one does. Results keep the configured order.
 *
 * The summary is one line, e.g. `any of 2 answered: tcp 10.0.0.1:53 connected; icmp
 * 10.0.0.2 no reply (ping exited 1)`, `none of 2 answered: ...`, `all of 2 answered: ...`
 * or `1 of 2 answered (all required): ...`.
 *
 * @param run For testing: runs one probe (default {@link runProbe}). Should it reject
 * anyway, that probe counts as not answered, with the error as its detail.
 * @throws RangeError (as a rejection) for a set without probes: neither verdict would
 * mean anything, and the config schema forbids it.
 */
export async function runProbeSet(set: ProbeSetSpec, run: RunProbe = runProbe): Promise<ProbeSetResult> {
  if (set.probes.length === 0) throw new RangeError(`a probe set (mode ${set.mode}) needs at least one probe`);
  const results = await Promise.all(set.probes.map((probe) => runSafely(run, probe)));
  const answeredCount = results.filter((result) => result.answered).length;
  const answered = set.mode === 'any' ? answeredCount > 0 : answeredCount === results.length;
  const details = results.map((result) => `${result.probe} ${result.detail}`).join('; ');
  // Details quote what other programs printed; a newline in them would split a log line.
  const summary = `${describeCount(set.mode, answeredCount, results.length)}: ${details}`.replace(/\s+/g, ' ');
  return { mode: set.mode, answered, results, summary };
}

/** `none of 2 answered`, `any of 2 answered`, `all of 2 answered`, `1 of 2 answered (all required)`. */
function describeCount(mode: ProbeSetSpec['mode'], answered: number, total: number): string {
  if (answered === 0) return `none of ${total} answered`;
  if (mode === 'any') return `any of ${total} answered`;
  if (answered === total) return `all of ${total} answered`;
  return `${answered} of ${total} answered (all required)`;
}

async function runSafely(run: RunProbe, probe: ProbeSpec): Promise<ProbeResult> {
  try {
    return await run(probe);
  } catch (error) {
    return { probe: describeProbe(probe), answered: false, detail: describeError(error), durationMs: 0 };
  }
}
