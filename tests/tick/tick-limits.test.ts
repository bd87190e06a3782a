// A tick's resource limits with a fake process table and a real audit database: the CPU rate
// across ticks on the boot clock (whatever the wall clock does), over_limit counted toward the
// threshold, and the recovery's kill aimed at the app measured.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validateConfig } from '../../src/config/validate-config.js';
import type { WatchdogConfig } from '../../src/config/types.js';
import { readHeartbeatFile } from '../../src/heartbeat/read-heartbeat-file.js';
import { openStore } from '../../src/store/open-store.js';
import {
  readHistory,
  readProcessStates,
  type CheckHistoryRow,
  type ProcessStateRow,
} from '../../src/store/read-state.js';
import { runCheckTick } from '../../src/tick/run-check-tick.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import { exitOn, FAKE_BOOT_ID, fakeSystem, type FakeSystem } from '../helpers/fake-system.js';
import { writeFileAt } from '../helpers/heartbeats.js';
import { recordingLogger } from '../helpers/recording-logger.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const APP = 4242;
const MIB = 1024 * 1024;
const HOUR_MS = 3_600_000;

interface Machine {
  config: WatchdogConfig;
  system: FakeSystem;
  /** The boot clock, which the test moves on by itself. */
  uptime: { seconds: number };
  /** Runs one tick, the heartbeat (with the app's start time and boot) written `ageMs` old just before. */
  tick(ageMs?: number): Promise<void>;
  lastCheck(): CheckHistoryRow | undefined;
  state(): ProcessStateRow | undefined;
}

function machine(limits: Record<string, number>, threshold = 2): Machine {
  const dir = makeTempDir();
  const raw = {
    consecutive_failures_threshold: threshold,
    processes: {
      web: {
        display_name: 'Web',
        timeout_seconds: 60,
        heartbeat_path: 'hb/web.json',
        enabled: true,
        commands: { start: 'start-web' },
        recovery_actions: ['kill', 'start'],
        ...limits,
      },
    },
  };
  const { config, errors } = validateConfig(raw, join(dir, 'config.json'), () => undefined, {});
  assert.deepEqual(errors, []);
  assert.ok(config !== undefined);
  const system = fakeSystem({
    processes: [
      { pid: APP, startTime: 1000, rssBytes: 60 * MIB, cpuTicks: 0 },
      // Its worker, and the worker's child: the app's descendants.
      { pid: APP + 1, ppid: APP, pgrp: APP, startTime: 1100, rssBytes: 30 * MIB, cpuTicks: 0 },
      { pid: APP + 2, ppid: APP + 1, pgrp: APP, startTime: 1200, rssBytes: 10 * MIB, cpuTicks: 0 },
      // A big stranger, not of the tree.
      { pid: 7000, ppid: 1, startTime: 900, rssBytes: 4096 * MIB, cpuTicks: 0 },
    ],
    onSignal: exitOn('SIGTERM'),
  });
  const uptime = { seconds: 5000 };
  system.processes.uptimeSeconds = () => uptime.seconds;
  const read = <T>(get: (db: ReturnType<typeof openStore>) => T): T => {
    const db = openStore(config.db_path);
    try {
      return get(db);
    } finally {
      db.close();
    }
  };
  return {
    config,
    system,
    uptime,
    async tick(ageMs = 1000) {
      writeFileAt(
        join(dir, 'hb', 'web.json'),
        JSON.stringify({
          process_key: 'web',
          pid: APP,
          timestamp: formatUtcTimestamp(new Date(system.clockMs - ageMs)),
          status: 'running',
          iteration: 1,
          pid_start_ticks: 1000,
          boot_id: FAKE_BOOT_ID,
        }),
      );
      await runCheckTick(config, { system, readHeartbeat: readHeartbeatFile, logger: recordingLogger() });
    },
    lastCheck: () => read((db) => readHistory(db, { limit: 1 })[0]),
    state: () => read((db) => readProcessStates(db).get('web')),
  };
}

/** Adds CPU ticks to a process of the fake table. */
function burn(system: FakeSystem, pid: number, ticks: number): void {
  const entry = system.table.get(pid);
  assert.ok(entry !== undefined);
  entry.cpuTicks = (entry.cpuTicks ?? 0) + ticks;
}

describe('a tick with resource limits', () => {
  it('takes the CPU rate on the boot clock: a wall clock stepped back an hour, or forward two, fakes nothing', async () => {
    const run = machine({ max_cpu_percent: 50 });
    await run.tick();
    assert.equal(run.lastCheck()?.health, 'healthy', 'the first sample has no rate: never a failure');
    assert.deepEqual(
      [run.state()?.last_cpu_percent, run.state()?.last_memory_bytes, run.state()?.last_usage_descendants],
      [null, 100 * MIB, 2],
    );

    // A minute on the boot clock, the wall clock stepped back an hour; the worker kept a core busy.
    run.system.clockMs -= HOUR_MS;
    run.uptime.seconds += 60;
    burn(run.system, APP + 1, 6000);
    await run.tick();
    assert.deepEqual(
      [run.lastCheck()?.health, run.lastCheck()?.reason, run.lastCheck()?.consecutive_failures],
      ['over_limit', 'cpu 100% over max_cpu_percent 50 in the last 60 s (app and 2 descendants)', 1],
    );
    assert.equal(run.state()?.last_cpu_percent, 100);

    // Another minute, the wall clock stepped forward two hours; a tenth of a core.
    run.system.clockMs += 2 * HOUR_MS;
    run.uptime.seconds += 60;
    burn(run.system, APP, 600);
    await run.tick();
    assert.deepEqual([run.lastCheck()?.health, run.lastCheck()?.consecutive_failures], ['healthy', 0]);
    assert.equal(run.state()?.last_cpu_percent, 10);
  });

  it('a new instance of the app (the same PID, another start time) has no rate at its first check', async () => {
    const run = machine({ max_cpu_percent: 50 });
    await run.tick();
    run.uptime.seconds += 60;
    // The app restarted under the same PID: its times start from nothing.
    const app = run.system.table.get(APP);
    assert.ok(app !== undefined);
    Object.assign(app, { startTime: 2000, cpuTicks: 6000 });
    for (const child of [APP + 1, APP + 2]) run.system.exit(child);
    await run.tick();
    // The heartbeat still records the old start time: stale_pid, and nothing measured as the app.
    assert.equal(run.lastCheck()?.health, 'stale_pid');
    assert.equal(run.state()?.last_memory_bytes, null);
  });

  it('memory over the limit for threshold checks: recovery due, and the kill goes to the app measured', async () => {
    const run = machine({ max_memory_mb: 64 });
    await run.tick();
    assert.deepEqual(
      [run.lastCheck()?.health, run.lastCheck()?.reason],
      ['over_limit', 'memory 100 MB over max_memory_mb 64 (app and 2 descendants)'],
    );
    assert.equal(run.system.signals.length, 0, 'below the threshold: nothing signalled');
    run.uptime.seconds += 60;
    run.system.clockMs += 60_000;
    await run.tick();
    assert.deepEqual([run.lastCheck()?.health, run.lastCheck()?.action_taken], ['over_limit', 'recovery']);
    assert.ok(run.system.signals.length > 0, 'the kill signalled');
    for (const [target] of run.system.signals)
      assert.ok(target === APP || target === -APP, `only the app (or its group) is signalled, not ${target}`);
    assert.ok(run.system.table.has(7000), 'the stranger is untouched');
  });

  it('a heartbeat failure wins over over_limit, and the app is still measured for status', async () => {
    const run = machine({ max_memory_mb: 64 });
    await run.tick(5 * 60_000);
    assert.deepEqual(
      [run.lastCheck()?.health, run.lastCheck()?.reason],
      ['timed_out', 'last heartbeat 5m 00s ago, timeout 60s'],
    );
    assert.equal(run.state()?.last_memory_bytes, 100 * MIB);
  });
});
