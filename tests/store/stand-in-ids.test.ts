import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STAND_IN_ID_BASE, standInIdBase } from '../../src/store/audit-store.js';

describe('standInIdBase', () => {
  it('starts a later stand-in above an earlier one, so the journals of two outages never overwrite each other', () => {
    const first = standInIdBase(Date.parse('2026-11-22T03:00:00Z'));
    const second = standInIdBase(Date.parse('2026-11-22T03:00:01Z'));
    assert.ok(first > STAND_IN_ID_BASE, 'above every real id');
    assert.ok(second - first >= 1000, `a second later leaves room for 1000 rows of the first: ${first} → ${second}`);
  });

  it('stays an exact integer for SQLite and JavaScript until well past 2200', () => {
    const base = standInIdBase(Date.parse('2250-01-01T00:00:00Z'));
    assert.ok(Number.isSafeInteger(base + 1_000_000), String(base));
  });

  it('never goes below the base for a clock before 1970', () => {
    assert.equal(standInIdBase(-5), STAND_IN_ID_BASE);
  });
});
