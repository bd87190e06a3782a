import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { HealthVerdict } from '../../src/heartbeat/classify-heartbeat.js';
import { runRecovery } from '../../src/recovery/run-recovery.js';
import { directWriter } from '../../src/store/audit-writer.js';
import { openStore } from '../../src/store/open-store.js';
import {
  noteSpawned,
  noteStarted,
  noteStartUnderWay,
  readStartedInstance,
  readStartRecord,
  restoreStartRecord,
} from '../../src/store/process-control.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import type { StartDetachedResult } from '../../src/system/start-detached.js';
import { onCleanup } from '../helpers/cleanup.js';
import { FAKE_BOOT_ID, fakeSystem } from '../helpers/fake-system.js';
import { processConfig } from '../helpers/process-config.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { recordingLogger } from '../helpers/recording-logger.js';
import { verdictOf } from '../helpers/verdicts.js';

const TRIGGER: HealthVerdict = verdictOf('no_heartbeat', 'no heartbeat file');

/** Runs one start whose command ends as `start` says, PID 6000 now naming a process started at 9000 ticks. */
async function instanceAfter(start: Partial<StartDetachedResult>) {
  const db = openStore(join(makeTempDir(), 'state', 'watchdog.db'));
  onCleanup(() => db.close());
  const system = fakeSystem({ processes: [{ pid: 6000, startTime: 9000 }], startResult: () => start });
  await runRecovery(
    {
      process: processConfig(),
      kind: 'start',
      command: 'on',
      requestedBy: 'test',
      actions: ['start'],
      trigger: TRIGGER,
      heartbeat: TRIGGER,
    },
    { audit: directWriter(db), system, logger: recordingLogger(), outputLogMaxBytes: 4096 },
  );
  return readStartedInstance(db, processConfig().key);
}

describe('runRecovery: the started instance', () => {
  const cases: [name: string, start: Partial<StartDetachedResult>, expected: unknown][] = [
    [
      'the start command still runs: it is the instance',
      { outcome: 'running' },
      { pid: 6000, startTicks: 9000, bootId: FAKE_BOOT_ID, foundBy: 'ran' },
    ],
    [
      'the start command exited 0 and left nothing found: its PID is never recorded (another process may hold it)',
      { outcome: 'exited', exitCode: 0 },
      undefined,
    ],
  ];
  for (const [name, start, expected] of cases) {
    it(name, async () => {
      assert.deepEqual(await instanceAfter(start), expected);
    });
  }
});

describe('runRecovery: a kill ends the start grace', () => {
  /** A start recorded 5 s ago (its grace open), its instance PID 6000 running; then `actions` run, the start failing. */
  async function graceAfter(actions: string[], killed: boolean) {
    const db = openStore(join(makeTempDir(), 'state', 'watchdog.db'));
    onCleanup(() => db.close());
    const process = processConfig({ recovery_actions: actions });
    const system = fakeSystem({
      processes: [{ pid: 6000, startTime: 9000 }],
      startResult: () => ({ outcome: 'exited', exitCode: 1 }),
      // The instance exits on the first signal when `killed`, as an app does on SIGTERM.
      onSignal: (_target, _signal, fake) => (killed ? fake.exit(6000) : undefined),
    });
    const startedAt = formatUtcTimestamp(new Date(system.now().getTime() - 5000));
    noteStarted(db, process.key, startedAt, formatUtcTimestamp(new Date(system.now().getTime() + 25_000)), {
      pid: 6000,
      startTicks: 9000,
      bootId: FAKE_BOOT_ID,
    });
    await runRecovery(
      {
        process,
        kind: 'restart',
        command: 'restart',
        requestedBy: 'test',
        actions,
        trigger: TRIGGER,
        heartbeat: TRIGGER,
      },
      { audit: directWriter(db), system, logger: recordingLogger(), outputLogMaxBytes: 4096 },
    );
    return readStartRecord(db, process.key);
  }

  it('the kill stopped the instance, the start after it failed: the old start is back, without its grace', async () => {
    const record = await graceAfter(['kill', 'start'], true);
    assert.deepEqual({ pid: record.started_pid, grace: record.grace_until }, { pid: 6000, grace: null });
  });

  it('no kill in the pipeline: the grace of the instance that may still come up stays', async () => {
    const record = await graceAfter(['start'], false);
    assert.equal(record.started_pid, 6000);
    assert.notEqual(record.grace_until, null);
  });
});

describe('the start record: how its instance was found', () => {
  it('the command as spawned is not known as the app; a failed start puts back how the one before was found', () => {
    const db = openStore(join(makeTempDir(), 'state', 'watchdog.db'));
    onCleanup(() => db.close());
    const key = processConfig().key;
    const before = '2026-01-01T00:00:00.000Z';
    noteStarted(db, key, before, '2026-01-01T00:00:30.000Z', {
      pid: 6000,
      startTicks: 9000,
      bootId: FAKE_BOOT_ID,
      foundBy: 'pid_file',
    });
    assert.equal(readStartedInstance(db, key)?.foundBy, 'pid_file');
    const record = readStartRecord(db, key);
    const startedAt = '2026-01-01T00:10:00.000Z';
    noteStartUnderWay(db, key, startedAt, '2026-01-01T00:10:30.000Z', undefined);
    noteSpawned(db, key, startedAt, { pid: 6100, startTicks: 9900, bootId: FAKE_BOOT_ID });
    assert.deepEqual(readStartedInstance(db, key), { pid: 6100, startTicks: 9900, bootId: FAKE_BOOT_ID });
    restoreStartRecord(db, key, startedAt, record);
    assert.deepEqual(readStartedInstance(db, key), {
      pid: 6000,
      startTicks: 9000,
      bootId: FAKE_BOOT_ID,
      foundBy: 'pid_file',
    });
  });

  it('an unknown word in the column proves nothing', () => {
    const db = openStore(join(makeTempDir(), 'state', 'watchdog.db'));
    onCleanup(() => db.close());
    const key = processConfig().key;
    noteStarted(db, key, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:30.000Z', { pid: 6000, startTicks: 9000 });
    db.prepare("UPDATE process_state SET started_found_by = 'daemon' WHERE process_key = ?").run(key);
    assert.deepEqual(readStartedInstance(db, key), { pid: 6000, startTicks: 9000 });
  });
});
