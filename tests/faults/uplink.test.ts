// Fault injection: the uplink as a failed DHCP and an update leave it. A connection manager
// gives the interface 169.254.x.y when DHCP fails, and an update renames eth0 to end0.
// Each case makes a veth pair in two network namespaces of its own (nothing of the
// machine's is touched, no packet leaves them), breaks or renames the device end inside
// its namespace, and runs the built watchdog there, inside a PID namespace, as cron would.
// No reboot section: the watchdog never reboots here.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { NetworkEventRow } from '../../src/network/store/read-network-events.js';
import type { NetworkStateRow } from '../../src/network/store/read-network-state.js';
import { createNetworkPair, type NetworkPair } from '../helpers/network-namespace.js';
import type { NsRunResult } from '../helpers/pid-namespace.js';
import { faultCase } from './report.js';
import { describeRun, startFaultWorld, writeFaultConfig, type FaultWorld } from './fault-scenario.js';

const LINK_LOCAL = '169.254.77.1';

interface UplinkWorld {
  world: FaultWorld;
  pair: NetworkPair;
  /** `watchdog ARGS -c CONFIG` inside the device's network namespace and the case's PID namespace. */
  watchdog: (args: string[]) => Promise<NsRunResult>;
  /** Writes the config: no processes, a `network` section acting on the first failed check with one quick bounce. */
  configure: (network: Record<string, unknown>) => void;
}

async function startUplinkWorld(prefix: string): Promise<UplinkWorld> {
  // First: the PID namespace's mount namespace sees only the network namespaces made before it.
  const pair = createNetworkPair();
  const world = await startFaultWorld(prefix);
  const configfs = join(world.dir, 'configfs');
  mkdirSync(configfs);
  return {
    world,
    pair,
    watchdog: (args) => world.watchdog(args, { wrapper: pair.execArgv(pair.device, []) }),
    configure: (network) =>
      void writeFaultConfig(
        world.dir,
        {},
        {
          network: {
            consecutive_failures_threshold: 1,
            interval_minutes: 0,
            configfs_root: configfs,
            ladder: [{ type: 'bounce', down_seconds: 0.1, settle_seconds: 0.3 }],
            ...network,
          },
        },
      ),
  };
}

/** Reads a file of the device namespace's sysfs (`ip netns exec` mounts that namespace's /sys). */
function deviceSysfs(pair: NetworkPair, path: string): string {
  return execFileSync('ip', ['netns', 'exec', pair.device, 'cat', `/sys/class/net/${path}`], {
    encoding: 'utf8',
  }).trim();
}

/** Renames the device end inside its namespace, as udev does after an update, and sets it up again. */
async function renameDevice(pair: NetworkPair, from: string, to: string): Promise<void> {
  pair.ip(pair.device, 'link', 'set', 'dev', from, 'down');
  pair.ip(pair.device, 'link', 'set', 'dev', from, 'name', to);
  pair.ip(pair.device, 'link', 'set', 'dev', to, 'up');
  await carrierUp(pair, to);
}

async function carrierUp(pair: NetworkPair, name: string): Promise<void> {
  for (let tries = 0; tries < 100; tries += 1) {
    try {
      if (deviceSysfs(pair, `${name}/carrier`) === '1') return;
    } catch {
      // Not readable while set down.
    }
    await sleep(50);
  }
  throw new Error(`precondition: the carrier of ${name} came up`);
}

function readDb<T>(dbPath: string, read: (db: Database.Database) => T): T {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

function eventsOf(dbPath: string): NetworkEventRow[] {
  return readDb(dbPath, (db) => db.prepare<[], NetworkEventRow>('SELECT * FROM network_events ORDER BY id').all());
}

function stateOf(dbPath: string, name: string): NetworkStateRow | undefined {
  return readDb(dbPath, (db) =>
    db.prepare<[string], NetworkStateRow>('SELECT * FROM network_state WHERE interface = ?').get(name),
  );
}

/** `kind/outcome(rung)` of each event, for the Observed column. */
function describeEvents(events: readonly NetworkEventRow[]): string[] {
  return events.map((event) => `${event.kind}/${event.outcome ?? '-'}${event.rung === null ? '' : `(${event.rung})`}`);
}

describe('fault injection: the uplink after a failed DHCP and a rename', () => {
  it('a link-local address only is degraded and the ladder acts', () =>
    faultCase(
      't.4',
      `the uplink's leased address gone, only ${LINK_LOCAL}/16 left (what a connection manager assigns when DHCP fails); no alive probes`,
      'state no_ipv4 with a reason naming the link-local address; the ladder runs its bounce on the uplink; exit 1 (not healed)',
      async (seen) => {
        const { world, pair, watchdog, configure } = await startUplinkWorld('uplink-ll');
        configure({ interface: pair.deviceInterface });
        pair.ip(pair.device, 'addr', 'flush', 'dev', pair.deviceInterface);
        pair.ip(pair.device, 'addr', 'add', `${LINK_LOCAL}/16`, 'dev', pair.deviceInterface);
        const flapsBefore = Number(deviceSysfs(pair, `${pair.deviceInterface}/carrier_changes`));
        const run = await watchdog(['check']);
        const state = stateOf(world.dbPath, pair.deviceInterface);
        const events = eventsOf(world.dbPath);
        const flaps = Number(deviceSysfs(pair, `${pair.deviceInterface}/carrier_changes`)) - flapsBefore;
        seen.note('check', describeRun(run));
        seen.note('state', `${state?.last_state ?? 'none'}: ${state?.last_reason ?? ''}`);
        seen.note('events', describeEvents(events));
        seen.note('carrier changes of the uplink', flaps);
        assert.equal(state?.last_state, 'no_ipv4');
        assert.match(state?.last_reason ?? '', new RegExp(`${LINK_LOCAL.replaceAll('.', '\\.')} is link-local`));
        assert.deepEqual(describeEvents(events), [
          'link_down/no_ipv4',
          'ladder_start/no_ipv4',
          'link_set_down/up',
          'rung/not_healed(bounce)',
          'ladder_end/failed',
          'reboot_held/held(no_reboot_command)',
        ]);
        assert.ok(flaps >= 2, 'the bounce set the uplink down and up');
        assert.equal(run.code, 1);
      },
    ));

  it('with allow_link_local, a link-local address only is healthy', () =>
    faultCase(
      't.5',
      `only ${LINK_LOCAL}/16 on the uplink, network.allow_link_local true (a link-local-only segment)`,
      'state up with the address; no event, no ladder; exit 0',
      async (seen) => {
        const { world, pair, watchdog, configure } = await startUplinkWorld('uplink-ll-ok');
        configure({ interface: pair.deviceInterface, allow_link_local: true });
        pair.ip(pair.device, 'addr', 'flush', 'dev', pair.deviceInterface);
        pair.ip(pair.device, 'addr', 'add', `${LINK_LOCAL}/16`, 'dev', pair.deviceInterface);
        const run = await watchdog(['check']);
        const state = stateOf(world.dbPath, pair.deviceInterface);
        const events = eventsOf(world.dbPath);
        seen.note('check', describeRun(run));
        seen.note('state', `${state?.last_state ?? 'none'}: ${state?.last_reason ?? ''}`);
        seen.note('events', describeEvents(events));
        assert.equal(state?.last_state, 'up');
        assert.equal(state.last_reason, `${pair.deviceInterface} up, ${LINK_LOCAL}`);
        assert.deepEqual(events, []);
        assert.equal(run.code, 0);
      },
    ));

  it('require_ipv6: a link-local or a dadfailed IPv6 address is no_ipv6; a global one is up', () =>
    faultCase(
      't.9',
      'network.require_ipv6 on a veth uplink with only its fe80:: address, then 2001:db8:77::2 that the far end already has (duplicate address detection fails), then 2001:db8:77::1 of its own',
      'no_ipv6 naming the link-local address; no_ipv6 naming the dadfailed address; then up with 2001:db8:77::1',
      async (seen) => {
        const { world, pair, watchdog, configure } = await startUplinkWorld('uplink-v6');
        configure({ interface: pair.deviceInterface, require_ipv6: true, consecutive_failures_threshold: 10 });
        const stateNow = async (label: string): Promise<NetworkStateRow | undefined> => {
          const run = await watchdog(['check']);
          const state = stateOf(world.dbPath, pair.deviceInterface);
          seen.note(label, `${describeRun(run)}, ${state?.last_state ?? 'none'}: ${state?.last_reason ?? ''}`);
          return state;
        };
        const linkLocalOnly = await stateNow('fe80:: only');
        assert.equal(linkLocalOnly?.last_state, 'no_ipv6');
        assert.match(
          linkLocalOnly.last_reason ?? '',
          /no usable IPv6 address: fe80:[0-9a-f:]+ is (link-local|tentative)/,
        );

        // The far end owns the address (nodad: at once); the device end's detection then fails.
        pair.ip(pair.peer, '-6', 'addr', 'add', '2001:db8:77::2/64', 'dev', pair.peerInterface, 'nodad');
        pair.ip(pair.device, '-6', 'addr', 'add', '2001:db8:77::2/64', 'dev', pair.deviceInterface);
        for (
          let tries = 0;
          tries < 100 && !pair.ip(pair.device, '-6', 'addr', 'show', 'dev', pair.deviceInterface).includes('dadfailed');
          tries += 1
        )
          await sleep(100);
        const duplicate = await stateNow('2001:db8:77::2 duplicate');
        assert.equal(duplicate?.last_state, 'no_ipv6');
        assert.match(duplicate.last_reason ?? '', /2001:db8:77::2 is dadfailed \(another host on the link has it\)/);

        pair.ip(pair.device, '-6', 'addr', 'add', '2001:db8:77::1/64', 'dev', pair.deviceInterface, 'nodad');
        const own = await stateNow('2001:db8:77::1 added');
        assert.equal(own?.last_state, 'up');
        assert.match(own.last_reason ?? '', /up, 10\.213\.\d+\.1, 2001:db8:77::1$/);
      },
    ));

  it('renamed and named by MAC: found under its new name, healthy, and bounced by that name', () =>
    faultCase(
      't.6',
      'the uplink eth0 renamed end0 between two ticks (as udev does after an update); the config names interface eth0 and interface_mac; then end0 is set down',
      'after the rename: up, the reason says it was found by its MAC as end0, no event; set down: admin_down, the bounce sets end0 down and up and heals it; exit 0',
      async (seen) => {
        const { world, pair, watchdog, configure } = await startUplinkWorld('uplink-mac');
        await renameDevice(pair, pair.deviceInterface, 'eth0');
        const mac = deviceSysfs(pair, 'eth0/address');
        configure({ interface: 'eth0', interface_mac: mac.toUpperCase() });
        const first = await watchdog(['check']);
        seen.note('tick 1 (as eth0)', `${describeRun(first)}, ${stateOf(world.dbPath, 'eth0')?.last_state ?? 'none'}`);
        await renameDevice(pair, 'eth0', 'end0');

        const afterRename = await watchdog(['check']);
        const renamed = stateOf(world.dbPath, 'eth0');
        seen.note(
          'tick 2 (renamed end0)',
          `${describeRun(afterRename)}, ${renamed?.last_state ?? 'none'}: ${renamed?.last_reason ?? ''}`,
        );
        assert.equal(renamed?.last_state, 'up');
        assert.match(
          renamed.last_reason ?? '',
          new RegExp(`^end0 up, .*found by its MAC ${mac} as end0 \\(network\\.interface says eth0: renamed\\?\\)$`),
        );
        assert.deepEqual(eventsOf(world.dbPath), []);

        pair.ip(pair.device, 'link', 'set', 'dev', 'end0', 'down');
        const healing = await watchdog(['check']);
        const events = eventsOf(world.dbPath);
        const rung = events.find((event) => event.kind === 'rung');
        const healed = stateOf(world.dbPath, 'eth0');
        seen.note('tick 3 (end0 set down)', describeRun(healing));
        seen.note('events', describeEvents(events));
        seen.note('rung', (rung?.detail ?? 'none').split('; then:')[0]);
        seen.note('end0 now', `${deviceSysfs(pair, 'end0/operstate')}, state ${healed?.last_state ?? 'none'}`);
        assert.deepEqual(describeEvents(events), [
          'link_down/admin_down',
          'ladder_start/admin_down',
          'link_set_down/up',
          'rung/healed(bounce)',
          'ladder_end/healed(bounce)',
          'link_up/up(bounce)',
        ]);
        assert.match(rung?.detail ?? '', /^set end0 down for 0\.1s, then up; then: up: end0 up/);
        // The bounce's note names the device it set down, so a run killed mid-bounce sets that one up again.
        assert.equal(events.find((event) => event.kind === 'link_set_down')?.detail, 'end0');
        assert.equal(healed?.last_state, 'up');
        assert.equal(healing.code, 0);
        assert.equal(first.code, 0);
        assert.equal(afterRename.code, 0);
      },
    ));

  it('renamed and named by its old name: missing with a hint, and the renamed interface is never touched', () =>
    faultCase(
      't.7',
      'the uplink eth0 renamed end0 between two ticks; the config names only interface eth0 (no interface_mac); the ladder is due at once',
      'missing, the reason and `status` hint that end0 (with its MAC) is the only other Ethernet interface; the bounce fails on eth0; end0 is not set down (its carrier changes stay as they were); exit 1',
      async (seen) => {
        const { world, pair, watchdog, configure } = await startUplinkWorld('uplink-name');
        await renameDevice(pair, pair.deviceInterface, 'eth0');
        configure({ interface: 'eth0' });
        const first = await watchdog(['check']);
        seen.note('tick 1 (as eth0)', `${describeRun(first)}, ${stateOf(world.dbPath, 'eth0')?.last_state ?? 'none'}`);
        await renameDevice(pair, 'eth0', 'end0');
        const mac = deviceSysfs(pair, 'end0/address');
        const flapsBefore = deviceSysfs(pair, 'end0/carrier_changes');

        const run = await watchdog(['check']);
        const state = stateOf(world.dbPath, 'eth0');
        const events = eventsOf(world.dbPath);
        const rung = events.find((event) => event.kind === 'rung');
        const status = await watchdog(['status']);
        const statusLine =
          status.stdout.split('\n').find((line) => line.startsWith('network eth0')) ?? '(no network line)';
        const flapsAfter = deviceSysfs(pair, 'end0/carrier_changes');
        seen.note('tick 2 (renamed end0)', describeRun(run));
        seen.note('state', `${state?.last_state ?? 'none'}: ${state?.last_reason ?? ''}`);
        seen.note('events', describeEvents(events));
        seen.note('rung', (rung?.detail ?? 'none').split('; then:')[0]);
        seen.note('status', statusLine);
        seen.note(
          'end0 carrier changes',
          `${flapsBefore} before, ${flapsAfter} after; ${deviceSysfs(pair, 'end0/operstate')}`,
        );
        const hint = `hint: end0 is the only other Ethernet interface: renamed by an update? Name it in network.interface, or set network.interface_mac to ${mac} (its MAC) so a rename no longer matters; it is left alone until then`;
        assert.equal(state?.last_state, 'missing');
        assert.ok(state.last_reason?.endsWith(hint), state.last_reason ?? '');
        assert.ok(statusLine.includes(hint), 'status shows the hint');
        assert.match(rung?.detail ?? '', /ip link set dev eth0 down failed/);
        assert.equal(flapsAfter, flapsBefore, 'end0 was never set down');
        assert.equal(run.code, 1);
      },
    ));

  it('named by MAC, gone, and another interface now has the configured name: that one is never touched', () =>
    faultCase(
      't.8',
      'the uplink named by interface_mac (eth0) is deleted and another veth called eth0, with another MAC, appears; the ladder is due at once',
      'missing (the interface with the MAC is gone); the bounce sets nothing down (nothing to bounce); the new eth0 is not touched; exit 1',
      async (seen) => {
        const { world, pair, watchdog, configure } = await startUplinkWorld('uplink-mac-gone');
        await renameDevice(pair, pair.deviceInterface, 'eth0');
        const mac = deviceSysfs(pair, 'eth0/address');
        configure({ interface: 'eth0', interface_mac: mac });
        const first = await watchdog(['check']);
        seen.note('tick 1', `${describeRun(first)}, ${stateOf(world.dbPath, 'eth0')?.last_state ?? 'none'}`);
        pair.ip(pair.device, 'link', 'del', 'eth0');
        // Another pair, made inside the device namespace (both ends there): an interface the config does not mean.
        pair.ip(pair.device, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'other0');
        pair.ip(pair.device, 'link', 'set', 'dev', 'other0', 'up');
        pair.ip(pair.device, 'link', 'set', 'dev', 'eth0', 'up');
        await carrierUp(pair, 'eth0');
        const stranger = deviceSysfs(pair, 'eth0/address');
        assert.notEqual(stranger, mac, 'precondition: the new eth0 has another MAC');
        const flapsBefore = deviceSysfs(pair, 'eth0/carrier_changes');

        const run = await watchdog(['check']);
        const state = stateOf(world.dbPath, 'eth0');
        const events = eventsOf(world.dbPath);
        const rung = events.find((event) => event.kind === 'rung');
        const flapsAfter = deviceSysfs(pair, 'eth0/carrier_changes');
        seen.note('tick 2', describeRun(run));
        seen.note('state', `${state?.last_state ?? 'none'}: ${state?.last_reason ?? ''}`);
        seen.note('events', describeEvents(events));
        seen.note('rung', (rung?.detail ?? 'none').split('; then:')[0]);
        seen.note('the new eth0 carrier changes', `${flapsBefore} before, ${flapsAfter} after`);
        assert.equal(state?.last_state, 'missing');
        assert.match(state.last_reason ?? '', new RegExp(`^the interface with MAC ${mac} is gone`));
        assert.match(rung?.detail ?? '', /^no interface has the MAC in network\.interface_mac: nothing to bounce/);
        assert.equal(flapsAfter, flapsBefore, 'the new eth0 was never set down');
        assert.equal(run.code, 1);
      },
    ));
});
