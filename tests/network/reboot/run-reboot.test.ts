import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RebootConfig } from '../../../src/network/config/network-types.js';
import { runReboot, type RebootEffects } from '../../../src/network/reboot/run-reboot.js';
import type { ShellCommandOptions, ShellCommandResult } from '../../../src/system/run-shell-command.js';
import { recordingLogger } from '../../helpers/recording-logger.js';

const REBOOT: RebootConfig = {
  command: './reboot-stub.sh',
  timeout_seconds: 60,
  cooldown_seconds: 3600,
  max_per_day: 3,
  maintenance_flag: undefined,
  usb_guard: { enabled: false, gadget_dir: '/sys/kernel/config/usb_gadget', only_when_bound: true },
  veto_if_reachable: undefined,
};

const REQUEST = {
  interface: 'eth0',
  reason: '3 consecutive failed ladder runs',
  failedLadderRuns: 3,
  ladderId: 7,
  reboot: REBOOT,
};

/** Effects that keep, in one list, every row written, event told, line logged and command run, in order. */
function recordingEffects(result: Partial<ShellCommandResult> = {}) {
  const steps: string[] = [];
  const commands: ShellCommandOptions[] = [];
  const logger = recordingLogger();
  const effects: RebootEffects = {
    record: (event) => {
      steps.push(`record ${event.kind} ${event.outcome ?? ''} ladder ${event.ladderId ?? '-'}`);
      return 42;
    },
    complete: (id, outcome) => steps.push(`complete ${id} ${outcome.outcome ?? ''}: ${outcome.detail ?? ''}`),
    tell: (event) => steps.push(`tell ${event.kind}`),
    logger: {
      ...logger,
      error: (message: string) => {
        steps.push(`log error`);
        logger.error(message);
      },
    },
    runShellCommand: async (options) => {
      steps.push(`run ${options.command}`);
      commands.push(options);
      return { pid: 123, exitCode: 0, signal: null, timedOut: false, durationMs: 1500, outputTail: '', ...result };
    },
    env: { PATH: '/usr/bin' },
    cwd: '/etc/watchdog',
  };
  return { effects, steps, commands, logger };
}

describe('runReboot', () => {
  it('records and tells the reboot before its command runs, then completes its row', async () => {
    const { effects, steps, commands, logger } = recordingEffects();
    const report = await runReboot(REQUEST, effects);
    assert.deepEqual(steps, [
      'record reboot requested ladder 7',
      'log error',
      'tell reboot_done',
      'run ./reboot-stub.sh',
      'complete 42 requested: 3 consecutive failed ladder runs; command exited 0 after 1.5s',
    ]);
    assert.deepEqual(report, {
      reason: REQUEST.reason,
      eventId: 42,
      commandOk: true,
      detail: 'exited 0 after 1.5s',
    });
    assert.deepEqual(logger.lines, [
      'error network eth0: REBOOTING the device (3 consecutive failed ladder runs): ./reboot-stub.sh',
    ]);
    const [command] = commands;
    assert.equal(command?.signal, undefined, 'a stop request must not cut the reboot command short');
    assert.equal(command?.cwd, '/etc/watchdog');
    assert.equal(command?.timeoutMs, 60_000);
    assert.deepEqual(command?.env, {
      PATH: '/usr/bin',
      WATCHDOG_INTERFACE: 'eth0',
      WATCHDOG_ACTION: 'reboot',
      WATCHDOG_REASON: REQUEST.reason,
    });
  });

  it('marks the row command_failed, logs and tells when the command fails', async () => {
    const { effects, steps, logger } = recordingEffects({ exitCode: 1 });
    const report = await runReboot(REQUEST, effects);
    assert.deepEqual(steps, [
      'record reboot requested ladder 7',
      'log error',
      'tell reboot_done',
      'run ./reboot-stub.sh',
      'complete 42 command_failed: 3 consecutive failed ladder runs; command exited 1 after 1.5s',
      'log error',
      'tell reboot_failed',
    ]);
    assert.equal(report.commandOk, false);
    assert.equal(logger.lines.at(-1), 'error network eth0: the reboot command failed: exited 1 after 1.5s');
  });
});
