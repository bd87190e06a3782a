import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { onCleanup } from './cleanup.js';

/**
 * Two network namespaces this test creates, joined by a veth pair: the "device" (where the
 * watchdog runs, its uplink `deviceInterface`) and the "peer" (the far end, which the test
 * controls). Nothing here touches the machine's own interfaces: both ends are created
 * inside the namespaces, and neither namespace has a route anywhere but the pair's subnet,
 * so no packet can leave them. Both are deleted when the test file ends.
 */
export interface NetworkPair {
  /** Network namespace names (under /run/netns). */
  device: string;
  peer: string;
  /** The device's uplink, inside `device`. */
  deviceInterface: string;
  /** Its far end, inside `peer`. */
  peerInterface: string;
  deviceAddress: string;
  peerAddress: string;
  /** `deviceAddress/24`, as `ip addr add` takes it. */
  deviceCidr: string;
  /** Runs `ip -n <namespace> ...args` and returns what it printed. */
  ip(namespace: string, ...args: string[]): string;
  /** The argv that runs `argv` inside `namespace` (`ip netns exec`, which also mounts that namespace's /sys). */
  execArgv(namespace: string, argv: string[]): string[];
}

let created = 0;

/** Creates a fresh pair: both ends up, addressed, loopback up in both namespaces. */
export function createNetworkPair(): NetworkPair {
  const tag = `${process.pid.toString(36)}${(created++).toString(36)}${randomBytes(2).toString('hex')}`;
  const device = `wdt-dev-${tag}`;
  const peer = `wdt-peer-${tag}`;
  // A subnet per pair; it only exists inside these two namespaces.
  const subnet = `10.213.${randomBytes(1)[0] ?? 0}`;
  const pair: NetworkPair = {
    device,
    peer,
    deviceInterface: 'wdeth0',
    peerInterface: 'wdpeer0',
    deviceAddress: `${subnet}.1`,
    peerAddress: `${subnet}.2`,
    deviceCidr: `${subnet}.1/24`,
    ip: (namespace, ...args) => execFileSync('ip', ['-n', namespace, ...args], { encoding: 'utf8' }),
    execArgv: (namespace, argv) => ['ip', 'netns', 'exec', namespace, ...argv],
  };
  for (const namespace of [device, peer]) {
    execFileSync('ip', ['netns', 'add', namespace]);
    onCleanup(() => execFileSync('ip', ['netns', 'del', namespace]));
  }
  // Created inside the device namespace, the far end moved straight into the peer's: never in the host's.
  pair.ip(
    device,
    'link',
    'add',
    pair.deviceInterface,
    'type',
    'veth',
    'peer',
    'name',
    pair.peerInterface,
    'netns',
    peer,
  );
  pair.ip(device, 'addr', 'add', pair.deviceCidr, 'dev', pair.deviceInterface);
  pair.ip(peer, 'addr', 'add', `${pair.peerAddress}/24`, 'dev', pair.peerInterface);
  for (const [namespace, name] of [
    [device, pair.deviceInterface],
    [peer, pair.peerInterface],
    [device, 'lo'],
    [peer, 'lo'],
  ] as const) {
    pair.ip(namespace, 'link', 'set', 'dev', name, 'up');
  }
  return pair;
}

/**
 * Starts `argv` inside `namespace` and stops it (SIGKILL) when the test file ends, before
 * the namespace is deleted.
 */
export function spawnInNamespace(pair: NetworkPair, namespace: string, argv: string[]): ChildProcess {
  const [command, ...args] = pair.execArgv(namespace, argv);
  if (command === undefined) throw new Error('empty argv');
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  onCleanup(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  });
  return child;
}

/** Resolves with the first line `child` prints on stdout (a fixture announcing its port). */
export function firstLineOf(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end >= 0) resolve(buffered.slice(0, end));
    });
    child.once('exit', (code) => reject(new Error(`exited (${code}) before printing a line`)));
  });
}
