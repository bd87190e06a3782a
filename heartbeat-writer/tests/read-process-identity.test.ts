import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseStartTicks, readProcessIdentity } from '../src/read-process-identity.js';
import { readOwnIdentity } from './helpers/own-identity.js';
import { makeTempDir } from './helpers/temp-dir.js';

const BOOT_ID = 'c56eb81d-1067-4a71-a9b6-3578e853042b';

/** A stat line as Linux prints it (52 fields), with `comm` and field 22 (`starttime`) as given. */
function statLine(comm: string, startTicks: string | number, pid = 4242): string {
  const afterName = [
    'S',
    '1',
    String(pid),
    String(pid),
    '0',
    '-1',
    '4194560',
    '1250',
    '0',
    '3',
    '0',
    '12',
    '7',
    '0',
    '0',
    '20',
    '0',
    '11',
    '0',
  ];
  const rest = ['1265389568', '16588', '18446744073709551615', '94638484467712', ...Array<string>(28).fill('0')];
  return `${String(pid)} (${comm}) ${[...afterName, String(startTicks), ...rest].join(' ')}\n`;
}

describe('parseStartTicks', () => {
  test('a stat line as cat prints it', () => {
    const line =
      '8826 (cat) R 8823 8823 8407 0 -1 4194304 98 0 0 0 0 0 0 0 20 0 1 0 1061811 3133440 356 18446744073709551615 ' +
      '94638484467712 94638484487593 140735245726000 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 94638484503600 94638484505216 ' +
      '94639095721984 140735245732569 140735245732589 140735245732589 140735245733867 0\n';
    assert.equal(parseStartTicks(line), 1061811);
  });

  const names: ReadonlyArray<readonly [string, string]> = [
    ['a plain name', 'node'],
    ['a kernel thread', 'kworker/u8:2-events'],
    ['spaces', 'my app worker'],
    ['a ")" inside', 'a) b'],
    ['")" and spaces that look like fields', ') S 1 2 3 4 5'],
    ['"(" and ")" pairs', '((x)) (y)'],
    ['a name ending in ")"', 'tail)'],
    ['an empty name', ''],
  ];
  for (const [name, comm] of names) {
    test(`a command name with ${name}: split after the last ")"`, () => {
      assert.equal(parseStartTicks(statLine(comm, 987654)), 987654);
    });
  }

  test('no trailing newline, and 0 ticks (started at boot), are fine', () => {
    assert.equal(parseStartTicks(statLine('init', 0).trimEnd()), 0);
  });

  const garbage: ReadonlyArray<readonly [string, string]> = [
    ['an empty string', ''],
    ['prose', 'not a stat line'],
    ['no pid', statLine('x', 5).replace(/^\d+ /, '')],
    ['no parentheses', '42 x S 1 42 42 0 -1 4194304 98 0 0 0 0 0 0 0 20 0 1 0 1061811 3133440'],
    ['no closing parenthesis', '42 (x S 1 42 42 0 -1 4194304 98 0 0 0 0 0 0 0 20 0 1 0 1061811 3133440'],
    ['too few fields', '42 (x) S 1 42 42 0 -1 4194304 98 0 0'],
    ['nothing after the name', '42 (x)'],
    ['a state that is not one letter', statLine('x', 5).replace(') S ', ') 7 ')],
    ['a non-numeric start time', statLine('x', 'soon')],
    ['a negative start time', statLine('x', -5)],
    ['a fractional start time', statLine('x', '1.5')],
    ['a start time beyond a safe integer', statLine('x', '90071992547409930')],
    ['a start time with trailing junk', statLine('x', '123abc')],
  ];
  for (const [name, text] of garbage) {
    test(`garbage (${name}) gives undefined`, () => {
      assert.equal(parseStartTicks(text), undefined);
    });
  }
});

describe('readProcessIdentity: a fake procfs tree', () => {
  function fakeProc(dir: string, files: { stat?: string; bootId?: string }): string {
    if (files.stat !== undefined) {
      mkdirSync(join(dir, 'self'), { recursive: true });
      writeFileSync(join(dir, 'self', 'stat'), files.stat);
    }
    if (files.bootId !== undefined) {
      mkdirSync(join(dir, 'sys', 'kernel', 'random'), { recursive: true });
      writeFileSync(join(dir, 'sys', 'kernel', 'random', 'boot_id'), files.bootId);
    }
    return dir;
  }

  test('both present: start ticks from self/stat, the boot ID without its newline', (t) => {
    const proc = fakeProc(makeTempDir(t), { stat: statLine('my app (v2)', 123456), bootId: `${BOOT_ID}\n` });
    assert.deepEqual(readProcessIdentity(proc), { pid_start_ticks: 123456, boot_id: BOOT_ID });
  });

  test('no stat file: only the boot ID', (t) => {
    const proc = fakeProc(makeTempDir(t), { bootId: `${BOOT_ID}\n` });
    assert.deepEqual(readProcessIdentity(proc), { boot_id: BOOT_ID });
  });

  test('no boot_id file: only the start ticks', (t) => {
    const proc = fakeProc(makeTempDir(t), { stat: statLine('app', 77) });
    assert.deepEqual(readProcessIdentity(proc), { pid_start_ticks: 77 });
  });

  test('a malformed stat file: the start ticks are left out, the boot ID kept', (t) => {
    const proc = fakeProc(makeTempDir(t), { stat: '4242 (app) S 1 4242\n', bootId: `${BOOT_ID}\n` });
    assert.deepEqual(readProcessIdentity(proc), { boot_id: BOOT_ID });
  });

  test('a boot_id that is not a UUID, or empty, is left out', (t) => {
    const notUuid = fakeProc(makeTempDir(t), { stat: statLine('app', 5), bootId: 'hello\n' });
    assert.deepEqual(readProcessIdentity(notUuid), { pid_start_ticks: 5 });
    const empty = fakeProc(makeTempDir(t), { stat: statLine('app', 5), bootId: '' });
    assert.deepEqual(readProcessIdentity(empty), { pid_start_ticks: 5 });
  });

  test('unreadable entries (folders where files should be) are left out, nothing thrown', (t) => {
    const proc = makeTempDir(t);
    mkdirSync(join(proc, 'self', 'stat'), { recursive: true });
    mkdirSync(join(proc, 'sys', 'kernel', 'random', 'boot_id'), { recursive: true });
    assert.deepEqual(readProcessIdentity(proc), {});
  });

  test('no procfs at all: an empty identity, nothing thrown', (t) => {
    assert.deepEqual(readProcessIdentity(join(makeTempDir(t), 'no-such-proc')), {});
  });
});

describe('readProcessIdentity: the real /proc', () => {
  test('is this process: field 22 of /proc/<pid>/stat and the boot ID', () => {
    const own = readOwnIdentity();
    assert.deepEqual(readProcessIdentity(), { pid_start_ticks: own.startTicks, boot_id: own.bootId });
    assert.deepEqual(readProcessIdentity('/proc'), readProcessIdentity(), "'/proc' is the default");
  });
});
