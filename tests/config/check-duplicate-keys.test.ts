import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDuplicateKeys } from '../../src/config/check-duplicate-keys.js';

/** A stand-in for validateConfig: one line per string value, `path: is "value"`, and the configs it was given. */
function recordingValidate(): { validate: (data: unknown) => string[]; seen: unknown[] } {
  const seen: unknown[] = [];
  const validate = (data: unknown): string[] => {
    seen.push(data);
    const lines: string[] = [];
    const stack: [string, unknown][] = [['', data]];
    for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
      const [path, value] = next;
      if (typeof value === 'string') lines.push(`${path}: is "${value}"`);
      else if (value !== null && typeof value === 'object') {
        for (const key of Object.keys(value))
          stack.push([path === '' ? key : `${path}.${key}`, (value as Record<string, unknown>)[key]]);
      }
    }
    return lines.sort();
  };
  return { validate, seen };
}

function check(text: string): { lines: string[]; seen: unknown[] } {
  const { validate, seen } = recordingValidate();
  return { lines: checkDuplicateKeys(text, JSON.parse(text), validate), seen };
}

describe('checkDuplicateKeys', () => {
  it('finds nothing, and validates nothing more, in a config without duplicates', () => {
    assert.deepEqual(check('{"processes": {"web": {"a": "x"}}}'), { lines: [], seen: [] });
  });

  it("reports the dropped value's own problems, and none from elsewhere in the config", () => {
    const text = '{"other": "o",\n"processes": {"web": {"a": "first"},\n"web": {"a": "last"}}}';
    assert.deepEqual(check(text).lines, [
      'processes.web: written twice (lines 2 and 3); JSON keeps only the last, so remove or rename one',
      'processes.web.a: is "first" (in the processes.web of line 2, which a later one replaces)',
    ]);
  });

  it('validates the config as parsed with only the dropped value put back', () => {
    const { seen } = check('{"p": {"web": 1, "api": 2, "web": 3}}');
    assert.deepEqual(seen, [{ p: { web: 1, api: 2 } }]);
  });

  it('validates each dropped value of a key written three times', () => {
    const { lines, seen } = check('{"a": "1",\n"a": "2",\n"a": "3"}');
    assert.deepEqual(seen, [{ a: '1' }, { a: '2' }]);
    assert.deepEqual(lines, [
      'a: written 3 times (lines 1, 2 and 3); JSON keeps only the last, so keep one',
      'a: is "1" (in the a of line 1, which a later one replaces)',
      'a: is "2" (in the a of line 2, which a later one replaces)',
    ]);
  });

  it('does not put back a duplicate found inside a dropped value: the config around it is not the parsed one', () => {
    const text = '{"p": {"q": "x", "q": "y"},\n"p": {"r": "z"}}';
    const { lines, seen } = check(text);
    assert.deepEqual(seen, [{ p: { q: 'y' } }]);
    assert.deepEqual(lines, [
      'p.q: written twice (lines 1 and 1); JSON keeps only the last, so remove or rename one',
      'p: written twice (lines 1 and 2); JSON keeps only the last, so remove or rename one',
      'p.q: is "y" (in the p of line 1, which a later one replaces)',
    ]);
  });

  it('puts a dropped __proto__ block back as a key, not as a prototype', () => {
    const { seen } = check('{"processes": {"__proto__": {"a": "first"}, "__proto__": {"a": "last"}}}');
    const [config] = seen as { processes: Record<string, unknown> }[];
    assert.ok(config !== undefined);
    assert.ok(Object.hasOwn(config.processes, '__proto__'));
    assert.deepEqual(Object.getOwnPropertyDescriptor(config.processes, '__proto__')?.value, { a: 'first' });
    assert.equal(Object.getPrototypeOf(config.processes), Object.prototype);
  });

  it('finds a dropped value inside an array by its index', () => {
    const { seen } = check('{"ladder": [{"name": "a"}, {"name": "b", "name": "c"}]}');
    assert.deepEqual(seen, [{ ladder: [{ name: 'a' }, { name: 'b' }] }]);
  });
});
