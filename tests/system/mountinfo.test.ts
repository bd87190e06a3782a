import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findMount, isReadOnlyMount, parseMountinfo, type MountEntry } from '../../src/system/mountinfo.js';

/** A mountinfo line as the kernel writes it (proc(5)). */
function line(id: number, parent: number, root: string, point: string, options: string, rest: string): string {
  return `${id} ${parent} 8:1 ${root} ${point} ${options} shared:${id} - ${rest}`;
}

const MOUNTINFO = [
  line(21, 1, '/', '/', 'rw,relatime', 'ext4 /dev/mmcblk0p2 rw,errors=remount-ro'),
  line(22, 21, '/', '/data', 'rw,nosuid', 'ext4 /dev/sda1 rw'),
  line(23, 21, '/', '/database', 'rw', 'ext4 /dev/sdb1 rw'),
  line(24, 22, '/', '/data/logs', 'rw', 'tmpfs tmpfs rw,size=8192k'),
  line(25, 21, '/', '/mnt/usb\\040disk', 'rw', 'vfat /dev/sdc1 rw'),
  // A user's FUSE mount may be named anything: a newline and a backslash are escaped too.
  line(29, 21, '/', '/home/app/evil\\012line\\134x', 'rw,nosuid', 'fuse.sshfs host:/ rw'),
  // A bind mount of a folder of /data, read-only for this mount only.
  line(26, 21, '/exports', '/srv/exports', 'ro,relatime', 'ext4 /dev/sda1 rw'),
  // The card failed: the kernel remounted its super block read-only; the mount still says rw.
  line(27, 21, '/', '/boot', 'rw,relatime', 'vfat /dev/mmcblk0p1 ro'),
  // Mounted over /data/logs later: it covers the one before.
  line(28, 24, '/', '/data/logs', 'ro', 'tmpfs tmpfs rw'),
].join('\n');

describe('parseMountinfo', () => {
  const entries = parseMountinfo(MOUNTINFO);

  it('reads every field, escapes undone', () => {
    assert.equal(entries.length, 9);
    assert.deepEqual(entries[4], {
      mountId: 25,
      parentId: 21,
      root: '/',
      mountPoint: '/mnt/usb disk',
      mountOptions: ['rw'],
      fsType: 'vfat',
      source: '/dev/sdc1',
      superOptions: ['rw'],
    } satisfies MountEntry);
    assert.equal(entries[6]?.root, '/exports');
  });

  it('skips lines that do not read as a mount, keeping the others', () => {
    const parsed = parseMountinfo(
      ['garbage', '', '1 2 3', MOUNTINFO.split('\n')[0], 'x y 8:1 / / rw - ext4'].join('\n'),
    );
    assert.deepEqual(
      parsed.map((entry) => entry.mountPoint),
      ['/'],
    );
  });

  it('reads a line with no optional fields, and one with several', () => {
    const parsed = parseMountinfo(
      ['30 21 0:5 / /a rw - tmpfs none rw', '31 21 0:6 / /b rw shared:3 master:2 - tmpfs none ro'].join('\n'),
    );
    assert.deepEqual(
      parsed.map((entry) => [entry.mountPoint, entry.superOptions]),
      [
        ['/a', ['rw']],
        ['/b', ['ro']],
      ],
    );
  });
});

describe('findMount and isReadOnlyMount', () => {
  const entries = parseMountinfo(MOUNTINFO);
  const cases: { path: string; mount: string; readOnly: boolean; why: string }[] = [
    { path: '/', mount: '/', readOnly: false, why: '/ itself' },
    { path: '/var/log', mount: '/', readOnly: false, why: 'a folder of the root file system' },
    { path: '/data', mount: '/data', readOnly: false, why: 'a mount point itself' },
    { path: '/data/app', mount: '/data', readOnly: false, why: 'below a mount point' },
    { path: '/database/x', mount: '/database', readOnly: false, why: 'not /data: whole components only' },
    { path: '/datab', mount: '/', readOnly: false, why: 'a prefix of a mount point is not in it' },
    {
      path: '/data/logs/app',
      mount: '/data/logs',
      readOnly: true,
      why: 'nested, and the later mount covers the earlier',
    },
    {
      path: '/mnt/usb disk/photos',
      mount: '/mnt/usb disk',
      readOnly: false,
      why: 'a mount point with a space (\\040)',
    },
    { path: '/mnt/usb', mount: '/', readOnly: false, why: 'the unescaped name is not another folder' },
    {
      path: '/srv/exports/a',
      mount: '/srv/exports',
      readOnly: true,
      why: 'a read-only bind mount of a rw file system',
    },
    {
      path: '/boot/config.txt',
      mount: '/boot',
      readOnly: true,
      why: 'the super block remounted read-only after errors',
    },
    {
      path: '/home/app/evil\nline\\x/a',
      mount: '/home/app/evil\nline\\x',
      readOnly: false,
      why: 'a newline and a backslash, unescaped',
    },
    { path: '/home/app/evil', mount: '/', readOnly: false, why: 'not the mount point cut at its newline' },
  ];
  for (const { path, mount, readOnly, why } of cases) {
    it(`${path}: ${why}`, () => {
      const found = findMount(entries, path);
      assert.equal(found?.mountPoint, mount);
      assert.equal(found === undefined ? undefined : isReadOnlyMount(found), readOnly);
    });
  }

  it('finds nothing in a list without /', () => {
    assert.equal(findMount(parseMountinfo(line(22, 21, '/', '/data', 'rw', 'ext4 /dev/sda1 rw')), '/etc'), undefined);
  });
});
