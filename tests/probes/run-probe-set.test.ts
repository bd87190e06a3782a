import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProbeResult, ProbeSetSpec, ProbeSpec, RunProbe } from '../../src/probes/probe.js';
import { describeProbe } from '../../src/probes/describe-probe.js';
import { runProbeSet } from '../../src/probes/run-probe-set.js';

const tcp: ProbeSpec = { type: 'tcp', host: '10.0.0.1', port: 53, timeout_seconds: 2 };
const icmp: ProbeSpec = { type: 'icmp', host: '10.0.0.2', timeout_seconds: 2 };
const http: ProbeSpec = { type: 'http', url: 'http://10.0.0.3/health', expect_status: 200, timeout_seconds: 2 };

/** What each fake probe says when it answers, and when it does not. */
const SAID: Record<ProbeSpec['type'], [answered: string, unanswered: string]> = {
  tcp: ['connected', 'ECONNREFUSED'],
  icmp: ['replied', 'no reply (ping exited 1)'],
  http: ['HTTP 200', 'timed out after 2s'],
};

/** A RunProbe that answers for the probes in `answering`, and sends nothing anywhere. */
function fakeRun(answering: readonly ProbeSpec[]): RunProbe {
  return async (probe) => {
    const answered = answering.includes(probe);
    return { probe: describeProbe(probe), answered, detail: SAID[probe.type][answered ? 0 : 1], durationMs: 5 };
  };
}

describe('runProbeSet', () => {
  const cases: [
    mode: ProbeSetSpec['mode'],
    probes: ProbeSpec[],
    answering: ProbeSpec[],
    answered: boolean,
    summary: string,
  ][] = [
    ['any', [tcp, icmp], [tcp, icmp], true, 'any of 2 answered: tcp 10.0.0.1:53 connected; icmp 10.0.0.2 replied'],
    [
      'any',
      [tcp, icmp],
      [tcp],
      true,
      'any of 2 answered: tcp 10.0.0.1:53 connected; icmp 10.0.0.2 no reply (ping exited 1)',
    ],
    ['any', [tcp, icmp], [icmp], true, 'any of 2 answered: tcp 10.0.0.1:53 ECONNREFUSED; icmp 10.0.0.2 replied'],
    [
      'any',
      [tcp, icmp],
      [],
      false,
      'none of 2 answered: tcp 10.0.0.1:53 ECONNREFUSED; icmp 10.0.0.2 no reply (ping exited 1)',
    ],
    ['any', [http], [http], true, 'any of 1 answered: http http://10.0.0.3/health HTTP 200'],
    ['any', [http], [], false, 'none of 1 answered: http http://10.0.0.3/health timed out after 2s'],
    ['all', [tcp, icmp], [tcp, icmp], true, 'all of 2 answered: tcp 10.0.0.1:53 connected; icmp 10.0.0.2 replied'],
    [
      'all',
      [tcp, icmp],
      [tcp],
      false,
      '1 of 2 answered (all required): tcp 10.0.0.1:53 connected; icmp 10.0.0.2 no reply (ping exited 1)',
    ],
    [
      'all',
      [tcp, icmp],
      [icmp],
      false,
      '1 of 2 answered (all required): tcp 10.0.0.1:53 ECONNREFUSED; icmp 10.0.0.2 replied',
    ],
    [
      'all',
      [tcp, icmp],
      [],
      false,
      'none of 2 answered: tcp 10.0.0.1:53 ECONNREFUSED; icmp 10.0.0.2 no reply (ping exited 1)',
    ],
    [
      'all',
      [tcp, icmp, http],
      [tcp, http],
      false,
      '2 of 3 answered (all required): tcp 10.0.0.1:53 connected; icmp 10.0.0.2 no reply (ping exited 1); http http://10.0.0.3/health HTTP 200',
    ],
    ['all', [http], [http], true, 'all of 1 answered: http http://10.0.0.3/health HTTP 200'],
  ];
  for (const [mode, probes, answering, answered, summary] of cases) {
    it(`${mode} of [${probes.map((probe) => probe.type).join(', ')}], answering [${answering.map((probe) => probe.type).join(', ')}]: ${answered ? 'answered' : 'not answered'}`, async () => {
      const result = await runProbeSet({ mode, probes }, fakeRun(answering));
      assert.equal(result.mode, mode);
      assert.equal(result.answered, answered);
      assert.equal(result.summary, summary);
      assert.deepEqual(
        result.results.map((probe) => [probe.probe, probe.answered]),
        probes.map((probe) => [describeProbe(probe), answering.includes(probe)]),
      );
    });
  }

  it('starts every probe before any finishes, and keeps the configured order when they finish out of order', async () => {
    const events: string[] = [];
    const probes = [tcp, icmp, http];
    // The first configured probe finishes last.
    const turns = new Map<ProbeSpec, number>([
      [tcp, 3],
      [icmp, 2],
      [http, 1],
    ]);
    const run: RunProbe = async (probe) => {
      const name = describeProbe(probe);
      events.push(`start ${name}`);
      for (let turn = turns.get(probe) ?? 0; turn > 0; turn--) await new Promise((resolve) => setImmediate(resolve));
      events.push(`end ${name}`);
      return { probe: name, answered: true, detail: 'ok', durationMs: 1 };
    };
    const result = await runProbeSet({ mode: 'all', probes }, run);
    assert.deepEqual(events, [
      'start tcp 10.0.0.1:53',
      'start icmp 10.0.0.2',
      'start http http://10.0.0.3/health',
      'end http http://10.0.0.3/health',
      'end icmp 10.0.0.2',
      'end tcp 10.0.0.1:53',
    ]);
    assert.deepEqual(
      result.results.map((probe) => probe.probe),
      ['tcp 10.0.0.1:53', 'icmp 10.0.0.2', 'http http://10.0.0.3/health'],
    );
  });

  it('keeps each result as the probe returned it', async () => {
    const result: ProbeResult = { probe: 'tcp 10.0.0.1:53', answered: true, detail: 'connected', durationMs: 42 };
    const set = await runProbeSet({ mode: 'any', probes: [tcp] }, async () => result);
    assert.deepEqual(set.results, [result]);
  });

  it('counts a probe whose runner rejects, against its contract, as not answered, and still judges the set', async () => {
    const run: RunProbe = async (probe) => {
      if (probe === icmp) throw new Error('socket: Operation not permitted');
      return fakeRun([tcp])(probe);
    };
    const result = await runProbeSet({ mode: 'any', probes: [tcp, icmp] }, run);
    assert.equal(result.answered, true);
    assert.deepEqual(result.results[1], {
      probe: 'icmp 10.0.0.2',
      answered: false,
      detail: 'socket: Operation not permitted',
      durationMs: 0,
    });
  });

  it('keeps the summary on one line when a detail spans several', async () => {
    const run: RunProbe = async (probe) => ({
      probe: describeProbe(probe),
      answered: false,
      detail: 'ping exited 2:\nping: bad\r\n  address',
      durationMs: 1,
    });
    const result = await runProbeSet({ mode: 'any', probes: [icmp] }, run);
    assert.equal(result.summary, 'none of 1 answered: icmp 10.0.0.2 ping exited 2: ping: bad address');
  });

  for (const mode of ['any', 'all'] as const) {
    it(`refuses an empty ${mode} set rather than pick a verdict for it`, async () => {
      let ran = 0;
      const run: RunProbe = async (probe) => {
        ran++;
        return fakeRun([])(probe);
      };
      await assert.rejects(
        runProbeSet({ mode, probes: [] }, run),
        (error) => error instanceof RangeError && /at least one probe/.test(error.message),
      );
      assert.equal(ran, 0);
    });
  }
});
