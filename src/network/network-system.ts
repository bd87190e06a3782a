import { lstatSync } from 'node:fs';
import { monotonicMs } from '../time/monotonic-clock.js';
import { sleep } from '../time/sleep.js';
import { systemErrorCode } from '../errors.js';
import { readBootId, readUptimeSeconds } from '../system/boot-info.js';
import { runShellCommand, type ShellCommandOptions, type ShellCommandResult } from '../system/run-shell-command.js';
import { findMassStorage, type MassStorageScan } from './reboot/find-mass-storage.js';
import { listInterfaces, type InterfaceEntry } from './link/list-interfaces.js';
import { readIpv6 } from './link/read-ipv6.js';
import type { Ipv6Entry } from './link/judge-ipv6.js';
import type { ProbeSetResult, ProbeSetSpec } from '../probes/probe.js';
import { runProbeSet } from '../probes/run-probe-set.js';
import { readLink, type LinkReading } from './link/read-link.js';
import { setLink, type SetLinkResult } from './link/set-link.js';
import type { WakeOnLanTarget } from '../wake/wake-on-lan-target.js';
import { sendMagicPacket, type SendMagicPacketResult } from '../wake/send-magic-packet.js';

/**
 * Everything the network ladder does to (and reads from) the machine, in one place, so the
 * ladder is tested with small fakes and, for real, inside network namespaces.
 */
export interface NetworkSystem {
  readLink(name: string): LinkReading;
  /** Every interface with its MAC: to find the uplink by MAC, and to hint at a rename. */
  listInterfaces(): InterfaceEntry[];
  /** The IPv6 addresses of an interface with their flags (for `require_ipv6`). */
  ipv6Of(name: string): Ipv6Entry[];
  runProbeSet(set: ProbeSetSpec): Promise<ProbeSetResult>;
  setLink(name: string, up: boolean): Promise<SetLinkResult>;
  runShellCommand(options: ShellCommandOptions): Promise<ShellCommandResult>;
  /** Wake-on-LAN: one magic packet over UDP. */
  sendMagicPacket(target: WakeOnLanTarget): Promise<SendMagicPacketResult>;
  findMassStorage(gadgetDir: string): MassStorageScan;
  /** Whether a (flag) file is there; see `flagIsSet`. */
  fileExists(path: string): boolean;
  bootId(): string | undefined;
  uptimeSeconds(): number | undefined;
  /** Ends at once when `signal` aborts. */
  sleep(ms: number): Promise<void>;
  /** The wall clock: for timestamps, never for a deadline or a duration. */
  now(): Date;
  /** A clock nothing steps (see monotonicMs): for deadlines, waits and durations. */
  monotonicMs(): number;
  /** Aborted when the run is asked to stop: no rung starts, waits end, commands are stopped. Absent: never. */
  signal?: AbortSignal | undefined;
  /** The environment commands inherit. */
  env: NodeJS.ProcessEnv;
}

/**
 * Whether a flag file is there. Fails closed, as a guard must: a dangling symbolic link
 * counts as there, and so does a path that cannot be looked at (EACCES, ELOOP).
 */
export function flagIsSet(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch (error) {
    const code = systemErrorCode(error);
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
}

/** How long `ip link set` may take. */
const SET_LINK_TIMEOUT_MS = 10_000;

/** The real machine, with sysfs at `sysfsRoot` and procfs at `procRoot`. */
export function realNetworkSystem({
  sysfsRoot,
  procRoot = '/proc',
  env = process.env,
  signal = new AbortController().signal,
}: {
  sysfsRoot: string;
  procRoot?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}): NetworkSystem {
  return {
    readLink: (name) => readLink(name, { sysfsRoot }),
    listInterfaces: () => listInterfaces(sysfsRoot),
    ipv6Of: (name) => readIpv6(name, procRoot),
    runProbeSet: (set) => runProbeSet(set),
    setLink: (name, up) => setLink(name, up, { env, timeoutMs: SET_LINK_TIMEOUT_MS }),
    runShellCommand: (options) => runShellCommand({ signal, ...options }),
    sendMagicPacket,
    findMassStorage,
    fileExists: flagIsSet,
    bootId: () => readBootId(procRoot),
    uptimeSeconds: () => readUptimeSeconds(procRoot),
    sleep: (ms) => sleep(ms, signal),
    now: () => new Date(),
    monotonicMs,
    signal,
    env,
  };
}
