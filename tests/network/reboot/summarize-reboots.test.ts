import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BootInstant } from '../../../src/network/reboot/seconds-between.js';
import { summarizeReboots } from '../../../src/network/reboot/summarize-reboots.js';
import type { NetworkEventRow } from '../../../src/network/store/read-network-events.js';

const NOW_MS = Date.parse('2026-02-05T12:00:00.000Z');
const HOUR_MS = 3_600_000;

let nextId = 1;

/** A `reboot` row written `hoursAgo` by the wall clock, in `bootId` at `uptimeSeconds`. */
function rebootRow(
  hoursAgo: number,
  bootId: string | null = null,
  uptimeSeconds: number | null = null,
): NetworkEventRow {
  return {
    id: nextId++,
    at: new Date(NOW_MS - hoursAgo * HOUR_MS).toISOString(),
    boot_id: bootId,
    uptime_seconds: uptimeSeconds,
    interface: 'eth0',
    kind: 'reboot',
    ladder_id: 1,
    rung: null,
    outcome: 'started',
    detail: null,
    duration_ms: null,
    exit_code: null,
    output_tail: null,
  };
}

function now(overrides: Partial<BootInstant> = {}): BootInstant {
  return { atMs: NOW_MS, bootId: 'boot-now', uptimeSeconds: 600, ...overrides };
}

describe('summarizeReboots', () => {
  it('no past reboot: no last, no time since, none today', () => {
    assert.deepEqual(summarizeReboots([], now()), {
      last: undefined,
      sinceLastRebootSeconds: undefined,
      rebootsInLastDay: 0,
    });
  });

  it('takes the first row (the newest) as the last reboot', () => {
    const rows = [rebootRow(1), rebootRow(5), rebootRow(30)];
    const history = summarizeReboots(rows, now({ bootId: undefined, uptimeSeconds: undefined }));
    assert.equal(history.last, rows[0]);
    assert.equal(history.sinceLastRebootSeconds, 3600);
  });

  it('counts the reboots within the last 24 hours only', () => {
    const rows = [rebootRow(1), rebootRow(12), rebootRow(23.99), rebootRow(24), rebootRow(25), rebootRow(100)];
    assert.equal(summarizeReboots(rows, now({ bootId: undefined, uptimeSeconds: undefined })).rebootsInLastDay, 3);
  });

  it('a reboot exactly 24 hours ago no longer counts, one a second later still does', () => {
    const exactly = { ...rebootRow(0), at: new Date(NOW_MS - 24 * HOUR_MS).toISOString() };
    const justWithin = { ...rebootRow(0), at: new Date(NOW_MS - 24 * HOUR_MS + 1000).toISOString() };
    const wallOnly = now({ bootId: undefined, uptimeSeconds: undefined });
    assert.equal(summarizeReboots([exactly], wallOnly).rebootsInLastDay, 0);
    assert.equal(summarizeReboots([justWithin], wallOnly).rebootsInLastDay, 1);
  });

  it("a reboot of another boot is at least this boot's uptime ago, even when the wall clock is behind it", () => {
    // Written with NTP time; this boot has no RTC and its clock is still two hours behind.
    const rows = [rebootRow(-2, 'boot-before', 86_000)];
    const history = summarizeReboots(rows, now({ bootId: 'boot-now', uptimeSeconds: 300 }));
    assert.equal(history.sinceLastRebootSeconds, 300);
    assert.equal(history.rebootsInLastDay, 1);
  });

  it('a reboot row of this same boot is measured by uptime, whatever the wall clock did', () => {
    // The wall clock stepped two days forward since the row was written; uptime says 10 minutes.
    const row = { ...rebootRow(48, 'boot-now', 1000) };
    const history = summarizeReboots([row], now({ bootId: 'boot-now', uptimeSeconds: 1600 }));
    assert.equal(history.sinceLastRebootSeconds, 600);
    assert.equal(history.rebootsInLastDay, 1);
  });

  it('rows without a boot id fall back to the wall clock, never negative', () => {
    const rows = [rebootRow(-3), rebootRow(2)];
    const history = summarizeReboots(rows, now());
    assert.equal(history.sinceLastRebootSeconds, 0);
    assert.equal(history.rebootsInLastDay, 2);
  });

  it('mixes boots: each row measured its own way', () => {
    const rows = [
      rebootRow(30, 'boot-now', 100), // this boot: 500 s by uptime, though the wall clock says 30 h
      rebootRow(-1, 'boot-old', 9000), // another boot, clock behind: at least the uptime (600 s)
      rebootRow(30, 'boot-older', 9000), // another boot, 30 h by the wall clock
      rebootRow(30), // unknown boot, 30 h by the wall clock
    ];
    const history = summarizeReboots(rows, now({ bootId: 'boot-now', uptimeSeconds: 600 }));
    assert.equal(history.sinceLastRebootSeconds, 500);
    assert.equal(history.rebootsInLastDay, 2);
  });
});
