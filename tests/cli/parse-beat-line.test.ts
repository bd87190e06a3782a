import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BeatArgs } from '../../src/cli/commands/beat.js';
import { parseBeatLine } from '../../src/cli/parse-beat-line.js';

describe('parseBeatLine', () => {
  const beat = (args: Partial<BeatArgs>): BeatArgs => ({
    key: 'job',
    config: undefined,
    pid: undefined,
    status: 'running',
    ...args,
  });
  const recognised: [argv: string[], expected: BeatArgs][] = [
    [['beat', 'job'], beat({})],
    [['beat', 'job', '--pid', '4242'], beat({ pid: 4242 })],
    [['beat', '--pid=4242', 'job'], beat({ pid: 4242 })],
    [['beat', 'job', '--status', 'error'], beat({ status: 'error' })],
    [['beat', 'job', '--status=degraded'], beat({ status: 'degraded' })],
    [['-c', '/etc/watchdog/config.json', 'beat', 'job'], beat({ config: '/etc/watchdog/config.json' })],
    [
      ['beat', 'job', '--config=c.json', '--pid', '7', '--status', 'ok'],
      beat({ config: 'c.json', pid: 7, status: 'ok' }),
    ],
  ];
  for (const [argv, expected] of recognised) {
    it(`takes ${JSON.stringify(argv)} without yargs`, () => assert.deepEqual(parseBeatLine(argv), expected));
  }

  const leftToYargs: [why: string, argv: string[]][] = [
    ['another command', ['check']],
    ['no key', ['beat']],
    ['two keys', ['beat', 'a', 'b']],
    ['help', ['beat', 'job', '--help']],
    ['an unknown flag', ['beat', 'job', '--pids', '7']],
    ['a PID that is not a whole number', ['beat', 'job', '--pid', 'abc']],
    ['PID 0', ['beat', 'job', '--pid', '0']],
    ['a PID with a sign', ['beat', 'job', '--pid', '+7']],
    ['a missing value', ['beat', 'job', '--pid']],
    ['a flag for a value', ['beat', 'job', '--status', '--pid', '7']],
    ['an empty value', ['beat', 'job', '--status=']],
    ['an option twice', ['beat', 'job', '--pid', '7', '--pid', '8']],
    ['the key before the command', ['job', 'beat']],
  ];
  for (const [why, argv] of leftToYargs) {
    it(`leaves ${why} to yargs`, () => assert.equal(parseBeatLine(argv), undefined));
  }
});
