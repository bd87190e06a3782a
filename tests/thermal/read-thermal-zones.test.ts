import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readThermalZones } from '../../src/thermal/read-thermal-zones.js';
import { writeThermalZone } from '../helpers/fake-thermal.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** A tree as a Raspberry Pi's plus the faults: an unreadable sensor, a zone without `temp`, one without `type`. */
function fakeTree(): string {
  const root = join(makeTempDir(), 'thermal');
  writeThermalZone(root, 0, { type: 'cpu-thermal', celsius: 48.312 });
  writeThermalZone(root, 1, { type: 'gpu-thermal', celsius: 'unreadable' });
  writeThermalZone(root, 2, { type: 'battery' });
  writeThermalZone(root, 10, { celsius: -5 });
  // Not zones: a cooling device, and a file.
  mkdirSync(join(root, 'cooling_device0'));
  writeFileSync(join(root, 'cooling_device0', 'type'), 'fan\n');
  writeFileSync(join(root, 'thermal_zone_notes'), '');
  return root;
}

describe('readThermalZones', () => {
  it('reads every zone in number order; a zone that cannot be read says why, and no zone stops the others', () => {
    const root = fakeTree();
    const { zones, rootProblem } = readThermalZones(root, undefined);
    assert.equal(rootProblem, undefined);
    assert.deepEqual(
      zones.map(({ zone, type, celsius }) => ({ zone, type, celsius })),
      [
        { zone: 'thermal_zone0', type: 'cpu-thermal', celsius: 48.312 },
        { zone: 'thermal_zone1', type: 'gpu-thermal', celsius: undefined },
        { zone: 'thermal_zone2', type: 'battery', celsius: undefined },
        { zone: 'thermal_zone10', type: undefined, celsius: -5 },
      ],
    );
    assert.match(zones[1]?.problem ?? '', /^cannot read temp: .*EISDIR/);
    assert.equal(zones[2]?.problem, 'no temp file');
  });

  it('keeps the zones a list names, by name or by type, and reports a name that matches none', () => {
    const root = fakeTree();
    const { zones } = readThermalZones(root, ['gpu-thermal', 'thermal_zone10', 'soc-thermal']);
    assert.deepEqual(
      zones.map(({ zone, celsius }) => [zone, celsius]),
      [
        ['thermal_zone1', undefined],
        ['thermal_zone10', -5],
        ['soc-thermal', undefined],
      ],
    );
    assert.equal(zones[2]?.problem, `no zone of that name or type in ${root}`);
  });

  it('refuses a temp that is no number, or no temperature', () => {
    const root = join(makeTempDir(), 'thermal');
    for (const [index, text] of ['hot\n', '2147483647\n', '-274000\n', ''].entries()) {
      writeThermalZone(root, index, { type: 'x' });
      writeFileSync(join(root, `thermal_zone${index}`, 'temp'), text);
    }
    const problems = readThermalZones(root, undefined).zones.map((zone) => [zone.celsius, zone.problem]);
    assert.deepEqual(problems, [
      [undefined, 'temp is not a number: "hot"'],
      [undefined, 'temp 2147483647 is not a temperature (a failed sensor)'],
      [undefined, 'temp -274000 is not a temperature (a failed sensor)'],
      [undefined, 'temp is not a number: ""'],
    ]);
  });

  it('says why a root that cannot be listed has no zones, and lists the wanted ones as unread', () => {
    const root = join(makeTempDir(), 'no-such-folder');
    const all = readThermalZones(root, undefined);
    assert.deepEqual(all.zones, []);
    assert.match(all.rootProblem ?? '', /^cannot list .*no-such-folder: .*ENOENT/);
    const wanted = readThermalZones(root, ['cpu-thermal']);
    assert.deepEqual(
      wanted.zones.map((zone) => [zone.zone, zone.celsius]),
      [['cpu-thermal', undefined]],
    );
    assert.match(wanted.zones[0]?.problem ?? '', /^cannot list /);
  });
});
