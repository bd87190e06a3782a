import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCronCheck } from '../../src/cli/parse-cron-check.js';

describe('parseCronCheck', () => {
  const recognised: [argv: string[], expected: { config: string | undefined; verbose: boolean }][] = [
    [['check'], { config: undefined, verbose: false }],
    [['check', '-c', '/etc/watchdog/config.json'], { config: '/etc/watchdog/config.json', verbose: false }],
    [['-c', '/etc/watchdog/config.json', 'check'], { config: '/etc/watchdog/config.json', verbose: false }],
    [['check', '--config', 'c.json', '-v'], { config: 'c.json', verbose: true }],
    [['check', '--config=c.json', '--verbose'], { config: 'c.json', verbose: true }],
  ];
  for (const [argv, expected] of recognised) {
    it(`takes ${JSON.stringify(argv)} without yargs`, () => {
      assert.deepEqual(parseCronCheck(argv), expected);
    });
  }

  const leftToYargs: [why: string, argv: string[]][] = [
    ['no command', []],
    ['another command', ['status']],
    ['help', ['check', '--help']],
    ['a dry run', ['check', '--dry-run']],
    ['a typo', ['chek']],
    ['an unknown flag', ['check', '--verbos']],
    ['the config twice', ['check', '-c', 'a.json', '-c', 'b.json']],
    ['-c without a value', ['check', '-c']],
    ['-c followed by a flag', ['check', '-c', '-v']],
    ['an empty --config=', ['check', '--config=']],
    ['check twice', ['check', 'check']],
    ['-v twice', ['check', '-v', '-v']],
    ['a stray argument', ['check', 'extra']],
  ];
  for (const [why, argv] of leftToYargs) {
    it(`leaves ${why} to yargs (${JSON.stringify(argv)})`, () => {
      assert.equal(parseCronCheck(argv), undefined);
    });
  }
});
