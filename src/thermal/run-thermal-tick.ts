import type { Logger } from '../logging/logger.js';
import type { RaiseEvent } from '../notify/watchdog-event.js';
import { recordAuditEvent } from '../store/audit-events.js';
import type { AuditWriter } from '../store/audit-writer.js';
import { zoneWorthWriting } from './zone-worth-writing.js';
import type { ThermalConfig } from './config/thermal-types.js';
import { describeZone } from './describe-zone.js';
import { judgeThermalZones, type ThermalZoneJudgement } from './judge-thermal-zones.js';
import { readThermalZones, type ThermalReading } from './read-thermal-zones.js';
import {
  forgetOtherThermalZones,
  readThermalZoneRows,
  writeThermalZone,
  type ThermalZoneRow,
} from './store/thermal-rows.js';

export interface ThermalTickDeps {
  audit: AuditWriter;
  /** False when the audit log could not be read: no level is known to compare with. */
  stateKnown: boolean;
  logger: Logger;
  raise: RaiseEvent;
  /** For testing: reads the zones (default: sysfs under `thermal.sysfs_root`). */
  readZones?: (thermal: ThermalConfig) => ThermalReading;
}

export interface ThermalTickOutcome {
  zones: ThermalZoneJudgement[];
  /** Why the sysfs root could not be listed. */
  rootProblem: string | undefined;
}

/**
 * The thermal stage of a tick: read each zone, judge its level against the last one,
 * record the levels and every change (an `audit_events` row `thermal_<level>`), log and
 * raise the changes. Alert only: nothing is killed or rebooted for a temperature. When the
 * audit log could not be read the levels are judged afresh and only logged, as a change
 * cannot be told from a level already told.
 */
export function runThermalTick(thermal: ThermalConfig, checkedAt: string, deps: ThermalTickDeps): ThermalTickOutcome {
  const { audit, logger } = deps;
  const reading = (deps.readZones ?? readFromSysfs)(thermal);
  if (reading.rootProblem !== undefined) logger.warn(`thermal: ${reading.rootProblem}`);
  const rows = deps.stateKnown ? readThermalZoneRows(audit.db) : new Map<string, ThermalZoneRow>();
  const zones = judgeThermalZones(thermal, reading.zones, rows, checkedAt);
  if (!deps.stateKnown) {
    for (const zone of zones) if (zone.level !== 'normal') logThermal(zone, logger);
    return { zones, rootProblem: reading.rootProblem };
  }
  // Only what moved is written: a steady temperature costs the card nothing (zoneWorthWriting).
  const moved = zones.filter((zone) => zoneWorthWriting(rows.get(zone.zone), zone));
  // A root that cannot be listed reads no zone: the last levels stay until it can be.
  const read = new Set(zones.map((zone) => zone.zone));
  const gone = reading.rootProblem === undefined && [...rows.keys()].some((zone) => !read.has(zone));
  if (moved.length > 0 || gone)
    audit.write((db) => {
      for (const zone of moved) {
        writeThermalZone(db, rowOf(zone, checkedAt));
        if (zone.event !== undefined)
          recordAuditEvent(db, { at: checkedAt, kind: zone.event, detail: changeDetail(zone) });
      }
      if (gone) forgetOtherThermalZones(db, [...read]);
    });
  for (const zone of zones) {
    if (zone.event === undefined) {
      logger.debug(`thermal ${describeZone(zone.zone, zone.type)}: ${zone.level}: ${zone.reason}`);
      continue;
    }
    logThermal(zone, logger);
    deps.raise({
      kind: zone.event,
      at: checkedAt,
      zone: zone.zone,
      summary: `${zone.zone}${zone.type === undefined ? '' : ` (${zone.type})`}: ${zone.level}: ${zone.reason}`,
      details: {
        type: zone.type ?? null,
        celsius: zone.celsius ?? null,
        level: zone.level,
        previous_level: zone.previous ?? null,
        warning_celsius: thermal.warning_celsius,
        critical_celsius: thermal.critical_celsius,
      },
    });
  }
  return { zones, rootProblem: reading.rootProblem };
}

function readFromSysfs(thermal: ThermalConfig): ThermalReading {
  return readThermalZones(thermal.sysfs_root, thermal.zones);
}

function rowOf(zone: ThermalZoneJudgement, checkedAt: string): ThermalZoneRow {
  return {
    zone: zone.zone,
    type: zone.type ?? null,
    level: zone.level,
    celsius: zone.celsius ?? null,
    reason: zone.reason,
    since: zone.since,
    checked_at: checkedAt,
  };
}

/** The audit row's detail: the zone, its change and why (raw: the database keeps what sysfs said). */
function changeDetail(zone: ThermalZoneJudgement): string {
  const type = zone.type === undefined ? '' : ` (${zone.type})`;
  return `${zone.zone}${type}: ${zone.previous ?? 'first read'} → ${zone.level}: ${zone.reason}`;
}

function logThermal(zone: ThermalZoneJudgement, logger: Logger): void {
  const line = `thermal ${describeZone(zone.zone, zone.type)}: ${zone.previous ?? 'first read'} → ${zone.level}: ${zone.reason}`;
  if (zone.level === 'critical') logger.error(line);
  else if (zone.level === 'normal') logger.info(line);
  else logger.warn(line);
}
