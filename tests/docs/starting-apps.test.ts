import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { validateConfig } from '../../src/config/validate-config.js';

const TEXT = readFileSync(new URL('../../docs/starting-apps.md', import.meta.url), 'utf8');

describe('docs/starting-apps.md', () => {
  it('has a pid_file example that is a valid config', () => {
    const block = /```json\n([\s\S]*?)\n```/.exec(TEXT)?.[1];
    assert.ok(block !== undefined, 'a json example');
    const { config, errors } = validateConfig(JSON.parse(block), '/etc/watchdog/config.json');
    assert.deepEqual(errors, []);
    assert.equal(config?.processes[0]?.pid_file, '/run/mosquitto/mosquitto.pid');
  });

  it('keeps every table cell on one line', () => {
    for (const line of TEXT.split('\n').filter((row) => row.startsWith('|'))) assert.ok(line.endsWith('|'), line);
  });
});
