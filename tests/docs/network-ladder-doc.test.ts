import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { validateConfig } from '../../src/config/validate-config.js';

const PAGE = fileURLToPath(new URL('../../docs/network-ladder.md', import.meta.url));

/** The first ```json block after `heading` in docs/network-ladder.md. */
function jsonBlockAfter(heading: string): unknown {
  const text = readFileSync(PAGE, 'utf8');
  const start = text.indexOf(heading);
  assert.ok(start >= 0, `docs/network-ladder.md has no "${heading}"`);
  const block = /```json\n([\s\S]*?)\n```/.exec(text.slice(start));
  assert.ok(block?.[1] !== undefined, `no json block after "${heading}"`);
  return JSON.parse(block[1]);
}

describe('docs/network-ladder.md', () => {
  it('its worked example is a valid config that reproduces the remote-KVM setup it describes', () => {
    const { config, errors, warnings } = validateConfig(
      jsonBlockAfter('## Worked example: a remote KVM box'),
      '/etc/watchdog/config.json',
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(warnings, []);
    const network = config?.network;
    assert.ok(network !== undefined);
    assert.equal(network.interface, 'eth0');
    assert.deepEqual(
      network.ladder.map((rung) => [rung.type, rung.name, rung.type === 'command' ? rung.command : undefined]),
      [
        ['bounce', 'bounce', undefined],
        ['command', 'kvmd-network', '/etc/init.d/S46kvmd-network restart'],
        ['command', 'respawn-connmand', 'killall connmand'],
      ],
    );
    assert.equal(network.reboot?.cooldown_seconds, 3600);
    assert.equal(network.reboot?.usb_guard.enabled, true);
    assert.equal(network.reboot?.usb_guard.gadget_dir, '/sys/kernel/config/usb_gadget/rockchip');
    assert.equal(network.reboot?.maintenance_flag, '/etc/watchdog/maintenance');
  });
});
