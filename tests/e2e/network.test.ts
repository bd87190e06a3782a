// End-to-end tests of the network self-heal ladder: the built watchdog runs `check -v`
// inside the device namespace of a veth pair this file creates (tests/helpers/network-namespace.ts),
// the test breaks the link from outside, and the exit code, what was printed, the audit
// database and the file a reboot stub appends to tell what happened. Nothing here touches
// an interface of the machine or sends a packet outside the pair; every reboot is a stub.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { NetworkEventRow } from '../../src/network/store/read-network-events.js';
import type { NetworkStateRow } from '../../src/network/store/read-network-state.js';
import { createNetworkPair, firstLineOf, spawnInNamespace, type NetworkPair } from '../helpers/network-namespace.js';
import { runWatchdog, type RunResult } from '../helpers/run-watchdog.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const LISTEN = fileURLToPath(new URL('../fixtures/listen.mjs', import.meta.url));

/** Stops a test that hangs instead of letting it block the run; never an assertion on speed. */
const hangGuard = { timeout: 60_000 };

/** How long the watchdog waits after a rung before it looks again: veth carrier changes are quick. */
const SETTLE_SECONDS = 0.3;

/** A port nothing listens on in the fresh peer namespace: a TCP probe there is refused at once. */
const CLOSED_PORT = 9;

const BOOT_ID = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();

/** Single-quotes a word for /bin/sh. */
function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** A fresh temp folder holding the config, the database, the logs and the reboot stub's record. */
interface Scenario {
  pair: NetworkPair;
  dir: string;
  configPath: string;
  dbPath: string;
  /** The reboot stub appends a line here each time it runs. */
  rebootLog: string;
}

function startScenario(): Scenario {
  const dir = makeTempDir('watchdog-network-');
  return {
    pair: createNetworkPair(),
    dir,
    configPath: join(dir, 'config.json'),
    dbPath: join(dir, 'watchdog.db'),
    rebootLog: join(dir, 'reboots.log'),
  };
}

/**
 * Writes the scenario's config.json: no processes, everything inside the temp folder, and
 * a `network` section on the pair's device end that acts on the first failed check.
 * `configfs_root` points into the temp folder, so the USB guard never sees the machine's own gadgets.
 */
function writeNetworkConfig(scenario: Scenario, network: Record<string, unknown>): void {
  const config = {
    db_path: scenario.dbPath,
    log_dir: join(scenario.dir, 'logs'),
    processes: {},
    network: {
      interface: scenario.pair.deviceInterface,
      consecutive_failures_threshold: 1,
      interval_minutes: 0,
      configfs_root: join(scenario.dir, 'configfs'),
      ...network,
    },
  };
  writeFileSync(scenario.configPath, `${JSON.stringify(config, null, 2)}\n`);
}

/** A reboot that only records it ran, plus any other `reboot` settings. */
function rebootStub(scenario: Scenario, settings: Record<string, unknown> = {}): Record<string, unknown> {
  return { command: `echo rebooted >> ${shellQuote(scenario.rebootLog)}`, timeout_seconds: 10, ...settings };
}

function bounceRung(): Record<string, unknown> {
  return { type: 'bounce', down_seconds: 0.1, settle_seconds: SETTLE_SECONDS };
}

function commandRung(name: string, command: string): Record<string, unknown> {
  return { type: 'command', name, command, timeout_seconds: 10, settle_seconds: SETTLE_SECONDS };
}

/** `watchdog check -v -c CONFIG` inside the device namespace, from `/`, as cron would run it there. */
function checkInDevice(scenario: Scenario): Promise<RunResult> {
  return watchdogInDevice(scenario, ['check', '-v', '-c', scenario.configPath]);
}

/** Runs `watchdog ARGS` inside the device's network namespace (whose /sys `ip netns exec` mounts). */
function watchdogInDevice(scenario: Scenario, args: string[]): Promise<RunResult> {
  return runWatchdog(args, { cwd: '/', wrapper: scenario.pair.execArgv(scenario.pair.device, []) });
}

function readDb<T>(dbPath: string, read: (db: Database.Database) => T): T {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

function eventsIn(scenario: Scenario): NetworkEventRow[] {
  return readDb(scenario.dbPath, (db) =>
    db.prepare<[], NetworkEventRow>('SELECT * FROM network_events ORDER BY id').all(),
  );
}

function stateIn(scenario: Scenario): NetworkStateRow | undefined {
  return readDb(scenario.dbPath, (db) =>
    db
      .prepare<[string], NetworkStateRow>('SELECT * FROM network_state WHERE interface = ?')
      .get(scenario.pair.deviceInterface),
  );
}

/** Each event as `kind rung outcome`, for one readable comparison of a whole sequence. */
function summarize(events: readonly NetworkEventRow[]): string[] {
  return events.map((event) => [event.kind, event.rung ?? '-', event.outcome ?? '-'].join(' '));
}

/** The lines the reboot stub wrote; none when it never ran. */
function rebootLines(scenario: Scenario): string[] {
  if (!existsSync(scenario.rebootLog)) return [];
  return readFileSync(scenario.rebootLog, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}

/** What `ip -j link show` says of an interface. */
interface LinkInfo {
  flags: string[];
  operstate: string;
}

function linkOf(pair: NetworkPair, namespace: string, name: string): LinkInfo {
  const [info] = JSON.parse(pair.ip(namespace, '-j', 'link', 'show', 'dev', name)) as LinkInfo[];
  if (info === undefined) throw new Error(`ip printed nothing for ${name} in ${namespace}`);
  return info;
}

function ipv4Of(pair: NetworkPair, namespace: string, name: string): string[] {
  const [info] = JSON.parse(pair.ip(namespace, '-j', '-4', 'addr', 'show', 'dev', name)) as {
    addr_info: { local: string; prefixlen: number }[];
  }[];
  return (info?.addr_info ?? []).map((address) => `${address.local}/${address.prefixlen}`);
}

/** Polls until `condition` holds; throws after 15 s. A bounded wait for the kernel, not a timing assertion. */
async function waitFor(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(20);
  }
}

/** Sets the far end down and waits until the device end has lost its carrier. */
async function pullPeerCable(pair: NetworkPair): Promise<void> {
  pair.ip(pair.peer, 'link', 'set', 'dev', pair.peerInterface, 'down');
  await waitFor(`no carrier on ${pair.deviceInterface}`, () =>
    linkOf(pair, pair.device, pair.deviceInterface).flags.includes('NO-CARRIER'),
  );
}

/** The shell command a rung runs to bring the far end back (it acts on the test's peer namespace only). */
function peerUpCommand(pair: NetworkPair): string {
  return `ip -n ${shellQuote(pair.peer)} link set dev ${shellQuote(pair.peerInterface)} up`;
}

/** Asserts every event carries this boot's id. */
function assertThisBoot(events: readonly NetworkEventRow[]): void {
  assert.ok(events.length > 0, 'there are events');
  for (const event of events)
    assert.equal(event.boot_id, BOOT_ID, `event ${event.id} (${event.kind}) has this boot's id`);
}

/** A ladder that fails on a link whose far end is down: the only rung's command exits 1. */
const FAILING_LADDER = [commandRung('give-up', 'false')];

describe('watchdog check: the network ladder, end to end in a network namespace', () => {
  it('heals a lost carrier with the second rung and records which rung healed it', hangGuard, async () => {
    const scenario = startScenario();
    const { pair } = scenario;
    writeNetworkConfig(scenario, {
      ladder: [commandRung('noop', 'true'), commandRung('peer-up', peerUpCommand(pair))],
    });
    await pullPeerCable(pair);

    const result = await checkInDevice(scenario);

    assert.equal(result.code, 0, `a healed link is exit 0; stderr: ${result.stderr}`);
    assert.equal(result.stderr, '', 'a healed link prints nothing on stderr');
    assert.match(result.stdout, /^network wdeth0: no_carrier: no carrier on wdeth0/m);
    assert.match(result.stdout, /^ {2}rung noop: .*; link then no_carrier$/m);
    assert.match(result.stdout, /^ {2}rung peer-up: .*; link then up \(healed\)$/m);
    assert.match(result.stdout, /^ {2}ladder: healed by peer-up$/m);
    const events = eventsIn(scenario);
    assert.deepEqual(summarize(events), [
      'link_down - no_carrier',
      'ladder_start - no_carrier',
      'rung noop not_healed',
      'rung peer-up healed',
      'ladder_end peer-up healed',
      'link_up peer-up up',
    ]);
    const ladderId = events[1]?.id;
    assert.deepEqual(
      events.slice(2).map((event) => event.ladder_id),
      [ladderId, ladderId, ladderId, ladderId],
      'the rungs, the end and the link back belong to the ladder run',
    );
    assert.equal(events[2]?.exit_code, 0);
    assertThisBoot(events);
    const state = stateIn(scenario);
    assert.deepEqual(
      {
        state: state?.last_state,
        healedBy: state?.last_healed_by,
        outcome: state?.last_ladder_outcome,
        failures: state?.consecutive_failures,
      },
      { state: 'up', healedBy: 'peer-up', outcome: 'healed', failures: 0 },
    );
    assert.ok(!linkOf(pair, pair.device, pair.deviceInterface).flags.includes('NO-CARRIER'), 'the carrier is back');

    const next = await checkInDevice(scenario);
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stdout, /^network wdeth0: up: wdeth0 up, /m);
    assert.equal(eventsIn(scenario).length, events.length, 'a healthy tick after the heal records nothing new');
  });

  it('check --dry-run tells what the ladder would do, and changes nothing', hangGuard, async () => {
    const scenario = startScenario();
    const { pair } = scenario;
    writeNetworkConfig(scenario, { ladder: [commandRung('peer-up', peerUpCommand(pair))] });
    await pullPeerCable(pair);

    const result = await watchdogInDevice(scenario, ['check', '--dry-run', '-c', scenario.configPath]);

    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(
      lines[0],
      `dry run of ${scenario.configPath}: the checks and probes are asked; nothing is started, stopped, recorded or logged`,
    );
    assert.match(
      lines[1] ?? '',
      /^network wdeth0: no_carrier: no carrier on wdeth0 .*→ would climb the ladder \(1 consecutive failed check/,
    );
    assert.match(lines[2] ?? '', /^ {2}1\. /);
    assert.ok(linkOf(pair, pair.device, pair.deviceInterface).flags.includes('NO-CARRIER'), 'no rung ran');
    assert.equal(existsSync(scenario.dbPath), false, 'no audit log was written');
  });

  it('brings an interface that was set down back with a bounce', hangGuard, async () => {
    const scenario = startScenario();
    const { pair } = scenario;
    writeNetworkConfig(scenario, { ladder: [bounceRung(), commandRung('give-up', 'false')] });
    pair.ip(pair.device, 'link', 'set', 'dev', pair.deviceInterface, 'down');
    await waitFor(
      `${pair.deviceInterface} to be down`,
      () => !linkOf(pair, pair.device, pair.deviceInterface).flags.includes('UP'),
    );

    const result = await checkInDevice(scenario);

    assert.equal(result.code, 0, `stderr: ${result.stderr}`);
    assert.match(result.stdout, /^network wdeth0: admin_down: interface wdeth0 is set down$/m);
    assert.match(result.stdout, /^ {2}rung bounce: set wdeth0 down for 0\.1s, then up; link then up \(healed\)$/m);
    assert.doesNotMatch(result.stdout, /rung give-up/, 'the rung after the healing one does not run');
    const events = eventsIn(scenario);
    assert.deepEqual(summarize(events), [
      'link_down - admin_down',
      'ladder_start - admin_down',
      'link_set_down - up',
      'rung bounce healed',
      'ladder_end bounce healed',
      'link_up bounce up',
    ]);
    assertThisBoot(events);
    assert.equal(stateIn(scenario)?.last_healed_by, 'bounce');
    const link = linkOf(pair, pair.device, pair.deviceInterface);
    assert.ok(
      link.flags.includes('UP') && link.flags.includes('LOWER_UP'),
      `wdeth0 is up again: ${link.flags.join(',')}`,
    );
    assert.deepEqual(ipv4Of(pair, pair.device, pair.deviceInterface), [pair.deviceCidr], 'the bounce kept its address');
  });

  it('restores a lost address with a command after a bounce that cannot', hangGuard, async () => {
    const scenario = startScenario();
    const { pair } = scenario;
    const addAddress = `ip -n ${shellQuote(pair.device)} addr add ${shellQuote(pair.deviceCidr)} dev ${shellQuote(pair.deviceInterface)}`;
    writeNetworkConfig(scenario, { ladder: [bounceRung(), commandRung('readdress', addAddress)] });
    pair.ip(pair.device, 'addr', 'flush', 'dev', pair.deviceInterface);
    assert.deepEqual(ipv4Of(pair, pair.device, pair.deviceInterface), [], 'the address is gone');

    const result = await checkInDevice(scenario);

    assert.equal(result.code, 0, `stderr: ${result.stderr}`);
    assert.match(result.stdout, /^network wdeth0: no_ipv4: carrier up on wdeth0 but no IPv4 address/m);
    assert.match(result.stdout, /^ {2}rung bounce: .*; link then no_ipv4$/m);
    assert.match(result.stdout, /^ {2}ladder: healed by readdress$/m);
    const events = eventsIn(scenario);
    assert.deepEqual(summarize(events), [
      'link_down - no_ipv4',
      'ladder_start - no_ipv4',
      'link_set_down - up',
      'rung bounce not_healed',
      'rung readdress healed',
      'ladder_end readdress healed',
      'link_up readdress up',
    ]);
    assertThisBoot(events);
    assert.equal(stateIn(scenario)?.last_healed_by, 'readdress');
    assert.deepEqual(ipv4Of(pair, pair.device, pair.deviceInterface), [pair.deviceCidr]);
  });

  it('reboots once when every rung fails, and not again within the cooldown', hangGuard, async () => {
    const scenario = startScenario();
    const { pair } = scenario;
    writeNetworkConfig(scenario, {
      ladder: [bounceRung(), commandRung('give-up', 'false')],
      max_failures: 1,
      reboot: rebootStub(scenario),
    });
    await pullPeerCable(pair);

    const first = await checkInDevice(scenario);

    assert.equal(first.code, 1, `a ladder that did not heal is exit 1; stdout: ${first.stdout}`);
    assert.deepEqual(rebootLines(scenario), ['rebooted'], 'the reboot stub ran exactly once');
    assert.match(
      first.stderr,
      /^watchdog: network wdeth0: the ladder did not heal the link \(failed\): no carrier on wdeth0/m,
    );
    assert.match(
      first.stderr,
      /^watchdog: network wdeth0: reboot: requested: 1 consecutive failed ladder runs \(max_failures 1\)/m,
    );
    assert.match(first.stdout, /^ {2}rung bounce: .*; link then no_carrier$/m);
    assert.match(first.stdout, /^ {2}rung give-up: .*; link then no_carrier$/m);
    assert.match(first.stdout, /^ {2}reboot: requested: /m);
    const afterFirst = eventsIn(scenario);
    assert.deepEqual(summarize(afterFirst), [
      'link_down - no_carrier',
      'ladder_start - no_carrier',
      'link_set_down - up',
      'rung bounce not_healed',
      'rung give-up failed',
      'ladder_end - failed',
      'reboot - requested',
    ]);
    assert.equal(afterFirst[4]?.exit_code, 1, 'the failing rung recorded its exit code');
    assertThisBoot(afterFirst);

    const second = await checkInDevice(scenario);

    assert.equal(second.code, 1, `stdout: ${second.stdout}`);
    assert.deepEqual(rebootLines(scenario), ['rebooted'], 'no second reboot within the cooldown');
    assert.match(second.stdout, /^ {2}reboot: held by cooldown: the last reboot was .* ago; the cooldown is 60m 00s/m);
    assert.match(second.stderr, /^watchdog: network wdeth0: reboot: held by cooldown: /m);
    const added = eventsIn(scenario).slice(afterFirst.length);
    assert.deepEqual(summarize(added), [
      'ladder_start - no_carrier',
      'link_set_down - up',
      'rung bounce not_healed',
      'rung give-up failed',
      'ladder_end - failed',
      'reboot_held cooldown held',
    ]);
    assert.equal(eventsIn(scenario).filter((event) => event.kind === 'reboot').length, 1);
    assert.equal(stateIn(scenario)?.failed_ladder_runs, 2);
  });

  describe('the USB mass-storage guard', () => {
    const ISO = '/var/lib/kvmd/msd/images/debian-12.iso';

    /** A fake configfs tree: gadget `kvmd` presenting `ISO` on lun.0, bound to `udc` (empty: unbound). */
    function writeGadget(scenario: Scenario, udc: string): void {
      const gadget = join(scenario.dir, 'configfs', 'usb_gadget', 'kvmd');
      const lun = join(gadget, 'functions', 'mass_storage.usb0', 'lun.0');
      mkdirSync(lun, { recursive: true });
      writeFileSync(join(lun, 'file'), `${ISO}\n`);
      writeFileSync(join(gadget, 'UDC'), `${udc}\n`);
    }

    it('holds the reboot while a gadget presents a disk image', hangGuard, async () => {
      const scenario = startScenario();
      writeNetworkConfig(scenario, { ladder: FAILING_LADDER, max_failures: 1, reboot: rebootStub(scenario) });
      writeGadget(scenario, 'fe800000.usb');
      await pullPeerCable(scenario.pair);

      const result = await checkInDevice(scenario);

      assert.equal(result.code, 1, `stdout: ${result.stdout}`);
      assert.deepEqual(rebootLines(scenario), [], 'no reboot while the ISO is presented');
      const held = /^ {2}reboot: held by usb_mass_storage: a USB mass-storage gadget is in use: (.*)$/m.exec(
        result.stdout,
      );
      assert.ok(held !== null, `stdout says the USB guard held the reboot: ${result.stdout}`);
      assert.ok(held[1]?.includes(ISO), `it names the ISO: ${held[1]}`);
      assert.ok(held[1]?.includes('fe800000.usb'), `and the controller: ${held[1]}`);
      assert.match(result.stderr, /^watchdog: network wdeth0: reboot: held by usb_mass_storage: .*debian-12\.iso/m);
      const events = eventsIn(scenario);
      const heldEvents = events.filter((event) => event.kind === 'reboot_held');
      assert.deepEqual(
        heldEvents.map((event) => event.rung),
        ['usb_mass_storage'],
      );
      assert.ok(heldEvents[0]?.detail?.includes(ISO), `the event names the ISO: ${heldEvents[0]?.detail}`);
      assert.equal(events.filter((event) => event.kind === 'reboot').length, 0);
    });

    it('holds it by default even when the gadget is not bound to a controller', hangGuard, async () => {
      const scenario = startScenario();
      writeNetworkConfig(scenario, { ladder: FAILING_LADDER, max_failures: 1, reboot: rebootStub(scenario) });
      writeGadget(scenario, '');
      await pullPeerCable(scenario.pair);

      const result = await checkInDevice(scenario);

      assert.equal(result.code, 1, `stdout: ${result.stdout}`);
      assert.deepEqual(rebootLines(scenario), []);
      assert.match(
        result.stdout,
        /^ {2}reboot: held by usb_mass_storage: .*debian-12\.iso \(not bound to a USB controller\)$/m,
      );
    });

    it('lets the reboot through with only_when_bound when the gadget is not bound', hangGuard, async () => {
      const scenario = startScenario();
      writeNetworkConfig(scenario, {
        ladder: FAILING_LADDER,
        max_failures: 1,
        reboot: rebootStub(scenario, { usb_guard: { only_when_bound: true } }),
      });
      writeGadget(scenario, '');
      await pullPeerCable(scenario.pair);

      const result = await checkInDevice(scenario);

      assert.equal(result.code, 1, `stdout: ${result.stdout}`);
      assert.deepEqual(rebootLines(scenario), ['rebooted']);
      assert.match(result.stderr, /^watchdog: network wdeth0: reboot: requested: /m);
      const events = eventsIn(scenario);
      assert.deepEqual(
        events
          .filter((event) => event.kind === 'reboot' || event.kind === 'reboot_held')
          .map((event) => `${event.kind} ${event.outcome}`),
        ['reboot requested'],
      );
    });
  });

  describe('the reachability veto', () => {
    /** Alive probes that fail with the carrier up: nothing listens on that port of the peer. */
    function aliveProbes(pair: NetworkPair): Record<string, unknown> {
      return { probes: [{ type: 'tcp', host: pair.peerAddress, port: CLOSED_PORT, timeout_seconds: 2 }] };
    }

    it('holds the reboot when the veto probe (ICMP to the peer) answers', hangGuard, async () => {
      const scenario = startScenario();
      const { pair } = scenario;
      writeNetworkConfig(scenario, {
        alive: aliveProbes(pair),
        ladder: [commandRung('noop', 'true')],
        max_failures: 1,
        reboot: rebootStub(scenario, {
          veto_if_reachable: { probes: [{ type: 'icmp', host: pair.peerAddress, timeout_seconds: 2 }] },
        }),
      });

      const result = await checkInDevice(scenario);

      assert.equal(result.code, 1, `stdout: ${result.stdout}`);
      assert.match(result.stdout, /^network wdeth0: unreachable: wdeth0 up, .*, but the alive probes failed: /m);
      assert.match(
        result.stdout,
        /^ {2}reboot: held by reachable: the network is not the problem, the veto probes answer: .*icmp /m,
      );
      assert.match(result.stderr, /^watchdog: network wdeth0: reboot: held by reachable: /m);
      assert.deepEqual(rebootLines(scenario), []);
      assert.deepEqual(summarize(eventsIn(scenario)), [
        'link_down - unreachable',
        'ladder_start - unreachable',
        'rung noop not_healed',
        'ladder_end - failed',
        'reboot_held reachable held',
      ]);
    });

    it('holds the reboot when a TCP server in the peer namespace answers the veto probe', hangGuard, async () => {
      const scenario = startScenario();
      const { pair } = scenario;
      const server = spawnInNamespace(pair, pair.peer, [process.execPath, LISTEN, 'tcp', pair.peerAddress]);
      const port = Number(await firstLineOf(server));
      writeNetworkConfig(scenario, {
        alive: aliveProbes(pair),
        ladder: [commandRung('noop', 'true')],
        max_failures: 1,
        reboot: rebootStub(scenario, {
          veto_if_reachable: { probes: [{ type: 'tcp', host: pair.peerAddress, port, timeout_seconds: 2 }] },
        }),
      });

      const result = await checkInDevice(scenario);

      assert.equal(result.code, 1, `stdout: ${result.stdout}`);
      assert.match(
        result.stdout,
        new RegExp(
          `^ {2}reboot: held by reachable: .*tcp ${pair.peerAddress.replaceAll('.', '\\.')}:${port} connected`,
          'm',
        ),
      );
      assert.deepEqual(rebootLines(scenario), []);
      assert.deepEqual(
        eventsIn(scenario)
          .filter((event) => event.kind === 'reboot_held' || event.kind === 'reboot')
          .map((event) => `${event.kind} ${event.rung}`),
        ['reboot_held reachable'],
      );
    });

    it('reboots when the veto probes do not answer either', hangGuard, async () => {
      const scenario = startScenario();
      const { pair } = scenario;
      writeNetworkConfig(scenario, {
        alive: aliveProbes(pair),
        ladder: [commandRung('noop', 'true')],
        max_failures: 1,
        reboot: rebootStub(scenario, { veto_if_reachable: aliveProbes(pair) }),
      });

      const result = await checkInDevice(scenario);

      assert.equal(result.code, 1, `stdout: ${result.stdout}`);
      assert.deepEqual(rebootLines(scenario), ['rebooted']);
      assert.match(result.stderr, /^watchdog: network wdeth0: reboot: requested: .*the veto probes do not answer/m);
    });
  });

  it('holds the reboot while the maintenance flag exists, and reboots once it is removed', hangGuard, async () => {
    const scenario = startScenario();
    const flag = join(scenario.dir, 'maintenance');
    writeFileSync(flag, 'upgrading\n');
    writeNetworkConfig(scenario, {
      ladder: FAILING_LADDER,
      max_failures: 1,
      reboot: rebootStub(scenario, { maintenance_flag: flag }),
    });
    await pullPeerCable(scenario.pair);

    const held = await checkInDevice(scenario);

    assert.equal(held.code, 1, `stdout: ${held.stdout}`);
    assert.deepEqual(rebootLines(scenario), []);
    assert.ok(
      held.stdout.includes(`  reboot: held by maintenance_flag: the maintenance flag ${flag} exists`),
      `stdout: ${held.stdout}`,
    );
    assert.ok(
      held.stderr.includes(`reboot: held by maintenance_flag: the maintenance flag ${flag} exists`),
      `stderr: ${held.stderr}`,
    );
    assert.deepEqual(
      eventsIn(scenario)
        .filter((event) => event.kind === 'reboot_held')
        .map((event) => event.rung),
      ['maintenance_flag'],
    );

    rmSync(flag);
    const rebooted = await checkInDevice(scenario);

    assert.equal(rebooted.code, 1, `stdout: ${rebooted.stdout}`);
    assert.deepEqual(rebootLines(scenario), ['rebooted']);
    assert.match(rebooted.stderr, /^watchdog: network wdeth0: reboot: requested: 2 consecutive failed ladder runs/m);
    assert.deepEqual(
      eventsIn(scenario)
        .filter((event) => event.kind === 'reboot_held' || event.kind === 'reboot')
        .map((event) => `${event.kind} ${event.outcome}`),
      ['reboot_held held', 'reboot requested'],
    );
  });

  it('does nothing about an interface that never existed: no ladder, no reboot', hangGuard, async () => {
    const scenario = startScenario();
    writeNetworkConfig(scenario, {
      interface: 'wdnope0',
      ladder: FAILING_LADDER,
      max_failures: 1,
      reboot: rebootStub(scenario),
    });

    const stderrs: string[] = [];
    for (const tick of [1, 2]) {
      const result = await checkInDevice(scenario);
      assert.equal(result.code, 0, `tick ${tick}: stderr: ${result.stderr}`);
      assert.match(
        result.stdout,
        /^network wdnope0: check_error: interface wdnope0 does not exist and was never seen by this watchdog/m,
        `tick ${tick}`,
      );
      assert.doesNotMatch(result.stdout, /rung|ladder|reboot/, `tick ${tick}: no ladder, no reboot`);
      stderrs.push(result.stderr);
    }
    // Cron mails it once, when it starts, not every minute.
    assert.match(
      stderrs[0] ?? '',
      /^watchdog: network wdnope0: cannot be checked, so the ladder does nothing: interface wdnope0 does not exist/m,
    );
    assert.equal(stderrs[1], '');

    assert.deepEqual(rebootLines(scenario), []);
    const events = eventsIn(scenario);
    assert.deepEqual(
      summarize(events),
      ['check_error - check_error'],
      'one event for the change of state, none for the repeat',
    );
    assert.equal(events[0]?.interface, 'wdnope0');
    const state = readDb(scenario.dbPath, (db) =>
      db.prepare<[], NetworkStateRow>("SELECT * FROM network_state WHERE interface = 'wdnope0'").get(),
    );
    assert.deepEqual(
      {
        state: state?.last_state,
        failures: state?.consecutive_failures,
        ladder: state?.last_ladder_at,
        seen: state?.seen_at,
      },
      { state: 'check_error', failures: 0, ladder: null, seen: null },
    );
  });

  it('validate warns about an interface this machine does not have, and not about one it has', hangGuard, async () => {
    const scenario = startScenario();
    writeNetworkConfig(scenario, { interface: 'wdnope0', ladder: FAILING_LADDER });
    const missing = await watchdogInDevice(scenario, ['validate', '-c', scenario.configPath]);
    assert.equal(missing.code, 0, missing.stderr);
    assert.match(missing.stdout, /^OK: .*\(0 processes, network wdnope0: 1 rung, never reboots\)$/m);
    assert.match(
      missing.stderr,
      /^warning: network\.interface: wdnope0 does not exist on this machine \(this machine has: lo, wdeth0\); until it does, the ladder does nothing$/m,
    );

    writeNetworkConfig(scenario, { ladder: FAILING_LADDER, reboot: rebootStub(scenario) });
    const present = await watchdogInDevice(scenario, ['validate', '-c', scenario.configPath]);
    assert.equal(present.code, 0, present.stderr);
    assert.equal(present.stderr, '');
    assert.match(present.stdout, /^OK: .*\(0 processes, network wdeth0: 1 rung, may reboot, guarded\)$/m);
  });

  it('runs the ladder at most every interval_minutes, and says when it last ran', hangGuard, async () => {
    const scenario = startScenario();
    writeNetworkConfig(scenario, {
      interval_minutes: 60,
      ladder: [commandRung('noop', 'true')],
      max_failures: 5,
      reboot: rebootStub(scenario),
    });
    await pullPeerCable(scenario.pair);

    const first = await checkInDevice(scenario);
    assert.equal(first.code, 1, `stdout: ${first.stdout}`);
    assert.match(first.stdout, /^ {2}ladder: failed$/m);

    const second = await checkInDevice(scenario);

    assert.equal(second.code, 0, `a tick that waits for the interval is exit 0; stderr: ${second.stderr}`);
    assert.match(second.stdout, /^network wdeth0: no_carrier: /m);
    assert.match(
      second.stdout,
      /^ {2}ladder: not now: 2 consecutive failed checks, threshold 1; the ladder ran [\d.]+m?s ago and runs at most every 60m 00s \(next in 59m \d\ds\)$/m,
    );
    assert.doesNotMatch(second.stdout, /rung noop/);
    const events = eventsIn(scenario);
    assert.equal(events.filter((event) => event.kind === 'ladder_start').length, 1, 'no second ladder run');
    assert.equal(events.filter((event) => event.kind === 'rung').length, 1);
    assert.deepEqual(rebootLines(scenario), []);
    assert.equal(stateIn(scenario)?.consecutive_failures, 2);
  });
});
