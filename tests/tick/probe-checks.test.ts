import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProbeResult, ProbeSpec } from '../../src/probes/probe.js';
import { COMMAND_PROBES_AT_ONCE, probeChecks } from '../../src/tick/probe-checks.js';
import { processConfig } from '../helpers/process-config.js';
import { verdictOf } from '../helpers/verdicts.js';

const hangGuard = { timeout: 30_000 };

describe('probeChecks', () => {
  it('runs the probes of all processes at once: each waits until every one has started', hangGuard, async () => {
    const started: string[] = [];
    let release: () => void = () => {};
    const allStarted = new Promise<void>((resolve) => (release = resolve));
    const runProbe = async (spec: ProbeSpec): Promise<ProbeResult> => {
      started.push(spec.type === 'tcp' ? String(spec.port) : spec.type);
      if (started.length === 3) release();
      // Run one after another, the first would wait here for ever (the guard ends the test).
      await allStarted;
      return {
        probe: `tcp ${spec.type === 'tcp' ? spec.port : ''}`,
        answered: spec.type === 'tcp' && spec.port !== 2,
        detail: 'x',
        durationMs: 1,
      };
    };
    const verdicts = [1, 2, 3].map((port) => ({
      process: processConfig({
        key: `app${port}`,
        health: { type: 'tcp', host: '127.0.0.1', port, timeout_seconds: 1 },
      }),
      verdict: verdictOf('healthy'),
    }));
    const probed = await probeChecks(verdicts, { env: {}, runShellCommand: () => assert.fail('no command'), runProbe });
    assert.deepEqual(
      probed.map(({ verdict }) => verdict.state),
      ['healthy', 'probe_failed', 'healthy'],
    );
  });

  it('runs at most four command probes at a time, so a Pi is not asked to fork dozens at once', hangGuard, async () => {
    let running = 0;
    let most = 0;
    const runShellCommand = async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      return { pid: 1, exitCode: 0, signal: null, timedOut: false, durationMs: 1, outputTail: '' };
    };
    const verdicts = Array.from({ length: 12 }, (_, index) => ({
      process: processConfig({
        key: `agent${index}`,
        health: { type: 'command', command: 'true', timeout_seconds: 5 },
      }),
      verdict: verdictOf('healthy'),
    }));
    const probed = await probeChecks(verdicts, { env: {}, runShellCommand });
    assert.equal(probed.length, 12);
    assert.ok(probed.every(({ verdict }) => verdict.state === 'healthy'));
    assert.equal(most, COMMAND_PROBES_AT_ONCE);
    assert.equal(COMMAND_PROBES_AT_ONCE, 4);
  });

  it('asks no probe of a process whose other check failed, or that has none', async () => {
    const runProbe = (): Promise<ProbeResult> => assert.fail('no probe is asked');
    const withProbe = processConfig({
      key: 'app',
      health: { type: 'tcp', host: '127.0.0.1', port: 1, timeout_seconds: 1 },
    });
    const probed = await probeChecks(
      [
        { process: withProbe, verdict: verdictOf('timed_out') },
        { process: processConfig({ key: 'plain' }), verdict: verdictOf('healthy') },
      ],
      { env: {}, runShellCommand: () => assert.fail('no command'), runProbe },
    );
    assert.deepEqual(
      probed.map(({ verdict, probe }) => [verdict.state, probe]),
      [
        ['timed_out', undefined],
        ['healthy', undefined],
      ],
    );
  });

  it('does not count a probe cut short by a stop request: check_error, not probe_failed', async () => {
    const stop = new AbortController();
    const runProbe = (): Promise<ProbeResult> => {
      stop.abort();
      return Promise.resolve({ probe: 'tcp 127.0.0.1:1', answered: false, detail: 'ECONNRESET', durationMs: 1 });
    };
    const process = processConfig({
      key: 'app',
      health: { type: 'tcp', host: '127.0.0.1', port: 1, timeout_seconds: 1 },
    });
    const [probed] = await probeChecks([{ process, verdict: verdictOf('healthy') }], {
      env: {},
      runShellCommand: () => assert.fail('no command'),
      runProbe,
      signal: stop.signal,
    });
    assert.equal(probed?.verdict.state, 'check_error');
    assert.equal(
      probed?.verdict.reason,
      'the watchdog was asked to stop while probing; not counted (tcp 127.0.0.1:1: ECONNRESET)',
    );
  });
});
