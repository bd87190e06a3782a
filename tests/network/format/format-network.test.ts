import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatNetworkEvents } from '../../../src/network/format/format-network-events.js';
import { formatNetworkPreview } from '../../../src/network/format/format-network-preview.js';
import { formatNetworkStatus } from '../../../src/network/format/format-network-status.js';
import { formatNetworkTick, formatRebootLines } from '../../../src/network/format/format-network-tick.js';
import type { NetworkConfig, RawNetworkConfig } from '../../../src/network/config/network-types.js';
import { normalizeNetwork } from '../../../src/network/config/normalize-network.js';
import type { LinkVerdict } from '../../../src/network/link/classify-link.js';
import type { NetworkPreview } from '../../../src/network/preview-network.js';
import type { RungReport } from '../../../src/network/ladder/run-ladder.js';
import type { NetworkTickOutcome } from '../../../src/network/run-network-tick.js';
import { buildNetworkStatus } from '../../../src/network/status/build-network-status.js';
import type { NetworkEventRow } from '../../../src/network/store/read-network-events.js';
import { emptyNetworkState } from '../../../src/network/store/read-network-state.js';
import { failingLinkState } from '../../helpers/network-state.js';

const NOW = Date.parse('2026-06-30T12:00:00Z');
const BOOT = '0b0e1d00-0000-4000-8000-000000000001';
const now = { atMs: NOW, bootId: BOOT, uptimeSeconds: 7200 };

function networkConfig(raw: Partial<RawNetworkConfig> = {}): NetworkConfig {
  return normalizeNetwork(
    {
      interface: 'eth0',
      ladder: [
        { type: 'bounce' },
        { type: 'command', name: 'restart-networking', command: 'systemctl restart networking' },
      ],
      reboot: { command: 'systemctl reboot', cooldown_seconds: 3600, max_per_day: 3 },
      ...raw,
    },
    '/etc/watchdog',
  );
}

const NO_CARRIER: LinkVerdict = {
  state: 'no_carrier',
  reason: 'no carrier on eth0 (cable, switch port or the far end is down)',
  ipv4: [],
};
const UP: LinkVerdict = { state: 'up', reason: 'eth0 up, 192.0.2.10', ipv4: ['192.0.2.10'] };

function row(overrides: Partial<NetworkEventRow> & Pick<NetworkEventRow, 'id' | 'kind'>): NetworkEventRow {
  return {
    at: '2026-06-30T11:57:00.000000+00:00',
    boot_id: BOOT,
    uptime_seconds: 7020,
    interface: 'eth0',
    ladder_id: null,
    rung: null,
    outcome: null,
    detail: null,
    duration_ms: null,
    exit_code: null,
    output_tail: null,
    ...overrides,
  };
}

const failing = failingLinkState();

describe('formatNetworkStatus', () => {
  it('shows a failing link: since when, the count, the last ladder run, the rung that last healed, the reboot and its cooldown', () => {
    const reboot = row({
      id: 20,
      kind: 'reboot',
      at: '2026-06-30T11:59:00.000000+00:00',
      uptime_seconds: 7140,
      outcome: 'requested',
    });
    const lines = formatNetworkStatus(buildNetworkStatus(networkConfig(), failing, [reboot], now));
    assert.deepEqual(lines, [
      'network eth0: no_carrier since 2026-06-30 11:56:00 UTC: no carrier on eth0 (cable, switch port or the far end is down)',
      '  failures: 4 (ladder at 2); checked 2026-06-30 11:59:00 UTC',
      '  ladder: last run 2026-06-30 11:57:00 UTC: failed; 1 consecutive failed run, a reboot is considered from 3; last healed by bounce',
      '  reboot: last 2026-06-30 11:59:00 UTC (requested, in this boot: the device did not go down); 1 of at most 3 in the last 24h; cooldown 59m 00s left',
    ]);
  });

  it('shows an interface never checked, a ladder that never ran and no reboot made', () => {
    const lines = formatNetworkStatus(buildNetworkStatus(networkConfig(), emptyNetworkState('eth0'), [], now));
    assert.deepEqual(lines, [
      'network eth0: unknown: not checked yet',
      '  failures: 0 (ladder at 2); never checked',
      '  ladder: never ran; 0 consecutive failed runs, a reboot is considered from 3',
      '  reboot: none made yet; 0 of at most 3 in the last 24h; no cooldown running',
    ]);
  });

  it('says plainly that the watchdog never reboots without network.reboot', () => {
    const lines = formatNetworkStatus(buildNetworkStatus(networkConfig({ reboot: undefined }), failing, [], now));
    assert.equal(lines.at(-1), '  reboot: not configured (network.reboot): the watchdog never reboots');
  });

  it('shows a reboot whose command failed, made in another boot', () => {
    const reboot = row({
      id: 20,
      kind: 'reboot',
      boot_id: 'ffff0000-other',
      at: '2026-06-30T08:00:00.000000+00:00',
      uptime_seconds: 900,
      outcome: 'command_failed',
    });
    const lines = formatNetworkStatus(buildNetworkStatus(networkConfig(), failing, [reboot], now));
    assert.equal(
      lines.at(-1),
      '  reboot: last 2026-06-30 08:00:00 UTC (command_failed); 1 of at most 3 in the last 24h; no cooldown running',
    );
  });
});

describe('formatNetworkEvents', () => {
  it('lists events newest first as given, with the ladder run, the rung or guard, and the outcome in columns', () => {
    const lines = formatNetworkEvents([
      row({
        id: 16,
        kind: 'reboot_held',
        at: '2026-06-30T11:57:20.000000+00:00',
        ladder_id: 12,
        rung: 'max_failures',
        outcome: 'held',
        detail: '1 of 3 consecutive failed ladder runs',
      }),
      row({
        id: 15,
        kind: 'ladder_end',
        at: '2026-06-30T11:57:20.000000+00:00',
        ladder_id: 12,
        outcome: 'failed',
        detail: 'no rung healed the link; 1 consecutive failed ladder run',
      }),
      row({
        id: 13,
        kind: 'rung',
        at: '2026-06-30T11:57:17.000000+00:00',
        ladder_id: 12,
        rung: 'bounce',
        outcome: 'not_healed',
        detail: 'set eth0 down for 2s, then up',
      }),
      row({ id: 12, kind: 'ladder_start', outcome: 'no_carrier', detail: 'no carrier on eth0' }),
      row({ id: 11, kind: 'link_down', boot_id: null, at: '2026-06-30T11:56:00.123000+00:00', outcome: 'no_carrier' }),
    ]);
    const cells = lines.map((line) => line.split(/ {2,}/));
    assert.deepEqual(cells, [
      ['AT (UTC)', 'BOOT', 'INTERFACE', 'EVENT', 'LADDER', 'RUNG/GUARD', 'OUTCOME', 'DETAIL'],
      [
        '2026-06-30 11:57:20',
        '0b0e1d00',
        'eth0',
        'reboot_held',
        '#12',
        'max_failures',
        'held',
        '1 of 3 consecutive failed ladder runs',
      ],
      [
        '2026-06-30 11:57:20',
        '0b0e1d00',
        'eth0',
        'ladder_end',
        '#12',
        '-',
        'failed',
        'no rung healed the link; 1 consecutive failed ladder run',
      ],
      [
        '2026-06-30 11:57:17',
        '0b0e1d00',
        'eth0',
        'rung',
        '#12',
        'bounce',
        'not_healed',
        'set eth0 down for 2s, then up',
      ],
      ['2026-06-30 11:57:00', '0b0e1d00', 'eth0', 'ladder_start', '#12', '-', 'no_carrier', 'no carrier on eth0'],
      ['2026-06-30 11:56:00', '-', 'eth0', 'link_down', '-', '-', 'no_carrier'],
    ]);
    const eventColumn = lines[0]?.indexOf('EVENT');
    for (const [index, kind] of ['reboot_held', 'ladder_end', 'rung', 'ladder_start', 'link_down'].entries()) {
      assert.equal(
        lines[index + 1]?.indexOf(` ${kind} `) ?? NaN,
        (eventColumn ?? NaN) - 1,
        `${kind} lines up under EVENT`,
      );
    }
  });

  it('is only the header when there are no events', () => {
    assert.deepEqual(formatNetworkEvents([]), [
      'AT (UTC)  BOOT  INTERFACE  EVENT  LADDER  RUNG/GUARD  OUTCOME  DETAIL',
    ]);
  });
});

describe('formatNetworkPreview', () => {
  const preview = (overrides: Partial<NetworkPreview>): NetworkPreview => ({
    verdict: NO_CARRIER,
    consecutiveFailures: 2,
    decision: { kind: 'run', reason: '2 consecutive failed checks, threshold 2' },
    failedLadderRunsIfNoRungHeals: 1,
    rebootIfNoRungHeals: { kind: 'hold', guard: 'max_failures', reason: '1 of 3 consecutive failed ladder runs' },
    ...overrides,
  });

  it('walks the ladder it would climb, rung by rung, and names the reboot guard that would decide', () => {
    assert.deepEqual(formatNetworkPreview(networkConfig(), preview({})), [
      `network eth0: no_carrier: ${NO_CARRIER.reason} → would climb the ladder (2 consecutive failed checks, threshold 2), within 10m 00s in all:`,
      '  1. bounce: `ip link set dev eth0 down`, wait 2s, `ip link set dev eth0 up`; then wait 15s and check again',
      '  2. restart-networking: `systemctl restart networking` (at most 2m 00s); then wait 15s and check again',
      '  if no rung healed the link (1 consecutive failed run, a reboot is considered from 3): no reboot, held by max_failures: 1 of 3 consecutive failed ladder runs',
    ]);
  });

  it('named by MAC, shows the bounce on the interface that has the MAC now, or that there is none to bounce', () => {
    const network = networkConfig({ interface_mac: '02:00:5e:00:53:01' });
    assert.equal(
      formatNetworkPreview(network, preview({ verdict: { ...NO_CARRIER, device: 'end0' } }))[1],
      '  1. bounce: `ip link set dev end0 down`, wait 2s, `ip link set dev end0 up`; then wait 15s and check again',
    );
    assert.equal(
      formatNetworkPreview(network, preview({ verdict: { ...NO_CARRIER, device: undefined } }))[1],
      '  1. bounce: nothing to bounce (no single interface has the MAC in network.interface_mac); then wait 15s and check again',
    );
  });

  it('says it would reboot, with the command, when every guard lets it through', () => {
    const lines = formatNetworkPreview(
      networkConfig({ max_failures: 1 }),
      preview({ rebootIfNoRungHeals: { kind: 'reboot', reason: '1 consecutive failed ladder runs (max_failures 1)' } }),
    );
    assert.equal(
      lines.at(-1),
      '  if no rung healed the link (1 consecutive failed run, a reboot is considered from 1): would reboot with `systemctl reboot`: 1 consecutive failed ladder runs (max_failures 1)',
    );
  });

  it('says nothing is done for a healthy link, for one that cannot be judged, and why the ladder waits', () => {
    assert.equal(
      formatNetworkPreview(networkConfig(), preview({ verdict: UP, decision: { kind: 'healthy' } }))[0],
      `network eth0: up: ${UP.reason} → nothing to do`,
    );
    assert.match(
      formatNetworkPreview(
        networkConfig(),
        preview({
          verdict: { state: 'check_error', reason: 'cannot read the carrier of eth0: EIO', ipv4: [] },
          decision: { kind: 'not_judged' },
        }),
      )[0] ?? '',
      /: check_error: cannot read the carrier of eth0: EIO → nothing to do: the link could not be judged, the count stays as it is$/,
    );
    const waiting = formatNetworkPreview(
      networkConfig(),
      preview({
        consecutiveFailures: 1,
        decision: {
          kind: 'wait',
          reason: '1 consecutive failed check, threshold 2: the ladder waits for the threshold',
        },
      }),
    );
    assert.equal(
      waiting[0],
      `network eth0: no_carrier: ${NO_CARRIER.reason} → no ladder now: 1 consecutive failed check, threshold 2: the ladder waits for the threshold`,
    );
    assert.equal(waiting.length, 2, 'no rungs listed when the ladder would not run');
  });

  it('says so when the ladder has no rungs, and names the guard when none is configured', () => {
    const lines = formatNetworkPreview(
      networkConfig({ ladder: [], reboot: undefined }),
      preview({
        rebootIfNoRungHeals: {
          kind: 'hold',
          guard: 'no_reboot_command',
          reason: 'network.reboot is not configured: the watchdog never reboots',
        },
      }),
    );
    assert.equal(lines[1], '  (no rungs)');
    assert.match(
      lines.at(-1) ?? '',
      /no reboot, held by no_reboot_command: network\.reboot is not configured: the watchdog never reboots$/,
    );
  });
});

describe('formatNetworkTick', () => {
  const rung = (name: string, type: RungReport['type'], detail: string, verdict: LinkVerdict): RungReport => ({
    rung: name,
    type,
    ok: true,
    detail,
    durationMs: 50,
    verdict,
    healed: verdict.state === 'up',
  });
  const climbed = (overrides: Partial<NetworkTickOutcome>): NetworkTickOutcome => ({
    interface: 'eth0',
    previousState: 'no_carrier',
    verdict: NO_CARRIER,
    consecutiveFailures: 2,
    decision: { kind: 'run', reason: '2 consecutive failed checks, threshold 2' },
    ...overrides,
  });

  it('shows each rung, the link after it, and which rung healed', () => {
    const lines = formatNetworkTick(
      climbed({
        ladder: {
          outcome: 'healed',
          healedBy: 'restart-networking',
          rungs: [
            rung('bounce', 'bounce', 'set eth0 down for 2s, then up', NO_CARRIER),
            rung('restart-networking', 'command', 'exited 0 after 50ms', UP),
          ],
          verdict: UP,
        },
      }),
    );
    assert.deepEqual(lines, [
      `network eth0: no_carrier: ${NO_CARRIER.reason}`,
      '  rung bounce: set eth0 down for 2s, then up; link then no_carrier',
      '  rung restart-networking: exited 0 after 50ms; link then up (healed)',
      '  ladder: healed by restart-networking',
    ]);
  });

  it('shows a failed run and the guard that held the reboot', () => {
    const lines = formatNetworkTick(
      climbed({
        ladder: {
          outcome: 'timed_out',
          healedBy: undefined,
          rungs: [rung('bounce', 'bounce', 'set eth0 down for 2s, then up', NO_CARRIER)],
          verdict: NO_CARRIER,
        },
        rebootDecision: {
          kind: 'hold',
          guard: 'cooldown',
          reason: 'the last reboot was 5m 00s ago; the cooldown is 60m 00s (55m 00s left)',
        },
      }),
    );
    assert.deepEqual(lines.slice(-2), [
      '  ladder: timed_out',
      '  reboot: held by cooldown: the last reboot was 5m 00s ago; the cooldown is 60m 00s (55m 00s left)',
    ]);
  });

  it('shows a reboot requested, and a reboot command that failed', () => {
    const ladder = { outcome: 'failed' as const, healedBy: undefined, rungs: [], verdict: NO_CARRIER };
    const reason = '3 consecutive failed ladder runs (max_failures 3)';
    const requested = formatNetworkTick(
      climbed({
        ladder,
        rebootDecision: { kind: 'reboot', reason },
        reboot: { reason, eventId: 40, commandOk: true, detail: 'exited 0 after 50ms' },
      }),
    );
    assert.equal(requested.at(-1), `  reboot: requested: ${reason}; exited 0 after 50ms`);
    const failed = formatNetworkTick(
      climbed({
        ladder,
        rebootDecision: { kind: 'reboot', reason },
        reboot: { reason, eventId: 40, commandOk: false, detail: 'exited 1 after 50ms' },
      }),
    );
    assert.equal(failed.at(-1), `  reboot: command failed: ${reason}; exited 1 after 50ms`);
  });

  it('says why the ladder does not run now, and is one line for a healthy link', () => {
    const waiting = formatNetworkTick(
      climbed({
        consecutiveFailures: 1,
        decision: {
          kind: 'wait',
          reason: '1 consecutive failed check, threshold 2: the ladder waits for the threshold',
        },
      }),
    );
    assert.deepEqual(waiting, [
      `network eth0: no_carrier: ${NO_CARRIER.reason}`,
      '  ladder: not now: 1 consecutive failed check, threshold 2: the ladder waits for the threshold',
    ]);
    assert.deepEqual(
      formatNetworkTick(climbed({ verdict: UP, consecutiveFailures: 0, decision: { kind: 'healthy' } })),
      [`network eth0: up: ${UP.reason}`],
    );
  });
});

describe('the network formatters with what commands and the system said', () => {
  // A rung's command output and the system's error text reach these lines; a command an app
  // user can influence (a script in its folder) could print anything.
  const HOSTILE: LinkVerdict = {
    state: 'check_error',
    reason: 'cannot read the carrier of eth0: \u001b]0;pwned\u0007\u009b2J\u202e\nforged',
    ipv4: [],
  };
  const ESCAPED = 'cannot read the carrier of eth0: \\x1b]0;pwned\\x07\\u009b2J\\u202e\\x0aforged';

  it('formatNetworkStatus escapes the reason', () => {
    const lines = formatNetworkStatus(
      buildNetworkStatus(
        networkConfig(),
        { ...failing, last_state: 'check_error', last_reason: HOSTILE.reason },
        [],
        now,
      ),
    );
    assert.equal(lines[0], `network eth0: check_error: ${ESCAPED}`);
  });

  it('formatNetworkEvents escapes the detail', () => {
    const lines = formatNetworkEvents([
      row({ id: 11, kind: 'check_error', outcome: 'check_error', detail: HOSTILE.reason }),
    ]);
    assert.ok(lines[1]?.endsWith(`check_error  ${ESCAPED}`), lines[1]);
  });

  it('formatNetworkPreview escapes the reason', () => {
    const lines = formatNetworkPreview(networkConfig(), {
      verdict: HOSTILE,
      consecutiveFailures: 2,
      decision: { kind: 'not_judged' },
      failedLadderRunsIfNoRungHeals: 0,
      rebootIfNoRungHeals: { kind: 'hold', guard: 'max_failures', reason: '0 of 3 consecutive failed ladder runs' },
    });
    assert.equal(
      lines[0],
      `network eth0: check_error: ${ESCAPED} → nothing to do: the link could not be judged, the count stays as it is`,
    );
  });

  it('formatNetworkTick and formatRebootLines escape a rung detail and the reboot command result', () => {
    const reason = '3 consecutive failed ladder runs (max_failures 3)';
    const outcome: NetworkTickOutcome = {
      interface: 'eth0',
      previousState: 'no_carrier',
      verdict: NO_CARRIER,
      consecutiveFailures: 2,
      decision: { kind: 'run', reason: '2 consecutive failed checks, threshold 2' },
      ladder: {
        outcome: 'failed',
        healedBy: undefined,
        rungs: [
          {
            rung: 'restart',
            type: 'command',
            ok: false,
            detail: 'could not run: \u001b[8mhidden',
            durationMs: 50,
            verdict: NO_CARRIER,
            healed: false,
          },
        ],
        verdict: NO_CARRIER,
      },
      rebootDecision: { kind: 'reboot', reason },
      reboot: { reason, eventId: 40, commandOk: false, detail: 'could not run: \u009b2J\nforged' },
    };
    const lines = formatNetworkTick(outcome);
    assert.equal(lines[1], '  rung restart: could not run: \\x1b[8mhidden; link then no_carrier');
    assert.equal(lines.at(-1), `  reboot: command failed: ${reason}; could not run: \\u009b2J\\x0aforged`);
    assert.deepEqual(formatRebootLines(outcome), [
      `reboot: command failed: ${reason}; could not run: \\u009b2J\\x0aforged`,
    ]);
  });
});
