import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import {
  describeBacking,
  findMassStorage,
  type MassStorageBacking,
} from '../../../src/network/reboot/find-mass-storage.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

/** A file's contents, or `{ dir: true }` for a folder where configfs would have a file (an unreadable part). */
type Entry = string | { dir: true };

interface GadgetShape {
  /** The `UDC` file; left out when `undefined`. */
  udc?: Entry;
  /** Function folder → its entries (`lun.0` → the LUN's `file`, or any other name → a plain attribute). */
  functions: Record<string, Record<string, Entry | { noFile: true }>>;
}

function put(path: string, entry: Entry): void {
  mkdirSync(dirname(path), { recursive: true });
  if (typeof entry === 'string') writeFileSync(path, entry);
  else mkdirSync(path);
}

/** Writes a configfs-shaped gadget at `dir`: `UDC`, `functions/<fn>/lun.N/file`. */
function makeGadget(dir: string, shape: GadgetShape): string {
  mkdirSync(join(dir, 'functions'), { recursive: true });
  mkdirSync(join(dir, 'configs', 'c.1'), { recursive: true });
  if (shape.udc !== undefined) put(join(dir, 'UDC'), shape.udc);
  for (const [fn, entries] of Object.entries(shape.functions)) {
    mkdirSync(join(dir, 'functions', fn), { recursive: true });
    for (const [name, value] of Object.entries(entries)) {
      if (/^lun\.\d+$/.test(name)) {
        mkdirSync(join(dir, 'functions', fn, name), { recursive: true });
        if (typeof value === 'object' && 'noFile' in value) continue;
        put(join(dir, 'functions', fn, name, 'file'), value);
      } else if (!(typeof value === 'object' && 'noFile' in value)) {
        put(join(dir, 'functions', fn, name), value);
      }
    }
  }
  return dir;
}

function backing(gadget: string, fn: string, lun: string, file: string, udc: string): MassStorageBacking {
  return { gadget, function: fn, lun, file, udc };
}

describe('findMassStorage: what counts as a backing', () => {
  it('a single gadget folder: its LUN with a backing file', () => {
    const gadget = makeGadget(join(makeTempDir(), 'kvm'), {
      udc: 'fe980000.usb\n',
      functions: { 'mass_storage.usb0': { 'lun.0': '/data/debian.iso\n' } },
    });
    assert.deepEqual(findMassStorage(gadget), {
      backings: [backing(gadget, 'mass_storage.usb0', 'lun.0', '/data/debian.iso', 'fe980000.usb')],
    });
  });

  it('a folder of gadgets: every gadget, in name order; folders without functions are not gadgets', () => {
    const root = join(makeTempDir(), 'usb_gadget');
    const b = makeGadget(join(root, 'b-gadget'), {
      udc: '',
      functions: { 'mass_storage.0': { 'lun.0': '/data/b.img' } },
    });
    const a = makeGadget(join(root, 'a-gadget'), {
      udc: 'dwc2\n',
      functions: { 'mass_storage.0': { 'lun.0': '/data/a.img' } },
    });
    mkdirSync(join(root, 'not-a-gadget', 'strings'), { recursive: true });
    writeFileSync(join(root, 'stray-file'), 'x');
    assert.deepEqual(findMassStorage(root), {
      backings: [
        backing(a, 'mass_storage.0', 'lun.0', '/data/a.img', 'dwc2'),
        backing(b, 'mass_storage.0', 'lun.0', '/data/b.img', ''),
      ],
    });
  });

  it('several functions and LUNs; attributes beside the LUNs are not LUNs', () => {
    const gadget = makeGadget(join(makeTempDir(), 'g1'), {
      udc: 'musb-hdrc.0\n',
      functions: {
        'mass_storage.usb0': { stall: '1\n', 'lun.0': '/srv/a.iso\n', 'lun.1': '/srv/b.img\n' },
        'mass_storage.usb1': { 'lun.0': '/srv/c.img\n' },
      },
    });
    // A folder named like a LUN but not one (configfs never has it; a prefix match would take it).
    mkdirSync(join(gadget, 'functions', 'mass_storage.usb1', 'lun.0.bak'));
    writeFileSync(join(gadget, 'functions', 'mass_storage.usb1', 'lun.0.bak', 'file'), '/srv/old.img');
    assert.deepEqual(findMassStorage(gadget), {
      backings: [
        backing(gadget, 'mass_storage.usb0', 'lun.0', '/srv/a.iso', 'musb-hdrc.0'),
        backing(gadget, 'mass_storage.usb0', 'lun.1', '/srv/b.img', 'musb-hdrc.0'),
        backing(gadget, 'mass_storage.usb1', 'lun.0', '/srv/c.img', 'musb-hdrc.0'),
      ],
    });
  });

  it('a backing of "", "none" or a LUN without a file is no backing; white space and newlines are trimmed', () => {
    const gadget = makeGadget(join(makeTempDir(), 'g'), {
      udc: 'dwc2',
      functions: {
        'mass_storage.usb0': {
          'lun.0': '',
          'lun.1': '\n',
          'lun.2': 'none',
          'lun.3': 'none\n',
          'lun.4': { noFile: true },
          'lun.5': '  /data/with spaces.iso \n\n',
          'lun.6': '\t/data/tab.img\n',
        },
      },
    });
    assert.deepEqual(findMassStorage(gadget), {
      backings: [
        backing(gadget, 'mass_storage.usb0', 'lun.5', '/data/with spaces.iso', 'dwc2'),
        backing(gadget, 'mass_storage.usb0', 'lun.6', '/data/tab.img', 'dwc2'),
      ],
    });
  });

  it('ignores functions other than mass storage, even with LUN-shaped folders', () => {
    const gadget = makeGadget(join(makeTempDir(), 'g'), {
      udc: 'dwc2',
      functions: {
        'ecm.usb0': { 'lun.0': '/data/not-storage.img' },
        'acm.GS0': { port_num: '0\n' },
        'hid.usb0': { 'lun.0': '/data/hid.img' },
      },
    });
    assert.deepEqual(findMassStorage(gadget), { backings: [] });
  });

  it('a gadget without functions presents nothing', () => {
    const gadget = makeGadget(join(makeTempDir(), 'g'), { udc: 'dwc2', functions: {} });
    assert.deepEqual(findMassStorage(gadget), { backings: [] });
  });

  it('a missing folder (configfs not mounted, no gadget) means no backings and no error', () => {
    assert.deepEqual(findMassStorage(join(makeTempDir(), 'sys', 'kernel', 'config', 'usb_gadget')), { backings: [] });
  });

  it('an empty folder of gadgets means no backings and no error', () => {
    const root = join(makeTempDir(), 'usb_gadget');
    mkdirSync(root);
    assert.deepEqual(findMassStorage(root), { backings: [] });
  });
});

describe('findMassStorage: UDC', () => {
  const table: [string, Entry | undefined, string][] = [
    ['missing', undefined, ''],
    ['empty', '', ''],
    ['a newline only', '\n', ''],
    ['bound', 'fe980000.usb\n', 'fe980000.usb'],
  ];
  for (const [name, udc, expected] of table) {
    it(`UDC ${name} → ${JSON.stringify(expected)}`, () => {
      const gadget = makeGadget(join(makeTempDir(), 'g'), {
        ...(udc === undefined ? {} : { udc }),
        functions: { 'mass_storage.0': { 'lun.0': '/data/x.iso' } },
      });
      const scan = findMassStorage(gadget);
      assert.equal(scan.error, undefined);
      assert.deepEqual(
        scan.backings.map((found) => found.udc),
        [expected],
      );
    });
  }
});

describe('findMassStorage: unreadable parts set error', () => {
  it('a LUN `file` that is a folder (EISDIR): error, and what was found before it is kept', () => {
    const gadget = makeGadget(join(makeTempDir(), 'g'), {
      udc: 'dwc2',
      functions: { 'mass_storage.0': { 'lun.0': '/data/a.iso', 'lun.1': { dir: true } } },
    });
    const scan = findMassStorage(gadget);
    assert.match(scan.error ?? '', /EISDIR/);
    assert.deepEqual(scan.backings, [backing(gadget, 'mass_storage.0', 'lun.0', '/data/a.iso', 'dwc2')]);
  });

  it('a UDC that is a folder: error', () => {
    const gadget = makeGadget(join(makeTempDir(), 'g'), {
      udc: { dir: true },
      functions: { 'mass_storage.0': { 'lun.0': '/data/a.iso' } },
    });
    const scan = findMassStorage(gadget);
    assert.match(scan.error ?? '', /EISDIR/);
    assert.deepEqual(scan.backings, []);
  });

  it('a `functions` that is a file (ENOTDIR): error', () => {
    const dir = join(makeTempDir(), 'g');
    mkdirSync(dir);
    writeFileSync(join(dir, 'functions'), 'not a folder');
    assert.match(findMassStorage(dir).error ?? '', /ENOTDIR/);
  });

  it('a mass-storage function that is a file (ENOTDIR): error', () => {
    const gadget = makeGadget(join(makeTempDir(), 'g'), { udc: 'dwc2', functions: {} });
    writeFileSync(join(gadget, 'functions', 'mass_storage.0'), 'not a folder');
    assert.match(findMassStorage(gadget).error ?? '', /ENOTDIR/);
  });

  it('a gadget folder that is a file (ENOTDIR): error', () => {
    const path = join(makeTempDir(), 'usb_gadget');
    writeFileSync(path, 'not a folder');
    assert.match(findMassStorage(path).error ?? '', /ENOTDIR/);
  });

  it('an error in one gadget of a folder still reports the backings of the gadgets before it', () => {
    const root = join(makeTempDir(), 'usb_gadget');
    const a = makeGadget(join(root, 'a'), { udc: 'dwc2', functions: { 'mass_storage.0': { 'lun.0': '/data/a.iso' } } });
    makeGadget(join(root, 'b'), { udc: 'dwc2', functions: { 'mass_storage.0': { 'lun.0': { dir: true } } } });
    const scan = findMassStorage(root);
    assert.match(scan.error ?? '', /EISDIR/);
    assert.deepEqual(scan.backings, [backing(a, 'mass_storage.0', 'lun.0', '/data/a.iso', 'dwc2')]);
  });
});

describe('describeBacking', () => {
  it('names the gadget, function, LUN and file, and the controller it is bound to', () => {
    assert.equal(
      describeBacking(
        backing(
          '/sys/kernel/config/usb_gadget/rockchip',
          'mass_storage.usb0',
          'lun.0',
          '/data/debian.iso',
          'fe980000.usb',
        ),
      ),
      'rockchip/mass_storage.usb0/lun.0 presents /data/debian.iso (bound to fe980000.usb)',
    );
  });

  it('says when it is not bound', () => {
    assert.equal(
      describeBacking(backing('/sys/kernel/config/usb_gadget/kvm', 'mass_storage.1', 'lun.2', '/srv/x.img', '')),
      'kvm/mass_storage.1/lun.2 presents /srv/x.img (not bound to a USB controller)',
    );
  });
});
