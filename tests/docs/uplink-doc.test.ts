import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { validateConfig } from '../../src/config/validate-config.js';
import { classifyLink } from '../../src/network/link/classify-link.js';
import { renameHint } from '../../src/network/link/locate-interface.js';

const TEXT = readFileSync(new URL('../../docs/uplink.md', import.meta.url), 'utf8');

/** The fenced blocks of a language, in order. */
function blocks(language: string): string[] {
  return [...TEXT.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)\\n```', 'g'))].map((match) => match[1] ?? '');
}

const PROCESSES = {
  web: {
    display_name: 'Web',
    timeout_seconds: 60,
    heartbeat_path: 'web.json',
    enabled: true,
    commands: { start: 'true' },
  },
};

describe('docs/uplink.md', () => {
  it('its example is a valid network section naming the uplink by MAC', () => {
    const [example] = blocks('json');
    const { config, errors, warnings } = validateConfig(
      { processes: PROCESSES, ...(JSON.parse(example ?? '') as object) },
      '/etc/watchdog/config.json',
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(warnings, []);
    assert.equal(config?.network?.interface_mac, 'dc:a6:32:01:02:03');
  });

  it('shows the hint as a check words it', () => {
    const hint = renameHint('eth0', [{ name: 'end0', mac: 'dc:a6:32:01:02:03', stacked: false }]);
    const verdict = classifyLink(
      { interface: 'eth0', carrier: 'missing', ipv4: [] },
      { requireIpv4: true, seenBefore: true, note: hint },
    );
    assert.equal(blocks('text')[0], verdict.reason);
  });

  it('shows the lines validate prints', () => {
    const errorsOf = (network: object): string[] =>
      validateConfig({ processes: PROCESSES, network: { interface: 'eth0', ...network } }, '/etc/watchdog/config.json')
        .errors;
    const printed = [
      ...errorsOf({ interface_mac: 'dc:a6:32:01:02' }),
      ...errorsOf({ interface_mac: '00:00:00:00:00:00' }),
      ...errorsOf({ interface_mac: 'ff:ff:ff:ff:ff:ff' }),
      ...errorsOf({ allow_link_local: 'yes' }),
    ];
    assert.deepEqual(blocks('text')[1]?.split('\n'), printed);
  });
});
