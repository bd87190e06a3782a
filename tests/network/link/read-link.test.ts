import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  carrierOfReadError,
  readLink,
  type CarrierReading,
  type LinkReading,
} from '../../../src/network/link/read-link.js';
import { createNetworkPair, type NetworkPair } from '../../helpers/network-namespace.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const READ_LINK_ONCE = fileURLToPath(new URL('../../fixtures/read-link-once.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Stops a test that hangs instead of letting it block the run; never an assertion on speed. */
const hangGuard = { timeout: 60_000 };

/** A fake sysfs root with `class/net/<name>/carrier` holding `carrier` (`undefined`: the folder without the file). */
function fakeSysfs(name: string, carrier: string | undefined): string {
  const root = makeTempDir();
  const folder = join(root, 'class', 'net', name);
  mkdirSync(folder, { recursive: true });
  if (carrier !== undefined) writeFileSync(join(folder, 'carrier'), carrier);
  return root;
}

/** An ipv4Of that records who asked. */
function recordingIpv4Of(addresses: string[]): { ipv4Of: (name: string) => string[]; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    ipv4Of: (name) => {
      asked.push(name);
      return addresses;
    },
  };
}

describe('readLink on a fake sysfs', () => {
  it('carrier "1": up, with the addresses ipv4Of gives for that interface', () => {
    const { ipv4Of, asked } = recordingIpv4Of(['192.168.7.2', '10.0.0.2']);
    const reading = readLink('eth0', { sysfsRoot: fakeSysfs('eth0', '1\n'), ipv4Of });
    assert.deepEqual(reading, { interface: 'eth0', carrier: 'up', ipv4: ['192.168.7.2', '10.0.0.2'] });
    assert.deepEqual(asked, ['eth0']);
  });

  it('carrier "1" without a newline is up too', () => {
    const { ipv4Of } = recordingIpv4Of([]);
    assert.deepEqual(readLink('eth0', { sysfsRoot: fakeSysfs('eth0', '1'), ipv4Of }), {
      interface: 'eth0',
      carrier: 'up',
      ipv4: [],
    });
  });

  it('carrier "0": down, and the addresses are not looked up', () => {
    const { ipv4Of, asked } = recordingIpv4Of(['192.168.7.2']);
    assert.deepEqual(readLink('eth0', { sysfsRoot: fakeSysfs('eth0', '0\n'), ipv4Of }), {
      interface: 'eth0',
      carrier: 'down',
      ipv4: [],
    });
    assert.deepEqual(asked, []);
  });

  const garbage: [string, string][] = [
    ['2\n', '"2"'],
    ['', '""'],
    ['up\n', '"up"'],
    ['10\n', '"10"'],
  ];
  for (const [content, quoted] of garbage) {
    it(`carrier ${JSON.stringify(content)}: unreadable, the value quoted, no address lookup`, () => {
      const { ipv4Of, asked } = recordingIpv4Of(['192.168.7.2']);
      assert.deepEqual(readLink('eth0', { sysfsRoot: fakeSysfs('eth0', content), ipv4Of }), {
        interface: 'eth0',
        carrier: 'unreadable',
        carrierError: `unexpected carrier value ${quoted}`,
        ipv4: [],
      });
      assert.deepEqual(asked, []);
    });
  }

  it('no interface folder: missing, with no error text', () => {
    const { ipv4Of, asked } = recordingIpv4Of(['192.168.7.2']);
    assert.deepEqual(readLink('eth1', { sysfsRoot: fakeSysfs('eth0', '1\n'), ipv4Of }), {
      interface: 'eth1',
      carrier: 'missing',
      ipv4: [],
    });
    assert.deepEqual(asked, []);
  });

  it('no sysfs at all under the root: missing', () => {
    const { ipv4Of } = recordingIpv4Of([]);
    assert.equal(readLink('eth0', { sysfsRoot: join(makeTempDir(), 'nowhere'), ipv4Of }).carrier, 'missing');
  });

  it('the folder without a carrier file: unreadable (not missing), with the error', () => {
    const { ipv4Of, asked } = recordingIpv4Of(['192.168.7.2']);
    const reading = readLink('eth0', { sysfsRoot: fakeSysfs('eth0', undefined), ipv4Of });
    assert.equal(reading.carrier, 'unreadable');
    assert.match(reading.carrierError ?? '', /ENOENT/);
    assert.deepEqual(reading.ipv4, []);
    assert.deepEqual(asked, []);
  });

  it('a carrier that is a folder: unreadable, with the error', () => {
    const root = fakeSysfs('eth0', undefined);
    mkdirSync(join(root, 'class', 'net', 'eth0', 'carrier'));
    const reading = readLink('eth0', { sysfsRoot: root, ipv4Of: () => [] });
    assert.equal(reading.carrier, 'unreadable');
    assert.match(reading.carrierError ?? '', /EISDIR/);
  });
});

describe('carrierOfReadError', () => {
  const table: [string | undefined, boolean, CarrierReading][] = [
    ['EINVAL', true, 'admin_down'],
    ['EINVAL', false, 'admin_down'],
    ['ENOENT', false, 'missing'],
    ['ENOENT', true, 'unreadable'],
    ['EACCES', true, 'unreadable'],
    ['EACCES', false, 'unreadable'],
    ['EISDIR', true, 'unreadable'],
    ['ENODEV', true, 'unreadable'],
    [undefined, true, 'unreadable'],
    [undefined, false, 'unreadable'],
  ];
  for (const [code, folderExists, expected] of table) {
    it(`${code ?? 'no code'}, folder ${folderExists ? 'exists' : 'missing'} → ${expected}`, () => {
      assert.equal(carrierOfReadError(code, folderExists), expected);
    });
  }
});

describe('readLink on a real veth inside a network namespace', () => {
  /** Runs the read-link-once fixture inside the pair's device namespace. */
  async function readFromDevice(pair: NetworkPair): Promise<LinkReading> {
    const [command, ...args] = pair.execArgv(pair.device, [
      process.execPath,
      '--import',
      'tsx',
      READ_LINK_ONCE,
      pair.deviceInterface,
    ]);
    if (command === undefined) throw new Error('empty argv');
    const { stdout } = await promisify(execFile)(command, args, { cwd: REPO_ROOT, timeout: 50_000 });
    return JSON.parse(stdout) as LinkReading;
  }

  it(
    'reads up with the address, then down when the far end goes down, then admin_down when the device end is set down',
    hangGuard,
    async () => {
      const pair = createNetworkPair();
      assert.equal(pair.deviceInterface, 'wdeth0');

      assert.deepEqual(await readFromDevice(pair), { interface: 'wdeth0', carrier: 'up', ipv4: [pair.deviceAddress] });

      pair.ip(pair.peer, 'link', 'set', 'dev', pair.peerInterface, 'down');
      assert.deepEqual(await readFromDevice(pair), { interface: 'wdeth0', carrier: 'down', ipv4: [] });

      pair.ip(pair.device, 'link', 'set', 'dev', pair.deviceInterface, 'down');
      assert.deepEqual(await readFromDevice(pair), { interface: 'wdeth0', carrier: 'admin_down', ipv4: [] });
    },
  );

  it('reads missing for an interface that is not in the namespace', hangGuard, async () => {
    const pair = createNetworkPair();
    const [command, ...args] = pair.execArgv(pair.device, [
      process.execPath,
      '--import',
      'tsx',
      READ_LINK_ONCE,
      'wdnone0',
    ]);
    if (command === undefined) throw new Error('empty argv');
    const { stdout } = await promisify(execFile)(command, args, { cwd: REPO_ROOT, timeout: 50_000 });
    assert.deepEqual(JSON.parse(stdout), { interface: 'wdnone0', carrier: 'missing', ipv4: [] });
  });
});
