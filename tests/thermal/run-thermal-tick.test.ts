import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { WatchdogEvent } from '../../src/notify/watchdog-event.js';
import { readAuditEvents } from '../../src/store/audit-events.js';
import { directWriter } from '../../src/store/audit-writer.js';
import type { ThermalConfig } from '../../src/thermal/config/thermal-types.js';
import { runThermalTick } from '../../src/thermal/run-thermal-tick.js';
import { readThermalZoneList } from '../../src/thermal/store/thermal-rows.js';
import { setZoneTemperature, writeThermalZone } from '../helpers/fake-thermal.js';
import { recordingLogger } from '../helpers/recording-logger.js';
import { withStore } from '../helpers/temp-store.js';

function thermalAt(root: string): ThermalConfig {
  return { sysfs_root: root, zones: undefined, warning_celsius: 75, critical_celsius: 85, hysteresis_celsius: 3 };
}

const at = (minute: number): string => `2026-12-06T10:${String(minute).padStart(2, '0')}:00.000000+00:00`;

describe('runThermalTick', () => {
  it(
    'records, logs and raises each change of level, and only changes; the levels stay in thermal_zones',
    withStore((db, dir) => {
      const root = join(dir, 'thermal');
      writeThermalZone(root, 0, { type: 'cpu-thermal', celsius: 50 });
      writeThermalZone(root, 1, { type: 'gpu-thermal', celsius: 'unreadable' });
      const events: WatchdogEvent[] = [];
      const logger = recordingLogger();
      const tick = (minute: number) =>
        runThermalTick(thermalAt(root), at(minute), {
          audit: directWriter(db),
          stateKnown: true,
          logger,
          raise: (event) => events.push(event),
        });

      tick(0); // normal (no news), unreadable (news)
      tick(1); // nothing changed
      setZoneTemperature(root, 0, 76);
      tick(2); // warning
      setZoneTemperature(root, 0, 74);
      tick(3); // within the hysteresis: still warning
      setZoneTemperature(root, 0, 90);
      tick(4); // critical
      setZoneTemperature(root, 0, 40);
      setZoneTemperature(root, 1, 30);
      const last = tick(5); // both normal

      assert.deepEqual(
        events.map((event) => [event.kind, event.zone, event.at, event.details.celsius, event.details.previous_level]),
        [
          ['thermal_unreadable', 'thermal_zone1', at(0), null, null],
          ['thermal_warning', 'thermal_zone0', at(2), 76, 'normal'],
          ['thermal_critical', 'thermal_zone0', at(4), 90, 'warning'],
          ['thermal_normal', 'thermal_zone0', at(5), 40, 'critical'],
          ['thermal_normal', 'thermal_zone1', at(5), 30, 'unreadable'],
        ],
      );
      assert.equal(events[1]?.summary, 'thermal_zone0 (cpu-thermal): warning: 76.0 °C, at or above warning_celsius 75');
      assert.deepEqual(
        readAuditEvents(db, { limit: 10 })
          .reverse()
          .map((row) => [row.at, row.kind, row.process_key, row.detail]),
        [
          [
            at(0),
            'thermal_unreadable',
            null,
            'thermal_zone1 (gpu-thermal): first read → unreadable: cannot read temp: EISDIR: illegal operation on a directory, read',
          ],
          [
            at(2),
            'thermal_warning',
            null,
            'thermal_zone0 (cpu-thermal): normal → warning: 76.0 °C, at or above warning_celsius 75',
          ],
          [
            at(4),
            'thermal_critical',
            null,
            'thermal_zone0 (cpu-thermal): warning → critical: 90.0 °C, at or above critical_celsius 85',
          ],
          [
            at(5),
            'thermal_normal',
            null,
            'thermal_zone0 (cpu-thermal): critical → normal: 40.0 °C, below warning_celsius 75',
          ],
          [
            at(5),
            'thermal_normal',
            null,
            'thermal_zone1 (gpu-thermal): unreadable → normal: 30.0 °C, below warning_celsius 75',
          ],
        ],
      );
      assert.deepEqual(
        readThermalZoneList(db).map((row) => [row.zone, row.level, row.celsius, row.since, row.checked_at]),
        [
          ['thermal_zone0', 'normal', 40, at(5), at(5)],
          ['thermal_zone1', 'normal', 30, at(5), at(5)],
        ],
      );
      assert.deepEqual(
        last.zones.map((zone) => zone.event),
        ['thermal_normal', 'thermal_normal'],
      );
      const changes = logger.lines.filter((line) => !line.startsWith('debug'));
      assert.deepEqual(changes, [
        'warn thermal thermal_zone1 (gpu-thermal): first read → unreadable: cannot read temp: EISDIR: illegal operation on a directory, read',
        'warn thermal thermal_zone0 (cpu-thermal): normal → warning: 76.0 °C, at or above warning_celsius 75',
        'error thermal thermal_zone0 (cpu-thermal): warning → critical: 90.0 °C, at or above critical_celsius 85',
        'info thermal thermal_zone0 (cpu-thermal): critical → normal: 40.0 °C, below warning_celsius 75',
        'info thermal thermal_zone1 (gpu-thermal): unreadable → normal: 30.0 °C, below warning_celsius 75',
      ]);
    }),
  );

  it(
    'keeps the since of a level that holds, and forgets a zone gone from sysfs',
    withStore((db, dir) => {
      const root = join(dir, 'thermal');
      writeThermalZone(root, 0, { type: 'cpu-thermal', celsius: 80 });
      writeThermalZone(root, 1, { type: 'gpu-thermal', celsius: 50 });
      const deps = { audit: directWriter(db), stateKnown: true, logger: recordingLogger(), raise: () => undefined };
      runThermalTick(thermalAt(root), at(0), deps);
      setZoneTemperature(root, 0, 81);
      runThermalTick({ ...thermalAt(root), zones: ['cpu-thermal'] }, at(1), deps);
      assert.deepEqual(
        readThermalZoneList(db).map((row) => [row.zone, row.level, row.celsius, row.since, row.checked_at]),
        [['thermal_zone0', 'warning', 81, at(0), at(1)]],
      );
    }),
  );

  it(
    'with the audit log unreadable, judges afresh and logs what is not normal, recording and raising nothing',
    withStore((db, dir) => {
      const root = join(dir, 'thermal');
      writeThermalZone(root, 0, { type: 'cpu-thermal', celsius: 88 });
      const logger = recordingLogger();
      const events: WatchdogEvent[] = [];
      const outcome = runThermalTick(thermalAt(root), at(0), {
        audit: directWriter(db),
        stateKnown: false,
        logger,
        raise: (event) => events.push(event),
      });
      assert.equal(outcome.zones[0]?.level, 'critical');
      assert.deepEqual(events, []);
      assert.deepEqual(readThermalZoneList(db), []);
      assert.deepEqual(logger.lines, [
        'error thermal thermal_zone0 (cpu-thermal): first read → critical: 88.0 °C, at or above critical_celsius 85',
      ]);
    }),
  );
});
