import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { validateConfig } from '../../src/config/validate-config.js';

const TEXT = readFileSync(new URL('../../docs/apps-without-heartbeat.md', import.meta.url), 'utf8');
const MOSQUITTO = { name: 'mosquitto', uid: 120, gid: 120, home: '/var/lib/mosquitto' };

describe('docs/apps-without-heartbeat.md', () => {
  it('has a mosquitto example that is a valid config, found by match, with no warning', () => {
    const block = /```json\n([\s\S]*?)\n```/.exec(TEXT)?.[1];
    assert.ok(block !== undefined, 'a json example');
    const { config, errors, warnings } = validateConfig(
      JSON.parse(`{"processes": {${block}}}`),
      '/etc/watchdog/config.json',
      (name) => (name === MOSQUITTO.name ? MOSQUITTO : undefined),
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(warnings, []);
    const process = config?.processes[0];
    assert.equal(process?.heartbeat_path, undefined);
    assert.ok(process?.match?.test('/usr/sbin/mosquitto -c /etc/mosquitto/mosquitto.conf'));
    assert.equal(process?.match?.test('/usr/sbin/mosquitto -c /tmp/evil.conf'), false);
  });

  it('keeps every table cell on one line', () => {
    for (const line of TEXT.split('\n').filter((row) => row.startsWith('|'))) assert.ok(line.endsWith('|'), line);
  });
});
