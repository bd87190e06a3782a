import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { validateConfig } from '../../src/config/validate-config.js';
import type { WatchdogConfig } from '../../src/config/types.js';
import { readHeartbeatFile } from '../../src/heartbeat/read-heartbeat-file.js';
import { openStore } from '../../src/store/open-store.js';
import { readHistory } from '../../src/store/read-state.js';
import { runCheckTick } from '../../src/tick/run-check-tick.js';
import type { TickOutcome } from '../../src/tick/tick-outcome.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import { everySectionConfig, formatAt, locateNumericSettings, withValueAt } from '../helpers/config-numbers.js';
import { exitOn, FAKE_NOW_MS, fakeSystem } from '../helpers/fake-system.js';
import { assessedCheckOf } from '../../src/tick/filesystem-check.js';
import { fakeNetworkSystem } from '../helpers/fake-network-system.js';
import { heartbeatText, writeFileAt } from '../helpers/heartbeats.js';
import { recordingLogger } from '../helpers/recording-logger.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** The PID of the `web` app in the fake process table: it exits on SIGTERM. */
const WEB_PID = 4242;
const MINUTE_MS = 60_000;
/** What a config number that a tick cannot handle used to end in (issue 19). */
const BROKEN = /Invalid time value|RangeError|TypeError|NaN/;

interface TickRun {
  outcomes: TickOutcome[];
  lines: string[];
  historyRows: number;
  /** The shell commands the fake machine was asked to run (actions, notifications). */
  commands: string[];
}

/**
 * Three ticks a minute apart of `raw` in a fresh folder, against fakes of the machine and
 * the uplink: `web` reports an error from a live PID (killed, cleaned up, woken, started,
 * so its start grace is recorded: whatever its timeout), `api` has no heartbeat and its start fails (so the crash-loop guard weighs a failed
 * recovery), the link has no carrier (so the ladder runs and a reboot is weighed), and the
 * `ops` channel's command fails (so delivery retries). The database, the lock, the
 * heartbeats and the metrics file are real.
 */
async function runTicks(raw: unknown): Promise<TickRun> {
  const dir = makeTempDir();
  const { config, errors } = validateConfig(raw, join(dir, 'config.json'), () => undefined, {});
  assert.deepEqual(errors, []);
  assert.ok(config !== undefined);
  writeFileAt(
    join(dir, 'hb', 'web.json'),
    heartbeatText({
      process_key: 'web',
      pid: WEB_PID,
      status: 'error',
      timestamp: formatUtcTimestamp(new Date(FAKE_NOW_MS)),
    }),
  );
  const system = fakeSystem({
    processes: [{ pid: WEB_PID, uid: process.getuid?.() ?? 0 }],
    onSignal: exitOn('SIGTERM'),
    startResult: (options) =>
      options.command.startsWith('start-api') ? { outcome: 'exited', exitCode: 1, pid: 6001 } : {},
    shellResult: (options) => (options.command === 'notify-ops' ? { exitCode: 1 } : {}),
  });
  const network = fakeNetworkSystem({ link: { carrier: false }, nowMs: FAKE_NOW_MS });
  const logger = recordingLogger();
  const outcomes: TickOutcome[] = [];
  for (let tick = 0; tick < 3; tick += 1) {
    outcomes.push(
      await runCheckTick(config, {
        system,
        readHeartbeat: readHeartbeatFile,
        logger,
        networkSystem: () => network,
        // The `logs` entry is full, so its cleanup runs at every bound too.
        readFilesystem: (path) => ({
          kind: 'read',
          figures: {
            folder: path,
            mountPoint: path,
            fsType: 'tmpfs',
            sizeBytes: 1024 ** 2,
            freeBytes: 0,
            readOnly: false,
            rootFilesystem: false,
          },
        }),
        hostname: 'device',
        notifyEnv: {},
      }),
    );
    system.clockMs += MINUTE_MS;
    network.advance(MINUTE_MS);
  }
  return {
    outcomes,
    lines: logger.lines,
    historyRows: countHistory(config),
    commands: system.shellCommands.map((options) => options.command),
  };
}

function countHistory(config: WatchdogConfig): number {
  const db = openStore(config.db_path);
  try {
    return readHistory(db, { limit: 1000 }).length;
  } finally {
    db.close();
  }
}

function assertRan(run: TickRun): void {
  for (const outcome of run.outcomes) {
    assert.equal(outcome.kind, 'ran');
    if (outcome.kind !== 'ran') continue;
    assert.deepEqual(
      [...outcome.checks, ...(outcome.filesystems?.checks.map(assessedCheckOf) ?? [])]
        .filter((check) => check.verdict.state === 'check_error')
        .map((check) => `${check.process.key}: ${check.verdict.reason}`),
      [],
      'no check_error',
    );
    assert.deepEqual(
      outcome.filesystems?.checks.map((check) => [check.filesystem.key, check.checked.state]),
      [['logs', 'low_space']],
    );
    assert.equal(outcome.auditDegraded, undefined, 'the audit log took every row');
  }
  assert.equal(
    run.historyRows,
    9,
    'both processes and the file system entry checked and recorded at each of the three ticks',
  );
  assert.deepEqual(
    run.lines.filter((line) => BROKEN.test(line)),
    [],
  );
}

const BASE = everySectionConfig();
const warnings: Error[] = [];
const onWarning = (warning: Error): void => {
  warnings.push(warning);
};

describe('a tick runs with every numeric setting at the bounds validate accepts', () => {
  before(() => process.on('warning', onWarning));
  after(() => process.off('warning', onWarning));

  it('runs the test config as it is: recoveries, a failed start, the ladder, a reboot, retried notifications', async () => {
    const run = await runTicks(BASE);
    assertRan(run);
    const [first] = run.outcomes;
    assert.ok(first?.kind === 'ran');
    assert.deepEqual(
      first.recoveries.map((recovery) => [recovery.processKey, recovery.outcome]),
      [
        ['web', 'succeeded'],
        ['api', 'failed'],
      ],
    );
    assert.deepEqual(
      first.filesystems?.recoveries.map((recovery) => [recovery.processKey, recovery.outcome]),
      [['logs', 'succeeded']],
      'the full file system was cleaned up',
    );
    assert.ok(run.commands.includes('clean-logs'), "without the processes' cleanup_args, which it does not inherit");
    assert.ok(!run.commands.includes('clean-logs --force'));
    assert.ok(first.network?.reboot !== undefined, 'the ladder ran and a reboot was made');
    assert.ok(
      run.commands.filter((command) => command === 'notify-ops').length > 1,
      'the ops channel was tried, and tried again',
    );
  });

  for (const setting of locateNumericSettings(BASE)) {
    const path = formatAt(setting.at);
    for (const [bound, value] of [
      ['maximum', setting.maximum],
      [
        'minimum',
        setting.minimum ??
          (setting.exclusiveMinimum === undefined
            ? undefined
            : setting.exclusiveMinimum + (setting.integer ? 1 : 0.001)),
      ],
    ] as const) {
      if (value === undefined) continue;
      it(`${path} at its ${bound}, ${value}`, async () => {
        assertRan(await runTicks(withValueAt(BASE, setting.at, value)));
      });
    }
  }

  it('runs with every numeric setting at its maximum at once', async () => {
    const raw = locateNumericSettings(BASE).reduce<unknown>(
      (config, setting) => withValueAt(config, setting.at, setting.maximum),
      BASE,
    );
    assertRan(await runTicks(raw));
  });

  it('none of it asked a timer for more than Node can wait', () => {
    assert.deepEqual(
      warnings.map((warning) => `${warning.name}: ${warning.message}`),
      [],
    );
  });
});
