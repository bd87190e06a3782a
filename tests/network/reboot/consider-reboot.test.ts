import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RawNetworkConfig } from '../../../src/network/config/network-types.js';
import { normalizeNetwork } from '../../../src/network/config/normalize-network.js';
import type { ProbeSetResult } from '../../../src/probes/probe.js';
import { considerReboot } from '../../../src/network/reboot/consider-reboot.js';
import type { RebootEffects } from '../../../src/network/reboot/run-reboot.js';
import { recordingLogger } from '../../helpers/recording-logger.js';

const FLAG = '/run/watchdog/maintenance';

function network(reboot: Partial<NonNullable<RawNetworkConfig['reboot']>> = {}) {
  return normalizeNetwork(
    {
      interface: 'eth0',
      max_failures: 3,
      reboot: { command: './reboot-stub.sh', maintenance_flag: FLAG, ...reboot },
    },
    '/etc/watchdog',
  );
}

/** A machine where the flag file is there or not, and the veto probes answer or not (counted). */
function fakeSystem({ flag = false, vetoAnswers = false } = {}) {
  const probed: string[] = [];
  return {
    probed,
    system: {
      fileExists: (path: string) => flag && path === FLAG,
      findMassStorage: () => ({ backings: [] }),
      runProbeSet: async (): Promise<ProbeSetResult> => {
        probed.push('veto');
        return {
          mode: 'any',
          answered: vetoAnswers,
          results: [],
          summary: vetoAnswers ? 'any of 1 answered' : 'none of 1 answered',
        };
      },
      now: () => new Date('2026-06-30T12:00:00Z'),
      bootId: () => 'boot-1',
      uptimeSeconds: () => 7200,
    },
  };
}

function recordingEffects() {
  const steps: string[] = [];
  const logger = recordingLogger();
  const effects: RebootEffects = {
    record: (event) => {
      steps.push(`record ${event.kind} ${event.rung ?? '-'} ${event.outcome ?? ''}`);
      return 9;
    },
    complete: (id, outcome) => steps.push(`complete ${id} ${outcome.outcome ?? ''}`),
    tell: (event) => steps.push(`tell ${event.kind}`),
    logger,
    runShellCommand: async (options) => {
      steps.push(`run ${options.command}`);
      return { pid: 1, exitCode: 0, signal: null, timedOut: false, durationMs: 10, outputTail: '' };
    },
    env: {},
    cwd: '/etc/watchdog',
  };
  return { effects, steps, logger };
}

const failed = (failedLadderRuns: number) => ({ failedLadderRuns, ladderId: 5, pastReboots: [] });

describe('considerReboot', () => {
  it('records a hold by max_failures without telling anyone: no reboot was due yet', async () => {
    const { system, probed } = fakeSystem();
    const { effects, steps, logger } = recordingEffects();
    const step = await considerReboot(network(), failed(1), system, effects);
    assert.equal(step.decision.kind, 'hold');
    assert.equal(step.reboot, undefined);
    assert.deepEqual(steps, ['record reboot_held max_failures held']);
    assert.deepEqual(probed, []);
    assert.match(logger.lines[0] ?? '', /^warn network eth0: no reboot, held by max_failures: 1 of 3/);
  });

  it('records and tells a hold by the maintenance flag: a due reboot was suppressed', async () => {
    const { system, probed } = fakeSystem({ flag: true });
    const { effects, steps } = recordingEffects();
    const step = await considerReboot(network(), failed(3), system, effects);
    assert.deepEqual(step.decision, {
      kind: 'hold',
      guard: 'maintenance_flag',
      reason: `the maintenance flag ${FLAG} exists`,
    });
    assert.deepEqual(steps, ['record reboot_held maintenance_flag held', 'tell reboot_suppressed']);
    assert.deepEqual(probed, [], 'the veto probes run only when every other guard lets the reboot through');
  });

  it('runs the veto probes last, and holds when they answer', async () => {
    const { system, probed } = fakeSystem({ vetoAnswers: true });
    const { effects, steps } = recordingEffects();
    const step = await considerReboot(
      network({ veto_if_reachable: { probes: [{ type: 'tcp', host: '127.0.0.1', port: 9 }] } }),
      failed(3),
      system,
      effects,
    );
    assert.equal(step.decision.kind === 'hold' && step.decision.guard, 'reachable');
    assert.deepEqual(probed, ['veto']);
    assert.deepEqual(steps, ['record reboot_held reachable held', 'tell reboot_suppressed']);
  });

  it('reboots when every guard lets it through', async () => {
    const { system, probed } = fakeSystem();
    const { effects, steps } = recordingEffects();
    const step = await considerReboot(
      network({ veto_if_reachable: { probes: [{ type: 'tcp', host: '127.0.0.1', port: 9 }] } }),
      failed(3),
      system,
      effects,
    );
    assert.equal(step.decision.kind, 'reboot');
    assert.deepEqual(probed, ['veto']);
    assert.deepEqual(steps, [
      'record reboot - requested',
      'tell reboot_done',
      'run ./reboot-stub.sh',
      'complete 9 requested',
    ]);
    assert.equal(step.reboot?.commandOk, true);
  });
});
