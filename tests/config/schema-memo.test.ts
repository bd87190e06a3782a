import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileSchemaMemo, NO_SCHEMA_MEMO } from '../../src/config/schema-memo.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const TEXT = '{ "processes": {} }\n';

describe('fileSchemaMemo', () => {
  it('holds nothing until it remembers, then exactly the text it remembered', () => {
    const folder = join(makeTempDir(), 'passed');
    const memo = fileSchemaMemo(folder, '/etc/watchdog/config.json');
    assert.equal(memo.holds(TEXT), false, 'nothing before (the folder does not exist yet)');

    memo.remember(TEXT);
    assert.equal(memo.holds(TEXT), true);
    for (const other of ['', TEXT.trimEnd(), `${TEXT} `, TEXT.replace('{}', '{ }'), TEXT.toUpperCase()]) {
      assert.equal(memo.holds(other), false, `a text that differs in any byte is not held: ${JSON.stringify(other)}`);
    }
    assert.equal(fileSchemaMemo(folder, '/etc/watchdog/config.json').holds(TEXT), true, 'a later tick reads what this one wrote');
  });

  it('keeps one text per config file, so two configs do not push each other out', () => {
    const folder = makeTempDir();
    const first = fileSchemaMemo(folder, '/etc/watchdog/config.json');
    const second = fileSchemaMemo(folder, '/opt/other/config.json');
    first.remember(TEXT);
    second.remember('{ "processes": { "b": {} } }');

    assert.equal(first.holds(TEXT), true);
    assert.equal(second.holds(TEXT), false, 'the second config’s memo does not vouch for the first config’s text');
    assert.equal(second.holds('{ "processes": { "b": {} } }'), true);
    assert.equal(readdirSync(folder).length, 2);
  });

  it('writes a copy of the text readable by all, in a folder it makes, and no temporary file', () => {
    const folder = join(makeTempDir(), 'passed');
    fileSchemaMemo(folder, '/etc/watchdog/config.json').remember(TEXT);

    assert.equal(statSync(folder).mode & 0o777, 0o755);
    const names = readdirSync(folder);
    assert.equal(names.length, 1, `one file: ${names.join(', ')}`);
    const [name = ''] = names;
    assert.match(name, /^[0-9a-f]{8}\.json$/);
    assert.equal(statSync(join(folder, name)).mode & 0o777, 0o644);
    assert.equal(readFileSync(join(folder, name), 'utf8'), TEXT);
  });

  it('does not throw, and holds nothing, where it cannot write: the text is then checked at every load', () => {
    const dir = makeTempDir();
    // The memo's folder is a file: nothing can be made inside it (not even by root).
    const blocked = join(dir, 'blocked');
    writeFileSync(blocked, 'not a folder\n');
    const memo = fileSchemaMemo(blocked, '/etc/watchdog/config.json');
    memo.remember(TEXT);
    assert.equal(memo.holds(TEXT), false);
    assert.equal(readFileSync(blocked, 'utf8'), 'not a folder\n');
  });

  it('treats a copy it cannot read as not held, and leaves no temporary file when it cannot replace it', () => {
    const folder = makeTempDir();
    const memo = fileSchemaMemo(folder, '/etc/watchdog/config.json');
    memo.remember(TEXT);
    const [name = ''] = readdirSync(folder);
    // A folder where the copy is: it can be neither read nor replaced (not even by root).
    rmSync(join(folder, name));
    mkdirSync(join(folder, name));

    assert.equal(memo.holds(TEXT), false);
    memo.remember(TEXT);
    assert.equal(memo.holds(TEXT), false);
    assert.deepEqual(readdirSync(folder), [name], 'no temporary file is left');
    assert.ok(statSync(join(folder, name)).isDirectory(), 'the folder is left as it was');
  });
});

describe('NO_SCHEMA_MEMO', () => {
  it('holds nothing, even what it was told to remember', () => {
    NO_SCHEMA_MEMO.remember(TEXT);
    assert.equal(NO_SCHEMA_MEMO.holds(TEXT), false);
  });
});
