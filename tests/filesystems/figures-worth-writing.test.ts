import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { figuresWorthWriting } from '../../src/filesystems/figures-worth-writing.js';
import type { FilesystemFigures } from '../../src/system/read-filesystem.js';

// Decimal gigabytes: 1 % of the size is a whole number of bytes, as in the cases.
const GB = 1e9;
const STORED = { mount_point: '/', fs_type: 'ext4', size_bytes: 10 * GB, free_bytes: 5 * GB, read_only: 0 };
const read = (overrides: Partial<FilesystemFigures> = {}): FilesystemFigures => ({
  folder: '/var/log',
  mountPoint: '/',
  fsType: 'ext4',
  sizeBytes: 10 * GB,
  freeBytes: 5 * GB,
  readOnly: false,
  rootFilesystem: true,
  ...overrides,
});

describe('figuresWorthWriting', () => {
  const cases: [string, Parameters<typeof figuresWorthWriting>[0], FilesystemFigures | undefined, boolean][] = [
    ['none stored yet', undefined, read(), true],
    ['none stored yet, none read', undefined, undefined, true],
    ['the same figures', STORED, read(), false],
    ['free space moved by less than 1 % of the size', STORED, read({ freeBytes: 5 * GB - (10 * GB) / 100 + 1 }), false],
    ['free space moved by 1 % of the size', STORED, read({ freeBytes: 5 * GB - (10 * GB) / 100 }), true],
    ['free space grew by 1 % of the size', STORED, read({ freeBytes: 5 * GB + (10 * GB) / 100 }), true],
    ['turned read-only', STORED, read({ readOnly: true }), true],
    ['another mount', STORED, read({ mountPoint: '/var' }), true],
    ['another type', STORED, read({ fsType: 'f2fs' }), true],
    ['another size (grown)', STORED, read({ sizeBytes: 20 * GB }), true],
    ['none read now, some stored', STORED, undefined, true],
    [
      'none read now, none stored either',
      { mount_point: null, fs_type: null, size_bytes: null, free_bytes: null, read_only: null },
      undefined,
      false,
    ],
    [
      'some read now, none stored',
      { mount_point: null, fs_type: null, size_bytes: null, free_bytes: null, read_only: null },
      read(),
      true,
    ],
  ];
  for (const [name, stored, figures, expected] of cases)
    it(`${expected ? 'writes' : 'does not write'}: ${name}`, () => {
      assert.equal(figuresWorthWriting(stored, figures), expected);
    });
});
