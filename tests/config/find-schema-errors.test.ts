import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ValidateFunction } from 'ajv';
import { findSchemaErrors } from '../../src/config/find-schema-errors.js';
import { schemaValidator, type SchemaPart } from '../../src/config/schema-validator.js';

const PROCESSES = {
  web: { display_name: 'Web', timeout_seconds: 30, heartbeat_path: '/run/web/heartbeat.json', enabled: true, commands: { start: '/opt/web/start.sh' } },
};

/** The real validators, noting which parts were asked for. */
function recordingValidators(): { asked: SchemaPart[]; validatorOf: (part: SchemaPart) => ValidateFunction } {
  const asked: SchemaPart[] = [];
  return {
    asked,
    validatorOf: (part) => {
      asked.push(part);
      return schemaValidator(part);
    },
  };
}

describe('findSchemaErrors', () => {
  it('asks for no section validator when the config has no section', () => {
    const { asked, validatorOf } = recordingValidators();
    assert.deepEqual(findSchemaErrors({ processes: PROCESSES }, validatorOf), []);
    assert.deepEqual(asked, ['config']);
  });

  it('validates each section the config has, and only those', () => {
    const { asked, validatorOf } = recordingValidators();
    const errors = findSchemaErrors({ processes: PROCESSES, notify: { channels: {} } }, validatorOf);
    assert.deepEqual(errors, []);
    assert.deepEqual(asked, ['config', 'notify']);
  });

  it("gives a section's errors paths from the config's root", () => {
    const errors = findSchemaErrors({ processes: PROCESSES, network: { interface: '' }, notify: { channels: {}, max_queued: 0 } });
    assert.deepEqual(
      errors.map(({ instancePath, schemaPath, keyword }) => ({ instancePath, schemaPath, keyword })),
      [
        { instancePath: '/network/interface', schemaPath: '#/properties/network/properties/interface/minLength', keyword: 'minLength' },
        { instancePath: '/notify/max_queued', schemaPath: '#/properties/notify/properties/max_queued/minimum', keyword: 'minimum' },
      ],
    );
  });

  it("reports the top level's errors first, then the sections'", () => {
    const errors = findSchemaErrors({ kill_timeout: 'ten', processes: PROCESSES, network: {} });
    assert.deepEqual(
      errors.map(({ instancePath, keyword }) => `${instancePath} ${keyword}`),
      ['/kill_timeout type', '/network required'],
    );
  });

  it('leaves a section that is not an object to the top level, which says so once', () => {
    for (const network of [[], 'eth0', null, 7]) {
      const { asked, validatorOf } = recordingValidators();
      const errors = findSchemaErrors({ processes: PROCESSES, network }, validatorOf);
      assert.deepEqual(
        errors.map(({ instancePath, keyword }) => `${instancePath} ${keyword}`),
        ['/network type'],
        JSON.stringify(network),
      );
      assert.deepEqual(asked, ['config'], JSON.stringify(network));
    }
  });

  it('validates no section of data that is not an object', () => {
    for (const data of [[], 'config', null]) {
      const { asked, validatorOf } = recordingValidators();
      assert.deepEqual(
        findSchemaErrors(data, validatorOf).map(({ instancePath, keyword }) => `${instancePath} ${keyword}`),
        [' type'],
        JSON.stringify(data),
      );
      assert.deepEqual(asked, ['config'], JSON.stringify(data));
    }
  });
});
