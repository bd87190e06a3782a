import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeFilesystem, type FilesystemLimits } from '../../src/filesystems/judge-filesystem.js';
import type { FilesystemFigures, FilesystemRead } from '../../src/system/read-filesystem.js';

const MIB = 1024 ** 2;

function read(figures: Partial<FilesystemFigures> = {}): FilesystemRead {
  return {
    kind: 'read',
    figures: {
      folder: '/var/log',
      mountPoint: '/var/log',
      fsType: 'tmpfs',
      sizeBytes: 100 * MIB,
      freeBytes: 40 * MIB,
      readOnly: false,
      rootFilesystem: false,
      ...figures,
    },
  };
}

const NONE: FilesystemLimits = { minFreeMb: undefined, minFreePercent: undefined, failIfReadOnly: undefined };

describe('judgeFilesystem', () => {
  const cases: {
    name: string;
    read: FilesystemRead;
    limits: Partial<FilesystemLimits>;
    state: string;
    reason: string;
  }[] = [
    {
      name: 'enough free space',
      read: read(),
      limits: { minFreeMb: 10, minFreePercent: 10 },
      state: 'healthy',
      reason: '40.0 MiB free (40.0%) on /var/log (tmpfs)',
    },
    {
      name: 'below min_free_mb',
      read: read({ freeBytes: 5 * MIB }),
      limits: { minFreeMb: 10 },
      state: 'low_space',
      reason: '5.0 MiB free (5.0%) on /var/log (tmpfs), below min_free_mb 10',
    },
    {
      name: 'exactly at the limit is enough',
      read: read({ freeBytes: 10 * MIB }),
      limits: { minFreeMb: 10, minFreePercent: 10 },
      state: 'healthy',
      reason: '10.0 MiB free (10.0%) on /var/log (tmpfs)',
    },
    {
      name: 'below min_free_percent only',
      read: read({ freeBytes: 15 * MIB }),
      limits: { minFreeMb: 10, minFreePercent: 20 },
      state: 'low_space',
      reason: '15.0 MiB free (15.0%) on /var/log (tmpfs), below min_free_percent 20',
    },
    {
      name: 'below both',
      read: read({ freeBytes: 1 * MIB }),
      limits: { minFreeMb: 10, minFreePercent: 20 },
      state: 'low_space',
      reason: '1.0 MiB free (1.0%) on /var/log (tmpfs), below min_free_mb 10 and min_free_percent 20',
    },
    {
      name: 'a file system of size 0 cannot have its space measured: not counted, and said',
      read: read({ sizeBytes: 0, freeBytes: 0, fsType: 'proc' }),
      limits: { minFreeMb: 1 },
      state: 'check_error',
      reason: '/var/log (proc) reports a size of 0 (procfs, some FUSE file systems): its free space cannot be measured',
    },
    {
      name: 'a file system of size 0 is fine when only its read-only flag is asked',
      read: read({ sizeBytes: 0, freeBytes: 0 }),
      limits: { failIfReadOnly: true },
      state: 'healthy',
      reason: '0.0 MiB free (100.0%) on /var/log (tmpfs)',
    },
    {
      name: 'a share just below the limit is rounded down, never shown as the limit',
      read: read({ sizeBytes: 100_000 * MIB, freeBytes: 9_998 * MIB }),
      limits: { minFreePercent: 10 },
      state: 'low_space',
      reason: '9998.0 MiB free (9.9%) on /var/log (tmpfs), below min_free_percent 10',
    },
    {
      name: 'MiB just below the limit are rounded down, never shown as the limit',
      read: read({ sizeBytes: 1000 * MIB, freeBytes: 200 * MIB - 1 }),
      limits: { minFreeMb: 200 },
      state: 'low_space',
      reason: '199.9 MiB free (19.9%) on /var/log (tmpfs), below min_free_mb 200',
    },
    {
      name: 'read-only / fails by default',
      read: read({ mountPoint: '/', fsType: 'ext4', readOnly: true, rootFilesystem: true }),
      limits: {},
      state: 'read_only',
      reason: '/ (ext4) is mounted read-only',
    },
    {
      name: 'read-only / may be allowed',
      read: read({ mountPoint: '/', fsType: 'ext4', readOnly: true, rootFilesystem: true }),
      limits: { failIfReadOnly: false, minFreeMb: 1 },
      state: 'healthy',
      reason: '40.0 MiB free (40.0%) on / (ext4), read-only',
    },
    {
      name: 'a read-only bind mount of the root file system fails by default',
      read: read({ mountPoint: '/srv/data', fsType: 'ext4', readOnly: true, rootFilesystem: true }),
      limits: { minFreeMb: 1 },
      state: 'read_only',
      reason: '/srv/data (ext4) is mounted read-only',
    },
    {
      name: 'another read-only mount does not fail by default',
      read: read({ readOnly: true }),
      limits: { minFreeMb: 1 },
      state: 'healthy',
      reason: '40.0 MiB free (40.0%) on /var/log (tmpfs), read-only',
    },
    {
      name: 'another read-only mount fails when asked',
      read: read({ readOnly: true, freeBytes: 1 * MIB }),
      limits: { failIfReadOnly: true, minFreeMb: 10 },
      state: 'read_only',
      reason: '/var/log (tmpfs) is mounted read-only',
    },
    {
      name: 'a missing folder is the device failing',
      read: { kind: 'unavailable', reason: '/mnt/usb/data does not exist' },
      limits: { minFreeMb: 10 },
      state: 'fs_unavailable',
      reason: '/mnt/usb/data does not exist',
    },
    {
      name: 'what the watchdog could not read is not counted',
      read: { kind: 'error', reason: 'the watchdog could not read its mountinfo: EACCES' },
      limits: { minFreeMb: 10 },
      state: 'check_error',
      reason: 'the watchdog could not read its mountinfo: EACCES',
    },
  ];
  for (const { name, read: found, limits, state, reason } of cases) {
    it(name, () => {
      const verdict = judgeFilesystem(found, { ...NONE, ...limits });
      assert.deepEqual({ state: verdict.state, reason: verdict.reason }, { state, reason });
    });
  }
});
