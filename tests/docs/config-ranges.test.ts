import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { HEALTHY_STATUS_LIMITS } from '../../src/config/schema.js';
import { validateConfig } from '../../src/config/validate-config.js';
import { everySectionConfig, numericSettings, withValueAt } from '../helpers/config-numbers.js';

const TEXT = readFileSync(new URL('../../docs/config-ranges.md', import.meta.url), 'utf8');

describe('docs/config-ranges.md', () => {
  const rows = new Map(
    TEXT.split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => line.split('|').map((cell) => cell.trim()))
      .map(([, name = '', , minimum = '', maximum = '']) => [name.replaceAll('`', ''), { minimum, maximum }]),
  );

  it('lists no setting the schema does not have', () => {
    const names = new Set(numericSettings().map((setting) => setting.name));
    assert.deepEqual(
      [...rows.keys()].filter((name) => !names.has(name)),
      [],
    );
  });

  for (const setting of numericSettings()) {
    it(`gives the range of ${setting.name}`, () => {
      const row = rows.get(setting.name);
      assert.ok(row !== undefined, `a row for ${setting.name}`);
      const minimum = setting.minimum === undefined ? `more than ${setting.exclusiveMinimum}` : String(setting.minimum);
      assert.equal(row.minimum, minimum);
      assert.match(row.maximum, new RegExp(`^${setting.maximum}( |$)`));
    });
  }

  it('shows the lines validate prints', () => {
    const base = everySectionConfig();
    let config = withValueAt(base, ['processes', 'demo_app'], {
      ...(base.processes as { web: object }).web,
      timeout_seconds: 1e300,
    });
    config = withValueAt(config, ['history_retention_days'], 1e9);
    config = withValueAt(config, ['kill_timeout'], JSON.parse('1e400'));
    const errors = validateConfig(config, '/etc/watchdog/config.json', () => undefined, {}).errors;
    const block = /```\n([^`]*)```/.exec(TEXT)?.[1]?.trim().split('\n') ?? [];
    assert.deepEqual([...block].sort(), [...errors].sort());
  });

  it('gives the length range of healthy_statuses, and the lines validate prints', () => {
    assert.match(
      TEXT,
      new RegExp(
        `holds 1 to ${HEALTHY_STATUS_LIMITS.maxItems} statuses, each 1 to ${HEALTHY_STATUS_LIMITS.maxLength} characters long`,
      ),
    );
    const web = (everySectionConfig().processes as { web: object }).web;
    const errorsWith = (healthy_statuses: string[]) =>
      validateConfig(
        withValueAt(everySectionConfig(), ['processes', 'web'], { ...web, healthy_statuses }),
        '/etc/watchdog/config.json',
        () => undefined,
        {},
      ).errors;
    const errors = [
      Array.from({ length: HEALTHY_STATUS_LIMITS.maxItems + 1 }, (_, index) => `s${index}`),
      ['x'.repeat(HEALTHY_STATUS_LIMITS.maxLength + 1)],
      ['running', 'degraded', 'running'],
      ['running', ' degraded'],
    ].flatMap(errorsWith);
    const lists = TEXT.slice(TEXT.indexOf('Lists have a length range'));
    const block = /```\n([^`]*)```/.exec(lists)?.[1]?.trim().split('\n') ?? [];
    assert.deepEqual(block, errors);
  });
});
