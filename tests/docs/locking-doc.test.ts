import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { OWNER_FILE, parseLockOwner } from '../../src/lock/lock-owner.js';
import { KERNEL_LOCK_SUFFIX } from '../../src/lock/tick-lock.js';

const TEXT = readFileSync(new URL('../../docs/locking-and-clocks.md', import.meta.url), 'utf8');

describe('docs/locking-and-clocks.md', () => {
  it('names the files the lock uses', () => {
    assert.ok(TEXT.includes(`LOCK_PATH${KERNEL_LOCK_SUFFIX}`));
    assert.ok(TEXT.includes(OWNER_FILE));
  });

  it('shows an owner record the lock reads', () => {
    const example = /`(\{"pid": \d+,[^`]*\})`/s.exec(TEXT)?.[1];
    assert.ok(example !== undefined, 'an owner example');
    const owner = parseLockOwner(
      example.replace(/\s*\n\s*/g, ' ').replace('"c56eb81d-..."', '"c56eb81d-1067-4a71-a9b6-3578e853042b"'),
    );
    assert.deepEqual(Object.keys(owner ?? {}), ['pid', 'pid_start_ticks', 'boot_id']);
  });

  it('keeps every table cell on one line', () => {
    for (const line of TEXT.split('\n').filter((row) => row.startsWith('|')))
      assert.ok(line.trimEnd().endsWith('|'), line);
  });
});
