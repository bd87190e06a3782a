// End-to-end test of the thermal alert: the built watchdog reads a fake sysfs thermal tree
// (`thermal.sysfs_root` in a temp folder) whose temperature the test steps across the
// warning and critical thresholds and back. Each change is an audit row, a line of
// `status`, samples of the metrics textfile and a webhook on loopback; the healthy app
// beside it (a `sleep` this test started) is never signalled, as a temperature is alert only.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { EventPayload } from '../../src/notify/watchdog-event.js';
import type { AuditEventRow } from '../../src/store/audit-events.js';
import { readProcStat } from '../../src/system/proc-stat.js';
import { writeConfig } from '../helpers/config-files.js';
import { setZoneTemperature, writeThermalZone } from '../helpers/fake-thermal.js';
import { heartbeatText, writeFileAt } from '../helpers/heartbeats.js';
import { startHttpRecorder } from '../helpers/loopback-http.js';
import { isGone, killProcessOnCleanup } from '../helpers/owned-processes.js';
import { runWatchdog } from '../helpers/run-watchdog.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { recoveriesIn } from '../helpers/watchdog-in-namespace.js';

function auditEventsIn(dbPath: string): Pick<AuditEventRow, 'kind' | 'process_key' | 'detail'>[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare<[], AuditEventRow>('SELECT * FROM audit_events ORDER BY id')
      .all()
      .map(({ kind, process_key, detail }) => ({ kind, process_key, detail }));
  } finally {
    db.close();
  }
}

function thermalLines(text: string): string[] {
  return text.split('\n').filter((line) => line.startsWith('watchdog_thermal_'));
}

describe('thermal, end to end', () => {
  it('records, shows, exports and notifies each change of level, and signals nothing', async () => {
    const dir = makeTempDir();
    const root = join(dir, 'sys', 'class', 'thermal');
    writeThermalZone(root, 0, { type: 'cpu-thermal', celsius: 50 });
    writeThermalZone(root, 1, { type: 'gpu-thermal', celsius: 'unreadable' });
    writeThermalZone(root, 2, { type: 'battery' });

    const app = spawn('sleep', ['300'], { stdio: 'ignore' });
    const pid = app.pid ?? 0;
    killProcessOnCleanup(pid);
    const startTime = readProcStat(pid)?.startTime;
    writeFileAt(join(dir, 'hb', 'app.json'), heartbeatText({ process_key: 'app', pid }));

    const hook = await startHttpRecorder();
    mkdirSync(join(dir, 'metrics'));
    const metricsPath = join(dir, 'metrics', 'watchdog.prom');
    const configPath = writeConfig(
      dir,
      { app: { heartbeat_path: 'hb/app.json', timeout_seconds: 3600, commands: { start: 'exec sleep 300' } } },
      {
        consecutive_failures_threshold: 1,
        log_level: 'debug',
        thermal: { sysfs_root: 'sys/class/thermal', warning_celsius: 70, critical_celsius: 85 },
        metrics: { textfile_path: metricsPath },
        notify: {
          channels: {
            ops: {
              type: 'webhook',
              url: `http://127.0.0.1:${hook.port}/hook`,
              retries: 0,
              timeout_seconds: 2,
              events: ['thermal_warning', 'thermal_critical', 'thermal_normal'],
            },
          },
        },
      },
    );
    const dbPath = join(dir, 'watchdog.db');
    const watchdog = (...args: string[]) => runWatchdog([...args, '--config', configPath], { cwd: dir });
    const check = async (what: string): Promise<void> => {
      const result = await watchdog('check');
      assert.deepEqual(
        { code: result.code, stderr: result.stderr },
        { code: 0, stderr: '' },
        `${what}: ${result.stdout}`,
      );
    };

    await check('50 °C');
    setZoneTemperature(root, 0, 72.5);
    await check('72.5 °C');
    setZoneTemperature(root, 0, 90);
    const preview = await watchdog('check', '--dry-run');
    assert.equal(preview.code, 0, preview.stderr);
    const previewLines = preview.stdout.split('\n').filter((line) => line.startsWith('thermal '));
    assert.deepEqual(previewLines, [
      'thermal thermal_zone0 (cpu-thermal): critical: 90.0 °C, at or above critical_celsius 85 → would record and notify thermal_critical (was warning); alert only, nothing is stopped',
      'thermal thermal_zone1 (gpu-thermal): unreadable: cannot read temp: EISDIR: illegal operation on a directory, read → nothing to do (alert only)',
      'thermal thermal_zone2 (battery): unreadable: no temp file → nothing to do (alert only)',
    ]);
    await check('90 °C');

    const status = await watchdog('status');
    assert.equal(status.code, 0, status.stderr);
    const statusLines = status.stdout.split('\n');
    const from = statusLines.findIndex((line) => line.startsWith('thermal: '));
    assert.match(
      statusLines[from] ?? '',
      /^thermal: warning at 70 °C, critical at 85 °C \(alert only\); read \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/,
    );
    assert.match(statusLines[from + 1] ?? '', /^ {2}thermal_zone0 \(cpu-thermal\): 90\.0 °C, critical since .* UTC$/);
    assert.match(
      statusLines[from + 2] ?? '',
      /^ {2}thermal_zone1 \(gpu-thermal\): no reading, unreadable since .* UTC: cannot read temp: EISDIR/,
    );
    assert.match(
      statusLines[from + 3] ?? '',
      /^ {2}thermal_zone2 \(battery\): no reading, unreadable since .* UTC: no temp file$/,
    );
    const json = await watchdog('status', '--json');
    const thermal = (
      JSON.parse(json.stdout) as {
        thermal: {
          warning_celsius: number;
          zones: { zone: string; type: string | null; celsius: number | null; level: string }[];
        };
      }
    ).thermal;
    assert.equal(thermal.warning_celsius, 70);
    assert.deepEqual(
      thermal.zones.map(({ zone, type, celsius, level }) => ({ zone, type, celsius, level })),
      [
        { zone: 'thermal_zone0', type: 'cpu-thermal', celsius: 90, level: 'critical' },
        { zone: 'thermal_zone1', type: 'gpu-thermal', celsius: null, level: 'unreadable' },
        { zone: 'thermal_zone2', type: 'battery', celsius: null, level: 'unreadable' },
      ],
    );
    assert.deepEqual(thermalLines(readFileSync(metricsPath, 'utf8')), [
      'watchdog_thermal_celsius{zone="thermal_zone0",type="cpu-thermal"} 90',
      'watchdog_thermal_level{zone="thermal_zone0",type="cpu-thermal"} 2',
      'watchdog_thermal_level{zone="thermal_zone1",type="gpu-thermal"} -1',
      'watchdog_thermal_level{zone="thermal_zone2",type="battery"} -1',
      'watchdog_thermal_threshold_celsius{level="warning"} 70',
      'watchdog_thermal_threshold_celsius{level="critical"} 85',
    ]);

    // check --verbose tells each zone's level and why, and the level left on a change.
    const verbose = async (what: string): Promise<string> => {
      const result = await watchdog('check', '--verbose');
      assert.deepEqual({ code: result.code, stderr: result.stderr }, { code: 0, stderr: '' }, what);
      return result.stdout;
    };
    setZoneTemperature(root, 0, 84);
    assert.match(
      await verbose('84 °C: within the hysteresis of critical'),
      /^thermal thermal_zone0 \(cpu-thermal\): critical: 84\.0 °C, not yet 3 °C below critical_celsius 85$/m,
    );
    setZoneTemperature(root, 0, 40);
    assert.match(
      await verbose('40 °C'),
      /^thermal thermal_zone0 \(cpu-thermal\): normal: 40\.0 °C, below warning_celsius 70 \(was critical\)$/m,
    );
    assert.match(
      thermalLines(readFileSync(metricsPath, 'utf8')).join('\n'),
      /^watchdog_thermal_level\{zone="thermal_zone0",type="cpu-thermal"\} 0$/m,
    );

    assert.deepEqual(
      auditEventsIn(dbPath).filter((row) => row.kind.startsWith('thermal_')),
      [
        {
          kind: 'thermal_unreadable',
          process_key: null,
          detail:
            'thermal_zone1 (gpu-thermal): first read → unreadable: cannot read temp: EISDIR: illegal operation on a directory, read',
        },
        {
          kind: 'thermal_unreadable',
          process_key: null,
          detail: 'thermal_zone2 (battery): first read → unreadable: no temp file',
        },
        {
          kind: 'thermal_warning',
          process_key: null,
          detail: 'thermal_zone0 (cpu-thermal): normal → warning: 72.5 °C, at or above warning_celsius 70',
        },
        {
          kind: 'thermal_critical',
          process_key: null,
          detail: 'thermal_zone0 (cpu-thermal): warning → critical: 90.0 °C, at or above critical_celsius 85',
        },
        {
          kind: 'thermal_normal',
          process_key: null,
          detail: 'thermal_zone0 (cpu-thermal): critical → normal: 40.0 °C, below warning_celsius 70',
        },
      ],
    );

    const events = await watchdog('history', '--events');
    assert.equal(events.code, 0, events.stderr);
    assert.match(events.stdout, /thermal_critical.*thermal_zone0 \(cpu-thermal\): warning → critical: 90\.0 °C/);

    // The channel asked for three kinds: the unreadable zones were recorded, not sent to it.
    const bodies = hook.requests.map((request) => JSON.parse(request.body) as EventPayload);
    assert.deepEqual(
      bodies.map(({ event, zone, process_key, interface: name, details }) => ({
        event,
        zone,
        process_key,
        name,
        celsius: details.celsius,
        previous: details.previous_level,
      })),
      [
        {
          event: 'thermal_warning',
          zone: 'thermal_zone0',
          process_key: null,
          name: null,
          celsius: 72.5,
          previous: 'normal',
        },
        {
          event: 'thermal_critical',
          zone: 'thermal_zone0',
          process_key: null,
          name: null,
          celsius: 90,
          previous: 'warning',
        },
        {
          event: 'thermal_normal',
          zone: 'thermal_zone0',
          process_key: null,
          name: null,
          celsius: 40,
          previous: 'critical',
        },
      ],
    );
    assert.equal(bodies[1]?.summary, 'thermal_zone0 (cpu-thermal): critical: 90.0 °C, at or above critical_celsius 85');

    // Alert only: the app beside it ran through every tick, and nothing was recovered.
    assert.equal(isGone(pid, startTime), false, 'the app is still running');
    assert.deepEqual(recoveriesIn(dbPath), []);
    const log = readFileSync(join(dir, 'logs', 'watchdog.log'), 'utf8');
    assert.match(log, /thermal thermal_zone0 \(cpu-thermal\): warning → critical: 90\.0 °C/);
    assert.doesNotMatch(log, /\bkill(ed|ing)?\b|reboot|SIG[A-Z]+/i);
  });
});
