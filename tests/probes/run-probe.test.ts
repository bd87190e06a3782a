import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import type { ProbeSpec } from '../../src/probes/probe.js';
import { runProbe } from '../../src/probes/run-probe.js';
import { listenOnFreePort } from '../helpers/free-port.js';

/** Stops a test that hangs instead of letting it block the run; never an assertion on speed. */
const hangGuard = { timeout: 60_000 };

/** A spec as it might arrive from a config that skipped validation. */
function unchecked(json: string): ProbeSpec {
  return JSON.parse(json) as ProbeSpec;
}

describe('runProbe', () => {
  it('names the probe, dispatches on its type and times it in whole milliseconds', hangGuard, async () => {
    const server = createServer((socket) => socket.destroy());
    const port = await listenOnFreePort(server);
    try {
      const result = await runProbe({ type: 'tcp', host: '127.0.0.1', port, timeout_seconds: 5 });
      assert.deepEqual(Object.keys(result).sort(), ['answered', 'detail', 'durationMs', 'probe']);
      assert.deepEqual([result.probe, result.answered, result.detail], [`tcp 127.0.0.1:${port}`, true, 'connected']);
      assert.ok(Number.isInteger(result.durationMs) && result.durationMs >= 0, `durationMs ${result.durationMs}`);
    } finally {
      server.close();
    }
  });

  const badTimeouts: [json: string, shown: string][] = [
    ['0', '0'],
    ['-1', '-1'],
    ['"2"', '2'],
    ['null', 'null'],
    ['1e10', '10000000000'],
  ];
  for (const [json, shown] of badTimeouts) {
    it(
      `refuses timeout_seconds ${json} without probing, since that timer would fire at once or never`,
      hangGuard,
      async () => {
        const result = await runProbe(
          unchecked(`{"type":"tcp","host":"127.0.0.1","port":9,"timeout_seconds":${json}}`),
        );
        assert.deepEqual(
          [result.probe, result.answered, result.detail],
          ['tcp 127.0.0.1:9', false, `timeout_seconds must be a positive number of seconds, not ${shown}`],
        );
      },
    );
  }

  it('refuses NaN as a timeout, as only code (not JSON) can pass it', hangGuard, async () => {
    const result = await runProbe({ type: 'icmp', host: '127.0.0.1', timeout_seconds: Number.NaN });
    assert.deepEqual(
      [result.answered, result.detail],
      [false, 'timeout_seconds must be a positive number of seconds, not NaN'],
    );
  });

  it('reports a type it does not know instead of rejecting', hangGuard, async () => {
    const result = await runProbe(unchecked('{"type":"udp","host":"127.0.0.1","port":53,"timeout_seconds":2}'));
    assert.deepEqual(
      [result.probe, result.answered, result.detail],
      ['unknown probe type udp', false, 'unknown probe type udp'],
    );
  });
});
