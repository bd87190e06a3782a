import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { planActions, quoteForShell, withArgs } from '../../src/recovery/plan-recovery.js';
import { processConfig } from '../helpers/process-config.js';

const LIMITS = { outputLogMaxBytes: 1_048_576 };

describe('planActions', () => {
  it('plans kill, custom actions and start in order, each with its own settings', () => {
    const process = processConfig({
      commands: { start: './start.sh --port 8080', clear_db: './clear-db.sh', notify: 'logger -t web' },
      cleanup_args: ['--force', 'a b', "it's"],
      kill_timeout: 7,
      cleanup_timeout: 45,
      verify_delay: 3,
      cwd: '/srv/web',
      heartbeat_path: '/run/web/heartbeat.json',
      output_log: '/var/log/watchdog/web.out.log',
    });
    const candidate = { pid: 4000 };
    assert.deepEqual(planActions(process, ['kill', 'clear_db', 'notify', 'start'], candidate, LIMITS), [
      { kind: 'kill', action: 'kill', candidate, timeoutSeconds: 7 },
      {
        kind: 'command',
        action: 'clear_db',
        command: `./clear-db.sh --force 'a b' 'it'\\''s'`,
        cwd: '/srv/web',
        user: undefined,
        timeoutSeconds: 45,
        killGraceSeconds: 7,
      },
      {
        kind: 'command',
        action: 'notify',
        command: `logger -t web --force 'a b' 'it'\\''s'`,
        cwd: '/srv/web',
        user: undefined,
        timeoutSeconds: 45,
        killGraceSeconds: 7,
      },
      {
        kind: 'start',
        action: 'start',
        // The start command gets no cleanup_args: they are for custom actions.
        command: './start.sh --port 8080',
        cwd: '/srv/web',
        user: undefined,
        outputLog: '/var/log/watchdog/web.out.log',
        outputLogFallback: '/var/log/watchdog/web.out.log',
        outputLogMaxBytes: 1_048_576,
        verifyDelaySeconds: 3,
        pidFile: undefined,
        appUser: undefined,
        heartbeat: { path: '/run/web/heartbeat.json', movedTo: '/run/web/heartbeat.json.stale' },
      },
    ]);
  });

  it('appends nothing when cleanup_args is empty', () => {
    const [plan] = planActions(processConfig({ cleanup_args: [] }), ['clear_db'], { pid: 4000 }, LIMITS);
    assert.equal(plan?.kind === 'command' && plan.command, '/srv/web/clear-db.sh');
  });

  it('uses each process its own timeouts', () => {
    const slow = processConfig({ key: 'slow', kill_timeout: 30, cleanup_timeout: 300 });
    const fast = processConfig({ key: 'fast', kill_timeout: 1, cleanup_timeout: 5 });
    const timeouts = (process: typeof slow) =>
      planActions(process, ['kill', 'clear_db'], { pid: 4000 }, LIMITS).map((plan) =>
        plan.kind === 'command'
          ? [plan.timeoutSeconds, plan.killGraceSeconds]
          : plan.kind === 'kill'
            ? [plan.timeoutSeconds]
            : [],
      );
    assert.deepEqual(timeouts(slow), [[30], [300, 30]]);
    assert.deepEqual(timeouts(fast), [[1], [5, 1]]);
  });

  it('passes the kill candidate on as it is, even one without a PID', () => {
    const candidate = { pid: undefined, refused: true, why: 'the heartbeat is not trusted (bad pid)' };
    assert.deepEqual(planActions(processConfig(), ['kill'], candidate, LIMITS), [
      { kind: 'kill', action: 'kill', candidate, timeoutSeconds: 10 },
    ]);
  });

  it('throws for an action that has no command', () => {
    assert.throws(() => planActions(processConfig(), ['kill', 'rebuild_cache', 'start'], { pid: 4000 }, LIMITS), {
      message: 'processes.web: action "rebuild_cache" has no command',
    });
  });

  it('throws for an action named like a property every object has, which is no command either', () => {
    // commands is a plain object: commands.toString is Object.prototype's function, not a command.
    for (const action of ['toString', 'constructor', 'hasOwnProperty']) {
      assert.throws(
        () => planActions(processConfig(), [action], { pid: 4000 }, LIMITS),
        { message: `processes.web: action "${action}" has no command` },
        action,
      );
    }
  });

  it('throws for a start without a start command', () => {
    assert.throws(() => planActions(processConfig({ commands: {} }), ['start'], { pid: 4000 }, LIMITS), {
      message: 'processes.web: no start command',
    });
  });
});

describe('quoteForShell', () => {
  const cases: [word: string, quoted: string][] = [
    ['--force', '--force'],
    ['-v', '-v'],
    ['/var/lib/app/db.sqlite', '/var/lib/app/db.sqlite'],
    ['key=value,other:1@host%2+3', 'key=value,other:1@host%2+3'],
    ['a b', "'a b'"],
    ["it's", "'it'\\''s'"],
    ['', "''"],
    ['$HOME', "'$HOME'"],
    ['*', "'*'"],
    ['`id`', "'`id`'"],
    ['a;rm -rf /', "'a;rm -rf /'"],
    ['~', "'~'"],
    ['line\nbreak', "'line\nbreak'"],
  ];
  for (const [word, quoted] of cases) {
    it(`${JSON.stringify(word)} → ${quoted}`, () => {
      assert.equal(quoteForShell(word), quoted);
    });
  }
});

describe('withArgs', () => {
  it('appends each argument quoted', () => {
    assert.equal(withArgs('./clear-db.sh', ['--force', 'a b', "it's"]), "./clear-db.sh --force 'a b' 'it'\\''s'");
    assert.equal(withArgs('./clear-db.sh', []), './clear-db.sh');
  });

  it('hands /bin/sh each argument as one word, exactly as written', () => {
    const args = [
      '--force',
      'a b',
      "it's",
      '',
      '$HOME',
      '*',
      '`echo no`',
      'a;echo no',
      "'quoted'",
      'line\nbreak',
      '"double"',
      '\\',
    ];
    // Arguments separated by NUL, so even an argument holding a newline comes back whole.
    const output = execFileSync('/bin/sh', ['-c', withArgs("printf '%s\\0'", args)], {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin', HOME: '/nowhere' },
    });
    assert.deepEqual(output.split('\0').slice(0, -1), args);
  });
});
