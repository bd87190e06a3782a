import type { NetworkConfig } from '../config/network-types.js';
import type { BootInstant } from '../reboot/seconds-between.js';
import { summarizeReboots } from '../reboot/summarize-reboots.js';
import type { NetworkEventRow } from '../store/read-network-events.js';
import type { NetworkStateRow } from '../store/read-network-state.js';

/** The uplink in `watchdog status`, as the text shows it and `--json` prints it (under `network`). */
export interface NetworkStatus {
  interface: string;
  /** A link state, or `unknown` before the first check. */
  state: string;
  reason: string | null;
  last_check_at: string | null;
  consecutive_failures: number;
  threshold: number;
  failing_since: string | null;
  failed_ladder_runs: number;
  max_failures: number;
  last_ladder: { at: string; outcome: string | null } | null;
  /** The rung that healed the link the last time a ladder run healed it. */
  last_healed_by: string | null;
  reboot: RebootStatus;
}

export interface RebootStatus {
  /** False without `network.reboot`: the watchdog never reboots. */
  configured: boolean;
  command: string | null;
  last_reboot_at: string | null;
  /** `requested` (the command ran) or `command_failed`. */
  last_reboot_outcome: string | null;
  /** Whether the last reboot was requested in this boot, i.e. the device did not go down after it. */
  last_reboot_in_this_boot: boolean | null;
  reboots_last_24h: number;
  max_per_day: number | null;
  cooldown_seconds: number | null;
  /** Seconds until the cooldown lets another reboot through (0 when it does now). */
  cooldown_left_seconds: number;
}

/** The configured uplink joined with what the audit log says of it. Pure. */
export function buildNetworkStatus(
  network: NetworkConfig,
  state: NetworkStateRow,
  reboots: readonly NetworkEventRow[],
  now: BootInstant,
): NetworkStatus {
  const history = summarizeReboots(reboots, now);
  const { reboot } = network;
  const since = history.sinceLastRebootSeconds;
  return {
    interface: network.interface,
    state: state.last_state ?? 'unknown',
    reason: state.last_reason ?? (state.last_check_at === null ? 'not checked yet' : null),
    last_check_at: state.last_check_at,
    consecutive_failures: state.consecutive_failures,
    threshold: network.consecutive_failures_threshold,
    failing_since: state.failing_since,
    failed_ladder_runs: state.failed_ladder_runs,
    max_failures: network.max_failures,
    last_ladder:
      state.last_ladder_at === null ? null : { at: state.last_ladder_at, outcome: state.last_ladder_outcome },
    last_healed_by: state.last_healed_by,
    reboot: {
      configured: reboot !== undefined,
      command: reboot?.command ?? null,
      last_reboot_at: history.last?.at ?? null,
      last_reboot_outcome: history.last?.outcome ?? null,
      last_reboot_in_this_boot:
        history.last?.boot_id == null || now.bootId === undefined ? null : history.last.boot_id === now.bootId,
      reboots_last_24h: history.rebootsInLastDay,
      max_per_day: reboot?.max_per_day ?? null,
      cooldown_seconds: reboot?.cooldown_seconds ?? null,
      cooldown_left_seconds:
        reboot === undefined || since === undefined ? 0 : Math.max(0, Math.ceil(reboot.cooldown_seconds - since)),
    },
  };
}
