import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErrorObject } from 'ajv';
import { formatInstancePath, formatSchemaErrors } from '../../src/config/format-schema-errors.js';

describe('formatInstancePath', () => {
  const data = {
    cleanup_args: ['--force', 3],
    processes: {
      web: { recovery_actions: ['kill', 5], commands: { start: 'x' } },
      '1': { enabled: 'yes' },
      'a/b': { enabled: 'yes' },
      'a~b': { enabled: 'yes' },
      'a~1b': { enabled: 'yes' },
    },
    matrix: [[1, [2, 3]]],
  };
  const cases: [instancePath: string, expected: string][] = [
    ['', ''],
    ['/cleanup_args', 'cleanup_args'],
    ['/cleanup_args/1', 'cleanup_args[1]'],
    ['/processes/web/recovery_actions/1', 'processes.web.recovery_actions[1]'],
    ['/processes/web/commands/start', 'processes.web.commands.start'],
    // A numeric key of an object is a key, not an index.
    ['/processes/1/enabled', 'processes.1.enabled'],
    ['/processes/a~1b/enabled', 'processes.a/b.enabled'],
    ['/processes/a~0b/enabled', 'processes.a~b.enabled'],
    // RFC 6901: `~01` is `~1` escaped, not `/`.
    ['/processes/a~01b/enabled', 'processes.a~1b.enabled'],
    ['/matrix/0/1/0', 'matrix[0][1][0]'],
    // Beyond the data, segments are read as keys.
    ['/processes/ghost/items/0', 'processes.ghost.items.0'],
  ];
  for (const [instancePath, expected] of cases) {
    it(`${JSON.stringify(instancePath)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(formatInstancePath(instancePath, data), expected);
    });
  }

  it('brackets the indexes of a root array', () => {
    assert.equal(formatInstancePath('/0/name', [{ name: 1 }]), '[0].name');
  });
});

function ajvError(
  keyword: string,
  instancePath: string,
  params: Record<string, unknown>,
  message?: string,
): ErrorObject {
  return { keyword, instancePath, schemaPath: `#/${keyword}`, params, ...(message === undefined ? {} : { message }) };
}

describe('formatSchemaErrors', () => {
  const data = {
    cleanup_args: ['--force', 3],
    kill_timeout: 7,
    cleanup_timeout: Infinity,
    log_max_files: 1.5,
    processes: { web: { commands: { start: '' }, timeout_seconds: 1e300, healthy_statuses: ['running', 'ünïcödé ✓'] } },
  };
  const cases: [name: string, error: ErrorObject, expected: string][] = [
    ['required at the root', ajvError('required', '', { missingProperty: 'processes' }), 'processes: is required'],
    [
      'required in a process',
      ajvError('required', '/processes/web', { missingProperty: 'enabled' }),
      'processes.web.enabled: is required',
    ],
    ['type at the root', ajvError('type', '', { type: 'object' }), 'config: must be object'],
    ['type in an array', ajvError('type', '/cleanup_args/1', { type: 'string' }), 'cleanup_args[1]: must be string'],
    ['a union type as a list', ajvError('type', '/x', { type: ['string', 'null'] }), 'x: must be string or null'],
    ['a union type as ajv joins it', ajvError('type', '/x', { type: 'string,null' }), 'x: must be string or null'],
    [
      'enum values lower-cased and deduplicated',
      ajvError('enum', '/log_level', { allowedValues: ['info', 'warning', 'INFO', 'WARNING'] }),
      'log_level: must be one of info, warning',
    ],
    [
      'minLength',
      ajvError('minLength', '/processes/web/commands/start', { limit: 1 }),
      'processes.web.commands.start: must not be empty',
    ],
    [
      'maxItems, with the count',
      ajvError('maxItems', '/processes/web/healthy_statuses', { limit: 1 }, 'must NOT have more than 1 items'),
      'processes.web.healthy_statuses: must have at most 1 entry (got 2)',
    ],
    [
      'maxItems, in the plural',
      ajvError('maxItems', '/cleanup_args', { limit: 0 }, 'must NOT have more than 0 items'),
      'cleanup_args: must have at most 0 entries (got 2)',
    ],
    [
      'maxLength, counting characters, not bytes',
      ajvError('maxLength', '/processes/web/healthy_statuses/1', { limit: 8 }, 'must NOT have more than 8 characters'),
      'processes.web.healthy_statuses[1]: must be at most 8 characters long (got 9)',
    ],
    [
      'maxLength beyond the data, without a count',
      ajvError('maxLength', '/db_path', { limit: 8 }, 'must NOT have more than 8 characters'),
      'db_path: must be at most 8 characters long',
    ],
    [
      "any other keyword uses ajv's message",
      ajvError('multipleOf', '/kill_timeout', { multipleOf: 2 }, 'must be multiple of 2'),
      'kill_timeout: must be multiple of 2',
    ],
    [
      'maximum, in words and with the value',
      ajvError('maximum', '/processes/web/timeout_seconds', { comparison: '<=', limit: 604800 }, 'must be <= 604800'),
      'processes.web.timeout_seconds: must be at most 604800 (got 1e+300)',
    ],
    [
      'exclusiveMaximum',
      ajvError('exclusiveMaximum', '/kill_timeout', { comparison: '<', limit: 5 }, 'must be < 5'),
      'kill_timeout: must be less than 5 (got 7)',
    ],
    [
      'minimum',
      ajvError('minimum', '/kill_timeout', { comparison: '>=', limit: 10 }, 'must be >= 10'),
      'kill_timeout: must be at least 10 (got 7)',
    ],
    [
      'exclusiveMinimum',
      ajvError('exclusiveMinimum', '/kill_timeout', { comparison: '>', limit: 7 }, 'must be > 7'),
      'kill_timeout: must be more than 7 (got 7)',
    ],
    [
      'a number too large for a double (1e400 parses as Infinity)',
      ajvError('type', '/cleanup_timeout', { type: 'number' }),
      'cleanup_timeout: must be a finite number (got Infinity)',
    ],
    [
      "a type error of a finite number keeps ajv's words",
      ajvError('type', '/log_max_files', { type: 'integer' }),
      'log_max_files: must be integer',
    ],
    ['a keyword without a message', ajvError('pattern', '/db_path', {}), 'db_path: is invalid'],
    [
      'another keyword at the root',
      ajvError('maxProperties', '', {}, 'must NOT have more than 1 properties'),
      'config: must NOT have more than 1 properties',
    ],
  ];
  for (const [name, error, expected] of cases) {
    it(name, () => {
      assert.deepEqual(formatSchemaErrors([error], data), [expected]);
    });
  }

  it('keeps one line per distinct problem, in order', () => {
    const errors = [
      ajvError('type', '/kill_timeout', { type: 'number' }),
      ajvError('required', '/processes/web', { missingProperty: 'enabled' }),
      ajvError('type', '/kill_timeout', { type: 'number' }),
    ];
    assert.deepEqual(formatSchemaErrors(errors, data), [
      'kill_timeout: must be number',
      'processes.web.enabled: is required',
    ]);
  });

  it('returns no lines for no errors', () => {
    assert.deepEqual(formatSchemaErrors([], data), []);
  });
});
