import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { listInterfaces } from '../../../src/network/link/list-interfaces.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

describe('listInterfaces', () => {
  it('lists each interface of a sysfs tree with its MAC in lower case, and whether it is stacked on another', () => {
    const root = makeTempDir();
    const net = join(root, 'class', 'net');
    const add = (name: string, address: string | undefined): string => {
      const folder = join(net, name);
      mkdirSync(folder, { recursive: true });
      if (address !== undefined) writeFileSync(folder + '/address', `${address}\n`);
      return folder;
    };
    add('lo', '00:00:00:00:00:00');
    add('end0', '02:00:5E:00:53:01');
    symlinkSync('../end0', join(add('end0.100', '02:00:5e:00:53:01'), 'lower_end0'));
    add('tun0', '');
    add('odd0', undefined);
    assert.deepEqual(listInterfaces(root), [
      { name: 'end0', mac: '02:00:5e:00:53:01', stacked: false },
      { name: 'end0.100', mac: '02:00:5e:00:53:01', stacked: true },
      { name: 'lo', mac: '00:00:00:00:00:00', stacked: false },
      { name: 'odd0', mac: undefined, stacked: false },
      { name: 'tun0', mac: undefined, stacked: false },
    ]);
  });

  it('no sysfs under the root: no interfaces', () => {
    assert.deepEqual(listInterfaces(join(makeTempDir(), 'nothing')), []);
  });
});
