import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFilesystemStatus } from '../../../src/cli/format/format-filesystem-status.js';
import type { FilesystemStatus } from '../../../src/status/build-filesystem-status.js';

const MIB = 1024 ** 2;

function status(overrides: Partial<FilesystemStatus> = {}): FilesystemStatus {
  return {
    key: 'logs',
    display_name: 'logs',
    path: '/var/log',
    enabled: true,
    state: 'low_space',
    reason: '12.0 MiB free (1.2%) on /var/log (ext4), below min_free_mb 50',
    consecutive_failures: 1,
    threshold: 2,
    last_check_at: '2026-12-06T20:00:00.000000+00:00',
    mount_point: '/var/log',
    fs_type: 'ext4',
    size_bytes: 1024 * MIB,
    free_bytes: 12 * MIB,
    free_percent: (12 / 1024) * 100,
    read_only: false,
    min_free_mb: 50,
    min_free_percent: null,
    fail_if_read_only: null,
    off_since: null,
    gave_up_at: null,
    gave_up_reason: null,
    last_recovery: null,
    ...overrides,
  };
}

describe('formatFilesystemStatus', () => {
  it('shows the state, free space, read-only flag and mount, then the reason', () => {
    assert.deepEqual(
      formatFilesystemStatus([
        status(),
        status({
          key: 'root',
          path: '/',
          state: 'unknown',
          reason: 'not checked yet',
          consecutive_failures: 0,
          mount_point: null,
          free_bytes: null,
          size_bytes: null,
          free_percent: null,
          read_only: null,
        }),
      ]),
      [
        'file systems:',
        '  logs /var/log: low_space, 12.0 of 1024.0 MiB free (1.2%), read-write, on /var/log, failures 1/2',
        '    12.0 MiB free (1.2%) on /var/log (ext4), below min_free_mb 50',
        '  root /: unknown',
        '    not checked yet',
      ],
    );
  });

  it('shows nothing without entries', () => {
    assert.deepEqual(formatFilesystemStatus([]), []);
  });

  it('escapes a mount point someone named with escape sequences and a newline (a user FUSE mount)', () => {
    const hostile = '/home/app/\u001b[2J\nfake: healthy';
    const lines = formatFilesystemStatus([status({ mount_point: hostile, read_only: true, reason: `on ${hostile}` })]);
    assert.equal(lines.length, 3);
    for (const line of lines) assert.ok(!line.includes('\u001b') && !line.includes('\n'), line);
    assert.match(lines[1] ?? '', /read-only, on \/home\/app\/.*fake: healthy, failures 1\/2$/);
  });
});
