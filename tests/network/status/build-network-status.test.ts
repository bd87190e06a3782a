import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NetworkConfig, RawNetworkConfig } from '../../../src/network/config/network-types.js';
import { normalizeNetwork } from '../../../src/network/config/normalize-network.js';
import type { BootInstant } from '../../../src/network/reboot/seconds-between.js';
import { buildNetworkStatus } from '../../../src/network/status/build-network-status.js';
import type { NetworkEventRow } from '../../../src/network/store/read-network-events.js';
import { emptyNetworkState } from '../../../src/network/store/read-network-state.js';
import { formatUtcTimestamp } from '../../../src/time/format-utc-timestamp.js';
import { failingLinkState } from '../../helpers/network-state.js';

const NOW = Date.parse('2026-06-30T12:00:00Z');
const BOOT = '0b0e1d00-0000-4000-8000-000000000001';
const OTHER_BOOT = '2b0e1d00-0000-4000-8000-000000000002';
/** The device has been up for 2 hours. */
const now: BootInstant = { atMs: NOW, bootId: BOOT, uptimeSeconds: 7200 };

function networkConfig(raw: Partial<RawNetworkConfig> = {}): NetworkConfig {
  return normalizeNetwork(
    {
      interface: 'eth0',
      max_failures: 3,
      reboot: { command: 'systemctl reboot', cooldown_seconds: 3600, max_per_day: 3 },
      ...raw,
    },
    '/etc/watchdog',
  );
}

/** A reboot row `secondsAgo` before NOW by wall clock, in `bootId` at `uptimeSeconds`. */
function reboot(
  id: number,
  secondsAgo: number,
  bootId: string | null,
  uptimeSeconds: number | null,
  outcome = 'requested',
): NetworkEventRow {
  return {
    id,
    at: formatUtcTimestamp(new Date(NOW - secondsAgo * 1000)),
    boot_id: bootId,
    uptime_seconds: uptimeSeconds,
    interface: 'eth0',
    kind: 'reboot',
    ladder_id: id - 1,
    rung: null,
    outcome,
    detail: '3 consecutive failed ladder runs (max_failures 3)',
    duration_ms: 40,
    exit_code: 0,
    output_tail: null,
  };
}

const failing = failingLinkState();

describe('buildNetworkStatus', () => {
  it('shows an interface never checked as unknown, not checked yet', () => {
    const status = buildNetworkStatus(networkConfig(), emptyNetworkState('eth0'), [], now);
    assert.equal(status.interface, 'eth0');
    assert.equal(status.state, 'unknown');
    assert.equal(status.reason, 'not checked yet');
    assert.equal(status.last_check_at, null);
    assert.equal(status.consecutive_failures, 0);
    assert.equal(status.last_ladder, null);
    assert.equal(status.last_healed_by, null);
    assert.deepEqual(status.reboot, {
      configured: true,
      command: 'systemctl reboot',
      last_reboot_at: null,
      last_reboot_outcome: null,
      last_reboot_in_this_boot: null,
      reboots_last_24h: 0,
      max_per_day: 3,
      cooldown_seconds: 3600,
      cooldown_left_seconds: 0,
    });
  });

  it('carries the state, the thresholds and the last ladder run', () => {
    const status = buildNetworkStatus(networkConfig({ consecutive_failures_threshold: 3 }), failing, [], now);
    assert.equal(status.state, 'no_carrier');
    assert.equal(status.reason, failing.last_reason);
    assert.equal(status.consecutive_failures, 4);
    assert.equal(status.threshold, 3);
    assert.equal(status.failing_since, failing.failing_since);
    assert.equal(status.failed_ladder_runs, 1);
    assert.equal(status.max_failures, 3);
    assert.deepEqual(status.last_ladder, { at: failing.last_ladder_at, outcome: 'failed' });
    assert.equal(status.last_healed_by, 'bounce');
  });

  it('says the watchdog never reboots without network.reboot, whatever rows there are', () => {
    const status = buildNetworkStatus(networkConfig({ reboot: undefined }), failing, [reboot(5, 60, BOOT, 7140)], now);
    assert.equal(status.reboot.configured, false);
    assert.equal(status.reboot.command, null);
    assert.equal(status.reboot.max_per_day, null);
    assert.equal(status.reboot.cooldown_seconds, null);
    assert.equal(status.reboot.cooldown_left_seconds, 0, 'no cooldown to wait for: there is no reboot');
  });

  const cooldowns: [label: string, row: NetworkEventRow, left: number][] = [
    // 100.4 s ago by uptime: 3499.6 s left, shown as 3500 (rounded up, never "0 left" too early).
    ['same boot, by uptime, rounded up', reboot(5, 100, BOOT, 7200 - 100.4), 3500],
    ['same boot, whatever the wall clock says', reboot(5, 5 * 86400, BOOT, 7200 - 600), 3000],
    ['exactly the cooldown ago', reboot(5, 3600, BOOT, 3600), 0],
    ['longer ago than the cooldown: 0, never negative', reboot(5, 5000, BOOT, 2200), 0],
    // Another boot: at least this boot's uptime (2 h) has passed, though the wall clock says 10 minutes.
    ['another boot, by uptime since boot', reboot(5, 600, OTHER_BOOT, 300), 0],
  ];
  for (const [label, row, left] of cooldowns) {
    it(`counts the cooldown left: ${label}`, () => {
      assert.equal(buildNetworkStatus(networkConfig(), failing, [row], now).reboot.cooldown_left_seconds, left);
    });
  }

  it('counts the cooldown by the wall clock across boots when this boot is young', () => {
    const young: BootInstant = { atMs: NOW, bootId: BOOT, uptimeSeconds: 120 };
    const status = buildNetworkStatus(networkConfig(), failing, [reboot(5, 600, OTHER_BOOT, 300)], young);
    assert.equal(status.reboot.cooldown_left_seconds, 3000);
  });

  it('tells whether the last reboot was requested in this boot (the device did not go down)', () => {
    const inThisBoot = buildNetworkStatus(networkConfig(), failing, [reboot(5, 60, BOOT, 7140)], now).reboot;
    assert.equal(inThisBoot.last_reboot_in_this_boot, true);
    assert.equal(inThisBoot.last_reboot_outcome, 'requested');
    assert.equal(inThisBoot.last_reboot_at, formatUtcTimestamp(new Date(NOW - 60_000)));
    assert.equal(
      buildNetworkStatus(networkConfig(), failing, [reboot(5, 60, OTHER_BOOT, 7140)], now).reboot
        .last_reboot_in_this_boot,
      false,
    );
    assert.equal(
      buildNetworkStatus(networkConfig(), failing, [reboot(5, 60, null, null)], now).reboot.last_reboot_in_this_boot,
      null,
      'the row does not say',
    );
    assert.equal(
      buildNetworkStatus(networkConfig(), failing, [reboot(5, 60, BOOT, 7140)], { ...now, bootId: undefined }).reboot
        .last_reboot_in_this_boot,
      null,
      'this machine does not say',
    );
  });

  it('reports the newest reboot, and counts those of the last 24 hours', () => {
    const rows = [
      reboot(30, 3 * 3600, OTHER_BOOT, 60, 'command_failed'),
      reboot(20, 20 * 3600, OTHER_BOOT, 60),
      reboot(10, 30 * 3600, OTHER_BOOT, 60),
    ];
    const status = buildNetworkStatus(networkConfig(), failing, rows, now).reboot;
    assert.equal(status.last_reboot_outcome, 'command_failed');
    assert.equal(status.last_reboot_at, rows[0]?.at);
    assert.equal(status.reboots_last_24h, 2);
  });
});
