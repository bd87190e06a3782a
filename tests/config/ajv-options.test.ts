import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AJV_OPTIONS } from '../../src/config/ajv-options.js';
import { checkConfigSchema } from '../../src/config/validate-config.js';

describe('AJV_OPTIONS', () => {
  it('lets the validator judge a config but never change it, as the schema memo relies on', () => {
    for (const option of ['useDefaults', 'coerceTypes', 'removeAdditional']) {
      assert.ok(!(option in AJV_OPTIONS), `${option} would let the validator change the config it checks`);
    }
    // A config with every kind of value the options above would touch: missing defaults,
    // strings where numbers go, and an unknown key.
    const data = { kill_timeout: 10, unknown_key: 'x', processes: { web: { display_name: 'Web', timeout_seconds: 30, heartbeat_path: 'hb.json', enabled: true, commands: { start: 'true' } } } };
    const before = structuredClone(data);
    checkConfigSchema(data);
    checkConfigSchema({ ...data, kill_timeout: '10' });
    assert.deepEqual(data, before, 'the validator left the data as it was');
  });
});
