import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NETWORK_DEFAULTS } from '../../../src/network/config/network-defaults.js';
import type { NetworkConfig } from '../../../src/network/config/network-types.js';
import { validateConfig } from '../../../src/config/validate-config.js';
import { webProcessEntry } from '../../helpers/process-config.js';

const CONFIG_PATH = '/srv/watchdog/config.json';

const PROCESSES = { web: webProcessEntry() };

/** Loads a config with this `network` section; fails when it does not load. */
function networkOf(network: Record<string, unknown>): NetworkConfig {
  const result = validateConfig({ processes: PROCESSES, network }, CONFIG_PATH);
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.warnings, []);
  assert.ok(result.config?.network, 'the network section must load');
  return result.config.network;
}

/** The errors of a config with this `network` section, sorted; fails when it loads. */
function errorsOf(network: unknown): string[] {
  const result = validateConfig({ processes: PROCESSES, network }, CONFIG_PATH);
  assert.equal(result.config, undefined, 'a config with errors must not load');
  return [...result.errors].sort();
}

const REBOOT = { command: '/usr/local/bin/test-reboot-stub' };

describe('network config: defaults', () => {
  it('fills every default of a section with just an interface: one bounce rung, no reboot', () => {
    assert.deepEqual(networkOf({ interface: 'eth0' }), {
      interface: 'eth0',
      interface_mac: undefined,
      require_ipv4: true,
      allow_link_local: false,
      require_ipv6: false,
      alive: undefined,
      consecutive_failures_threshold: 2,
      interval_minutes: 5,
      ladder_timeout_seconds: 600,
      ladder: [{ type: 'bounce', name: 'bounce', down_seconds: 2, settle_seconds: 15 }],
      max_failures: 3,
      reboot: undefined,
      sysfs_root: '/sys',
      configfs_root: '/sys/kernel/config',
    });
  });

  it('the defaults are NETWORK_DEFAULTS', () => {
    const network = networkOf({
      interface: 'eth0',
      reboot: REBOOT,
      ladder: [{ type: 'bounce' }, { type: 'command', name: 'restart', command: 'true' }],
    });
    assert.equal(network.require_ipv4, NETWORK_DEFAULTS.require_ipv4);
    assert.equal(network.allow_link_local, NETWORK_DEFAULTS.allow_link_local);
    assert.equal(network.require_ipv6, NETWORK_DEFAULTS.require_ipv6);
    assert.equal(network.consecutive_failures_threshold, NETWORK_DEFAULTS.consecutive_failures_threshold);
    assert.equal(network.interval_minutes, NETWORK_DEFAULTS.interval_minutes);
    assert.equal(network.ladder_timeout_seconds, NETWORK_DEFAULTS.ladder_timeout_seconds);
    assert.equal(network.max_failures, NETWORK_DEFAULTS.max_failures);
    assert.deepEqual(network.ladder, [
      {
        type: 'bounce',
        name: 'bounce',
        down_seconds: NETWORK_DEFAULTS.bounce_down_seconds,
        settle_seconds: NETWORK_DEFAULTS.settle_seconds,
      },
      {
        type: 'command',
        name: 'restart',
        command: 'true',
        timeout_seconds: NETWORK_DEFAULTS.rung_timeout_seconds,
        settle_seconds: NETWORK_DEFAULTS.settle_seconds,
      },
    ]);
    assert.equal(network.reboot?.timeout_seconds, NETWORK_DEFAULTS.reboot_timeout_seconds);
    assert.equal(network.reboot.cooldown_seconds, NETWORK_DEFAULTS.cooldown_seconds);
    assert.equal(network.reboot.max_per_day, NETWORK_DEFAULTS.max_per_day);
  });

  it('a reboot section: cooldown, daily limit and the USB guard on by default, no flag, no veto probes', () => {
    assert.deepEqual(networkOf({ interface: 'eth0', reboot: REBOOT }).reboot, {
      command: REBOOT.command,
      timeout_seconds: 60,
      cooldown_seconds: 3600,
      max_per_day: 3,
      maintenance_flag: undefined,
      usb_guard: { enabled: true, gadget_dir: '/sys/kernel/config/usb_gadget', only_when_bound: false },
      veto_if_reachable: undefined,
    });
  });

  it('the USB guard looks under configfs_root', () => {
    const network = networkOf({ interface: 'eth0', configfs_root: '/mnt/configfs', reboot: REBOOT });
    assert.equal(network.configfs_root, '/mnt/configfs');
    assert.equal(network.reboot?.usb_guard.gadget_dir, '/mnt/configfs/usb_gadget');
  });

  it('resolves relative paths against the config folder (and gadget_dir against configfs_root)', () => {
    const network = networkOf({
      interface: 'eth0',
      sysfs_root: 'fake/sys',
      configfs_root: 'fake/configfs',
      reboot: { ...REBOOT, maintenance_flag: 'run/maintenance', usb_guard: { gadget_dir: 'usb_gadget/kvm' } },
    });
    assert.equal(network.sysfs_root, '/srv/watchdog/fake/sys');
    assert.equal(network.configfs_root, '/srv/watchdog/fake/configfs');
    assert.equal(network.reboot?.maintenance_flag, '/srv/watchdog/run/maintenance');
    assert.equal(network.reboot.usb_guard.gadget_dir, '/srv/watchdog/fake/configfs/usb_gadget/kvm');
  });

  it('keeps absolute paths as written', () => {
    const network = networkOf({
      interface: 'eth0',
      sysfs_root: '/sys',
      reboot: {
        ...REBOOT,
        maintenance_flag: '/run/watchdog/maintenance',
        usb_guard: { gadget_dir: '/sys/kernel/config/usb_gadget/g1' },
      },
    });
    assert.equal(network.sysfs_root, '/sys');
    assert.equal(network.reboot?.maintenance_flag, '/run/watchdog/maintenance');
    assert.equal(network.reboot.usb_guard.gadget_dir, '/sys/kernel/config/usb_gadget/g1');
  });

  it('probe sets: mode any, timeout 3 s and HTTP 200 by default; the order kept', () => {
    const network = networkOf({
      interface: 'eth0',
      alive: {
        probes: [
          { type: 'tcp', host: '127.0.0.1', port: 53 },
          { type: 'http', url: 'http://127.0.0.1:8080/health' },
          { type: 'icmp', host: '127.0.0.1', timeout_seconds: 1 },
        ],
      },
      reboot: {
        ...REBOOT,
        veto_if_reachable: {
          mode: 'all',
          probes: [{ type: 'http', url: 'https://127.0.0.1/', expect_status: 204, timeout_seconds: 5 }],
        },
      },
    });
    assert.deepEqual(network.alive, {
      mode: 'any',
      probes: [
        { type: 'tcp', host: '127.0.0.1', port: 53, timeout_seconds: 3 },
        { type: 'http', url: 'http://127.0.0.1:8080/health', expect_status: 200, timeout_seconds: 3 },
        { type: 'icmp', host: '127.0.0.1', timeout_seconds: 1 },
      ],
    });
    assert.deepEqual(network.reboot?.veto_if_reachable, {
      mode: 'all',
      probes: [{ type: 'http', url: 'https://127.0.0.1/', expect_status: 204, timeout_seconds: 5 }],
    });
  });

  it('an empty ladder stays empty (no default rung slipped in)', () => {
    assert.deepEqual(networkOf({ interface: 'eth0', ladder: [] }).ladder, []);
  });

  it('keeps what is written over the defaults', () => {
    const network = networkOf({
      interface: 'wlan0',
      require_ipv4: false,
      consecutive_failures_threshold: 4,
      interval_minutes: 0,
      ladder_timeout_seconds: 30,
      max_failures: 1,
      ladder: [{ type: 'bounce', name: 'flap', down_seconds: 0, settle_seconds: 0 }],
      reboot: {
        ...REBOOT,
        timeout_seconds: 5,
        cooldown_seconds: 0,
        max_per_day: 10,
        usb_guard: { enabled: false, only_when_bound: true },
      },
    });
    assert.equal(network.interface, 'wlan0');
    assert.equal(network.require_ipv4, false);
    assert.equal(network.consecutive_failures_threshold, 4);
    assert.equal(network.interval_minutes, 0);
    assert.equal(network.ladder_timeout_seconds, 30);
    assert.equal(network.max_failures, 1);
    assert.deepEqual(network.ladder, [{ type: 'bounce', name: 'flap', down_seconds: 0, settle_seconds: 0 }]);
    assert.deepEqual(network.reboot?.usb_guard, {
      enabled: false,
      gadget_dir: '/sys/kernel/config/usb_gadget',
      only_when_bound: true,
    });
    assert.equal(network.reboot.cooldown_seconds, 0);
    assert.equal(network.reboot.max_per_day, 10);
    assert.equal(network.reboot.timeout_seconds, 5);
  });

  it('takes the uplink by MAC (in lower case, with colons) and allows link-local addresses when told to', () => {
    const network = networkOf({ interface: 'eth0', interface_mac: '02-00-5E-00-53-0A', allow_link_local: true });
    assert.equal(network.interface, 'eth0');
    assert.equal(network.interface_mac, '02:00:5e:00:53:0a');
    assert.equal(network.allow_link_local, true);
  });

  it('accepts a 15-character interface name', () => {
    assert.equal(networkOf({ interface: 'abcdefghijklmno' }).interface, 'abcdefghijklmno');
  });
});

describe('network config: no network section', () => {
  it('loads with network undefined, no error, no warning', () => {
    const result = validateConfig({ processes: PROCESSES }, CONFIG_PATH);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.warnings, []);
    assert.ok(result.config);
    assert.ok(Object.hasOwn(result.config, 'network'));
    assert.equal(result.config.network, undefined);
  });
});

describe('network config: errors, one `path: message` line each', () => {
  const table: [string, unknown, string[]][] = [
    [
      'an unknown key inside network',
      { interface: 'eth0', maintenance_flg: '/run/m' },
      ['network.maintenance_flg: unknown setting'],
    ],
    [
      'an unknown key inside reboot',
      { interface: 'eth0', reboot: { ...REBOOT, maintenance_flg: '/run/m' } },
      ['network.reboot.maintenance_flg: unknown setting'],
    ],
    [
      'an unknown key inside usb_guard',
      { interface: 'eth0', reboot: { ...REBOOT, usb_guard: { enable: false } } },
      ['network.reboot.usb_guard.enable: unknown setting'],
    ],
    [
      'an unknown key inside a bounce rung',
      { interface: 'eth0', ladder: [{ type: 'bounce', down: 3 }] },
      ['network.ladder[0].down: unknown setting'],
    ],
    [
      'an unknown key inside a command rung',
      {
        interface: 'eth0',
        ladder: [{ type: 'bounce' }, { type: 'command', name: 'nm', command: 'true', cwd: '/tmp' }],
      },
      ['network.ladder[1].cwd: unknown setting'],
    ],
    [
      'an unknown key inside an alive probe',
      { interface: 'eth0', alive: { probes: [{ type: 'icmp', host: '127.0.0.1', port: 7 }] } },
      ['network.alive.probes[0].port: unknown setting'],
    ],
    [
      'an unknown key inside a veto probe',
      {
        interface: 'eth0',
        reboot: {
          ...REBOOT,
          veto_if_reachable: { probes: [{ type: 'tcp', host: '127.0.0.1', port: 53, retries: 2 }] },
        },
      },
      ['network.reboot.veto_if_reachable.probes[0].retries: unknown setting'],
    ],
    [
      'an unknown key inside a probe set',
      { interface: 'eth0', alive: { probes: [{ type: 'icmp', host: '127.0.0.1' }], quorum: 2 } },
      ['network.alive.quorum: unknown setting'],
    ],
    [
      'a rung of unknown type',
      { interface: 'eth0', ladder: [{ type: 'reboot' }] },
      ['network.ladder[0].type: must be one of bounce, command, wol'],
    ],
    [
      'a command rung without a command',
      { interface: 'eth0', ladder: [{ type: 'command', name: 'nm' }] },
      ['network.ladder[0].command: is required'],
    ],
    [
      'a command rung without a name',
      { interface: 'eth0', ladder: [{ type: 'command', command: 'true' }] },
      ['network.ladder[0].name: is required'],
    ],
    [
      'two command rungs of one name',
      {
        interface: 'eth0',
        ladder: [
          { type: 'command', name: 'restart', command: 'a' },
          { type: 'command', name: 'restart', command: 'b' },
        ],
      },
      ['network.ladder[1].name: "restart" is also the name of ladder[0] (give each rung its own name)'],
    ],
    [
      'two bounces left with their default name',
      { interface: 'eth0', ladder: [{ type: 'bounce' }, { type: 'bounce' }] },
      ['network.ladder[1].name: "bounce" is also the name of ladder[0] (give each rung its own name)'],
    ],
    [
      'a command rung named like a default-named bounce',
      { interface: 'eth0', ladder: [{ type: 'bounce' }, { type: 'command', name: 'bounce', command: 'true' }] },
      ['network.ladder[1].name: "bounce" is also the name of ladder[0] (give each rung its own name)'],
    ],
    [
      'an interface name of 16 characters',
      { interface: 'abcdefghijklmnop' },
      ['network.interface: "abcdefghijklmnop" is not an interface name (at most 15 bytes, no "/", ":" or white space)'],
    ],
    [
      'an interface name with a slash',
      { interface: 'eth/0' },
      ['network.interface: "eth/0" is not an interface name (at most 15 bytes, no "/", ":" or white space)'],
    ],
    [
      'an interface name with a space',
      { interface: 'eth 0' },
      ['network.interface: "eth 0" is not an interface name (at most 15 bytes, no "/", ":" or white space)'],
    ],
    [
      'an alias name with a colon (the kernel refuses it)',
      { interface: 'eth0:1' },
      ['network.interface: "eth0:1" is not an interface name (at most 15 bytes, no "/", ":" or white space)'],
    ],
    [
      'an interface name with a tab',
      { interface: 'eth\t0' },
      [`network.interface: "eth\t0" is not an interface name (at most 15 bytes, no "/", ":" or white space)`],
    ],
    [
      'an interface named ..',
      { interface: '..' },
      ['network.interface: ".." is not an interface name (at most 15 bytes, no "/", ":" or white space)'],
    ],
    ['an empty interface name', { interface: '' }, ['network.interface: must not be empty']],
    ['no interface', {}, ['network.interface: is required']],
    [
      'an http probe with an ftp:// URL',
      { interface: 'eth0', alive: { probes: [{ type: 'http', url: 'ftp://127.0.0.1/health' }] } },
      ['network.alive.probes[0].url: "ftp://127.0.0.1/health" is not an http:// or https:// URL'],
    ],
    [
      'an http veto probe with no URL scheme at all',
      {
        interface: 'eth0',
        reboot: {
          ...REBOOT,
          veto_if_reachable: {
            probes: [
              { type: 'icmp', host: '127.0.0.1' },
              { type: 'http', url: '127.0.0.1/health' },
            ],
          },
        },
      },
      ['network.reboot.veto_if_reachable.probes[1].url: "127.0.0.1/health" is not an http:// or https:// URL'],
    ],
    [
      'a tcp probe without a port',
      { interface: 'eth0', alive: { probes: [{ type: 'tcp', host: '127.0.0.1' }] } },
      ['network.alive.probes[0].port: is required'],
    ],
    [
      'a tcp probe with port 70000',
      { interface: 'eth0', alive: { probes: [{ type: 'tcp', host: '127.0.0.1', port: 70_000 }] } },
      ['network.alive.probes[0].port: must be at most 65535 (got 70000)'],
    ],
    [
      'a tcp probe with port 0',
      { interface: 'eth0', alive: { probes: [{ type: 'tcp', host: '127.0.0.1', port: 0 }] } },
      ['network.alive.probes[0].port: must be at least 1 (got 0)'],
    ],
    [
      'a probe of unknown type',
      { interface: 'eth0', alive: { probes: [{ type: 'dns', host: '127.0.0.1' }] } },
      ['network.alive.probes[0].type: must be one of icmp, tcp, http'],
    ],
    ['an empty probes list', { interface: 'eth0', alive: { probes: [] } }, ['network.alive.probes: must not be empty']],
    [
      'an empty veto probes list',
      { interface: 'eth0', reboot: { ...REBOOT, veto_if_reachable: { probes: [] } } },
      ['network.reboot.veto_if_reachable.probes: must not be empty'],
    ],
    [
      'max_per_day 0',
      { interface: 'eth0', reboot: { ...REBOOT, max_per_day: 0 } },
      ['network.reboot.max_per_day: must be at least 1 (got 0)'],
    ],
    [
      'a reboot section without a command',
      { interface: 'eth0', reboot: { cooldown_seconds: 60 } },
      ['network.reboot.command: is required'],
    ],
    [
      'a reboot section with an empty command',
      { interface: 'eth0', reboot: { command: '' } },
      ['network.reboot.command: must not be empty'],
    ],
    ['max_failures 0', { interface: 'eth0', max_failures: 0 }, ['network.max_failures: must be at least 1 (got 0)']],
    ['a network section that is not an object', 'eth0', ['network: must be object']],
    [
      'an interface_mac of five octets',
      { interface: 'eth0', interface_mac: '02:00:5e:00:53' },
      ['network.interface_mac: must match pattern "^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$"'],
    ],
    [
      'an interface_mac that is a number',
      { interface: 'eth0', interface_mac: 20 },
      ['network.interface_mac: must be string'],
    ],
    [
      'an interface_mac of zeros (loopback has it)',
      { interface: 'eth0', interface_mac: '00:00:00:00:00:00' },
      [
        'network.interface_mac: "00:00:00:00:00:00" is all zeros, which loopback and tunnels report: give the MAC of the uplink (cat /sys/class/net/IF/address)',
      ],
    ],
    [
      'the broadcast MAC',
      { interface: 'eth0', interface_mac: 'ff:ff:ff:ff:ff:ff' },
      [
        'network.interface_mac: "ff:ff:ff:ff:ff:ff" is a multicast or broadcast address, never an interface\'s: give the MAC of the uplink (cat /sys/class/net/IF/address)',
      ],
    ],
    [
      'a multicast MAC',
      { interface: 'eth0', interface_mac: '01:00:5e:00:00:01' },
      [
        'network.interface_mac: "01:00:5e:00:00:01" is a multicast or broadcast address, never an interface\'s: give the MAC of the uplink (cat /sys/class/net/IF/address)',
      ],
    ],
    [
      'allow_link_local that is not a boolean',
      { interface: 'eth0', allow_link_local: 'yes' },
      ['network.allow_link_local: must be boolean'],
    ],
    [
      'require_ipv6 that is not a boolean',
      { interface: 'eth0', require_ipv6: 1 },
      ['network.require_ipv6: must be boolean'],
    ],
  ];
  for (const [name, network, expected] of table) {
    it(name, () => {
      assert.deepEqual(errorsOf(network), [...expected].sort());
    });
  }

  it('rejects an interface name longer than 15 bytes, though 15 characters or fewer (IFNAMSIZ counts bytes)', () => {
    // 8 characters, 16 bytes in UTF-8: the kernel refuses it, so the config must too.
    const name = 'ä'.repeat(8);
    assert.equal(Buffer.byteLength(name), 16);
    const errors = errorsOf({ interface: name });
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /^network\.interface: /);
  });

  it('reports every problem in one run, schema and rules alike, the processes included', () => {
    const result = validateConfig(
      {
        processes: { web: { ...PROCESSES.web, commands: {} } },
        network: {
          interface: 'eth0/1',
          colour: 'blue',
          ladder: [{ type: 'bounce' }, { type: 'bounce' }, { type: 'command', name: 'nm' }, { type: 'teleport' }],
          alive: {
            probes: [
              { type: 'http', url: 'ftp://127.0.0.1/' },
              { type: 'tcp', host: '127.0.0.1', port: 70_000 },
            ],
          },
          reboot: { max_per_day: 0, usb_guard: { bound: true }, veto_if_reachable: { probes: [] } },
        },
      },
      CONFIG_PATH,
    );
    assert.equal(result.config, undefined);
    assert.deepEqual([...result.errors].sort(), [
      'network.alive.probes[0].url: "ftp://127.0.0.1/" is not an http:// or https:// URL',
      'network.alive.probes[1].port: must be at most 65535 (got 70000)',
      'network.colour: unknown setting',
      'network.interface: "eth0/1" is not an interface name (at most 15 bytes, no "/", ":" or white space)',
      'network.ladder[1].name: "bounce" is also the name of ladder[0] (give each rung its own name)',
      'network.ladder[2].command: is required',
      'network.ladder[3].type: must be one of bounce, command, wol',
      'network.reboot.command: is required',
      'network.reboot.max_per_day: must be at least 1 (got 0)',
      'network.reboot.usb_guard.bound: unknown setting',
      'network.reboot.veto_if_reachable.probes: must not be empty',
      'processes.web.commands.start: is required (the command that starts the app; legacy configs call it startup_command)',
    ]);
  });

  it('every error is one line of the form `path: message`', () => {
    const errors = errorsOf({ interface: 'a b', ladder: [{ type: 'x' }], reboot: {}, alive: { probes: [] } });
    assert.ok(errors.length >= 4, errors.join('\n'));
    for (const line of errors) {
      assert.match(line, /^network(\.[a-z_]+|\[\d+\])*: \S/, line);
      assert.doesNotMatch(line, /\n/);
    }
  });
});
