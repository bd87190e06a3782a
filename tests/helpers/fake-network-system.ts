import type { WakeOnLanTarget } from '../../src/wake/wake-on-lan-target.js';
import type { SendMagicPacketResult } from '../../src/wake/send-magic-packet.js';
import type { MassStorageScan } from '../../src/network/reboot/find-mass-storage.js';
import type { NetworkSystem } from '../../src/network/network-system.js';
import type { ProbeSetResult, ProbeSetSpec } from '../../src/probes/probe.js';
import { describeProbe } from '../../src/probes/describe-probe.js';
import type { InterfaceEntry } from '../../src/network/link/list-interfaces.js';
import type { LinkReading } from '../../src/network/link/read-link.js';
import type { Ipv6Entry } from '../../src/network/link/judge-ipv6.js';
import type { SetLinkResult } from '../../src/network/link/set-link.js';
import type { ShellCommandOptions, ShellCommandResult } from '../../src/system/run-shell-command.js';

/** The fake uplink as its kernel would report it. */
export interface FakeLink {
  /** Whether the interface exists at all (else it reads as `missing`). */
  exists: boolean;
  /** Set up; `setLink(name, false)` clears it and the link then reads as `admin_down`. */
  adminUp: boolean;
  /** Whether the cable and the far end give a carrier while the link is set up. */
  carrier: boolean;
  /** Its IPv4 addresses, reported while it has a carrier. */
  ipv4: string[];
  /** When set, the carrier cannot be read: it reads as `unreadable` with this error. */
  unreadable?: string;
  /** Its MAC address (default {@link FAKE_MAC}). */
  mac?: string;
  /** Its IPv6 addresses with their flags (default none). */
  ipv6?: Ipv6Entry[];
}

/** One call made to the fake, at the virtual time it was made. */
export interface FakeNetworkCall {
  atMs: number;
  /** e.g. `readLink eth0`, `setLink eth0 down`, `sleep 2000`, `shell ./restart.sh`, `probe any: tcp 10.0.0.1:53`. */
  call: string;
}

export interface FakeNetworkSystemOptions {
  /** The interface that exists (default `eth0`); every other name reads as `missing`. */
  interfaceName?: string;
  link?: Partial<FakeLink>;
  /** Virtual wall clock at the start (default {@link FAKE_NET_NOW_MS}). */
  nowMs?: number;
  /** This boot's id (default {@link FAKE_BOOT_ID}); `null` for a machine that does not tell. */
  bootId?: string | null;
  /** Uptime at the start, in seconds (default 3600); `null` for a machine that does not tell. Moves with the clock. */
  uptimeSeconds?: number | null;
  /** What `setLink` returns instead of success; runs before the link changes (a failed call changes nothing). */
  setLinkResult?: (name: string, up: boolean, fake: FakeNetworkSystem) => SetLinkResult | undefined;
  /** Runs after every `setLink`, once the link changed: the place to script "the carrier comes back after a bounce". */
  onSetLink?: (name: string, up: boolean, fake: FakeNetworkSystem) => void;
  /** How a shell command ends (merged over exit 0 after 50 ms); may change the link, or look at the world when it runs. */
  shellResult?: (options: ShellCommandOptions, fake: FakeNetworkSystem) => Partial<ShellCommandResult> | undefined;
  /** How a probe set goes (default: nothing answers). */
  probeSetResult?: (set: ProbeSetSpec, fake: FakeNetworkSystem) => ProbeSetResult;
  /** Runs at every sleep, after the clock moved on; may throw. */
  onSleep?: (ms: number, fake: FakeNetworkSystem) => void;
  /** How sending a magic packet goes (default: sent). */
  wakeResult?: (target: WakeOnLanTarget, fake: FakeNetworkSystem) => SendMagicPacketResult;
  /** Paths `fileExists` says exist. */
  files?: string[];
  /** Interfaces `listInterfaces` reports besides the fake uplink (when it exists). */
  otherInterfaces?: InterfaceEntry[];
  /** What `findMassStorage` finds (default: no backing). */
  massStorage?: MassStorageScan;
  env?: NodeJS.ProcessEnv;
}

/**
 * A NetworkSystem that touches nothing: a virtual clock that moves only when slept on (or
 * when a command or `advance` takes time), a scripted link, and a recorder of every call.
 */
export interface FakeNetworkSystem extends NetworkSystem {
  interfaceName: string;
  link: FakeLink;
  /** Milliseconds since the epoch; `sleep`, shell commands and `advance` add to it. */
  clockMs: number;
  bootIdNow: string | undefined;
  /** Virtual time at which this boot began; `undefined` when uptime is not known. */
  bootStartedAtMs: number | undefined;
  calls: FakeNetworkCall[];
  /** Every `setLink`, in order: [name, up]. */
  setLinks: [string, boolean][];
  shellCommands: ShellCommandOptions[];
  /** Every magic packet sent, in order. */
  wakes: WakeOnLanTarget[];
  probeSets: ProbeSetSpec[];
  fileExistsCalls: string[];
  massStorageScans: string[];
  sleeps: number[];
  files: Set<string>;
  massStorage: MassStorageScan;
  /** Moves the clock on, as time passing between ticks. */
  advance(ms: number): void;
  /** Steps the wall clock only (NTP, or a device without RTC booting in the past): uptime does not move. */
  stepWallClock(ms: number): void;
  /** As if the machine had rebooted: a new boot id, uptime from 0 (the wall clock goes on). */
  startNewBoot(bootId: string): void;
  /** The calls without their times. */
  callNames(): string[];
}

export const FAKE_NET_NOW_MS = Date.parse('2026-06-30T12:00:00.000Z');
export const FAKE_BOOT_ID = '0b0e1d00-0000-4000-8000-000000000001';
/** A documentation address (TEST-NET-1): never contacted, the fake has no network. */
export const FAKE_IPV4 = '192.0.2.10';
/** A locally administered MAC: no vendor's. */
export const FAKE_MAC = '02:00:5e:00:53:01';

const DEFAULT_SHELL_RESULT: ShellCommandResult = {
  pid: 7000,
  exitCode: 0,
  signal: null,
  timedOut: false,
  durationMs: 50,
  outputTail: '',
};

/** A fake NetworkSystem; see {@link FakeNetworkSystemOptions} for what a test can steer. */
export function fakeNetworkSystem(options: FakeNetworkSystemOptions = {}): FakeNetworkSystem {
  const startMs = options.nowMs ?? FAKE_NET_NOW_MS;
  const uptime = options.uptimeSeconds === undefined ? 3600 : options.uptimeSeconds;
  const note = (call: string): void => {
    fake.calls.push({ atMs: fake.clockMs, call });
  };
  const fake: FakeNetworkSystem = {
    interfaceName: options.interfaceName ?? 'eth0',
    link: { exists: true, adminUp: true, carrier: true, ipv4: [FAKE_IPV4], ...options.link },
    clockMs: startMs,
    bootIdNow: options.bootId === null ? undefined : (options.bootId ?? FAKE_BOOT_ID),
    bootStartedAtMs: uptime === null ? undefined : startMs - uptime * 1000,
    calls: [],
    setLinks: [],
    shellCommands: [],
    wakes: [],
    probeSets: [],
    fileExistsCalls: [],
    massStorageScans: [],
    sleeps: [],
    files: new Set(options.files ?? []),
    massStorage: options.massStorage ?? { backings: [] },
    env: options.env ?? { PATH: '/usr/bin:/bin', HOME: '/root' },

    readLink(name): LinkReading {
      note(`readLink ${name}`);
      const { link } = fake;
      if (name !== fake.interfaceName || !link.exists) return { interface: name, carrier: 'missing', ipv4: [] };
      if (link.unreadable !== undefined)
        return { interface: name, carrier: 'unreadable', carrierError: link.unreadable, ipv4: [] };
      if (!link.adminUp) return { interface: name, carrier: 'admin_down', ipv4: [] };
      if (!link.carrier) return { interface: name, carrier: 'down', ipv4: [] };
      return { interface: name, carrier: 'up', ipv4: [...link.ipv4] };
    },
    ipv6Of(name): Ipv6Entry[] {
      note(`ipv6Of ${name}`);
      return name === fake.interfaceName ? [...(fake.link.ipv6 ?? [])] : [];
    },
    listInterfaces(): InterfaceEntry[] {
      const uplink = fake.link.exists
        ? [{ name: fake.interfaceName, mac: fake.link.mac ?? FAKE_MAC, stacked: false }]
        : [];
      return [...uplink, ...(options.otherInterfaces ?? [])];
    },
    async runProbeSet(set) {
      note(`probe ${set.mode}: ${set.probes.map(describeProbe).join(', ')}`);
      fake.probeSets.push(set);
      return options.probeSetResult?.(set, fake) ?? probeSetResult(set, false);
    },
    async setLink(name, up) {
      note(`setLink ${name} ${up ? 'up' : 'down'}`);
      fake.setLinks.push([name, up]);
      const shown = `ip link set dev ${name} ${up ? 'up' : 'down'}`;
      const result =
        options.setLinkResult?.(name, up, fake) ??
        (name === fake.interfaceName && fake.link.exists
          ? { ok: true, detail: shown }
          : { ok: false, detail: `${shown} failed: Cannot find device "${name}"` });
      if (result.ok) fake.link.adminUp = up;
      options.onSetLink?.(name, up, fake);
      return result;
    },
    async runShellCommand(shellOptions) {
      note(`shell ${shellOptions.command}`);
      fake.shellCommands.push(shellOptions);
      const result = { ...DEFAULT_SHELL_RESULT, ...options.shellResult?.(shellOptions, fake) };
      fake.clockMs += result.durationMs;
      return result;
    },
    async sendMagicPacket(target) {
      note(`wake ${target.mac}`);
      fake.wakes.push(target);
      return (
        options.wakeResult?.(target, fake) ?? {
          ok: true,
          detail: `sent a magic packet for ${target.mac} to ${target.broadcast}:${target.port}`,
        }
      );
    },
    findMassStorage(gadgetDir) {
      note(`findMassStorage ${gadgetDir}`);
      fake.massStorageScans.push(gadgetDir);
      return fake.massStorage;
    },
    fileExists(path) {
      note(`fileExists ${path}`);
      fake.fileExistsCalls.push(path);
      return fake.files.has(path);
    },
    bootId: () => fake.bootIdNow,
    uptimeSeconds: () =>
      fake.bootStartedAtMs === undefined ? undefined : (fake.clockMs - fake.bootStartedAtMs) / 1000,
    async sleep(ms) {
      note(`sleep ${ms}`);
      fake.sleeps.push(ms);
      fake.clockMs += ms;
      options.onSleep?.(ms, fake);
    },
    now: () => new Date(fake.clockMs),
    monotonicMs: () => fake.clockMs,

    advance(ms) {
      fake.clockMs += ms;
    },
    stepWallClock(ms) {
      fake.clockMs += ms;
      if (fake.bootStartedAtMs !== undefined) fake.bootStartedAtMs += ms;
    },
    startNewBoot(bootId) {
      fake.bootIdNow = bootId;
      fake.bootStartedAtMs = fake.clockMs;
    },
    callNames: () => fake.calls.map((entry) => entry.call),
  };
  return fake;
}

/** A probe set's result in which every probe answers, or none does. */
export function probeSetResult(set: ProbeSetSpec, answered: boolean): ProbeSetResult {
  const results = set.probes.map((probe) => ({
    probe: describeProbe(probe),
    answered,
    detail: answered ? 'answered (fake)' : 'no answer (fake)',
    durationMs: 5,
  }));
  const count = answered ? `${set.mode} of ${results.length} answered` : `none of ${results.length} answered`;
  return {
    mode: set.mode,
    answered,
    results,
    summary: `${count}: ${results.map((result) => `${result.probe} ${result.detail}`).join('; ')}`,
  };
}
