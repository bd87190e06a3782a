import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../src/config/validate-config.js';
import { webProcessEntry } from '../helpers/process-config.js';

const CONFIG_PATH = '/srv/watchdog/config.json';

function validate(filesystems: unknown, extra: Record<string, unknown> = {}) {
  return validateConfig(
    { processes: { web: webProcessEntry() }, filesystems, ...extra },
    CONFIG_PATH,
    (name) => (name === 'app' ? { name: 'app', uid: 1000, gid: 1000, home: '/home/app' } : undefined),
    {},
  );
}

function errorsOf(filesystems: unknown, extra: Record<string, unknown> = {}): string[] {
  const result = validate(filesystems, extra);
  assert.equal(result.config, undefined, 'a config with errors must not load');
  return [...result.errors].sort();
}

describe('filesystems: valid entries load', () => {
  it('applies the defaults, inherits the top level as a process does, and resolves paths', () => {
    const result = validate(
      {
        logs: {
          path: 'logs',
          min_free_mb: 50,
          commands: { clean_logs: 'find /var/log -name "*.gz" -delete' },
          recovery_actions: ['clean_logs'],
          user: 'app',
        },
        root: { path: '/', fail_if_read_only: true, max_recoveries: 1, cleanup_args: ['-v'] },
      },
      {
        consecutive_failures_threshold: 3,
        cleanup_timeout: 30,
        recovery_backoff_seconds: 5,
        cleanup_args: ['--force'],
      },
    );
    assert.deepEqual(result.errors, []);
    const [logs, root] = result.config?.filesystems ?? [];
    assert.deepEqual(logs, {
      key: 'logs',
      display_name: 'logs',
      path: '/srv/watchdog/logs',
      enabled: true,
      min_free_mb: 50,
      min_free_percent: undefined,
      fail_if_read_only: undefined,
      commands: { clean_logs: 'find /var/log -name "*.gz" -delete' },
      recovery_actions: ['clean_logs'],
      consecutive_failures_threshold: 3,
      kill_timeout: 10,
      cleanup_timeout: 30,
      // Not the top level's: a plain `find` or `rm` must not get `--force`.
      cleanup_args: [],
      max_recoveries: 3,
      recovery_window_seconds: 3600,
      recovery_backoff_seconds: 5,
      cwd: '/srv/watchdog',
      env: {},
      user: { name: 'app', uid: 1000, gid: 1000, home: '/home/app' },
    });
    assert.equal(root?.fail_if_read_only, true);
    assert.deepEqual(root?.recovery_actions, [], 'alert only without recovery_actions');
    assert.deepEqual(root?.cleanup_args, ['-v']);
    assert.equal(root?.max_recoveries, 1);
  });

  it('a config without filesystems has none', () => {
    assert.deepEqual(validateConfig({ processes: {} }, CONFIG_PATH).config?.filesystems, []);
  });
});

describe('filesystems: validate refuses, with `path: message`', () => {
  it('an entry that checks nothing', () => {
    assert.deepEqual(errorsOf({ logs: { path: '/var/log' } }), [
      'filesystems.logs: checks nothing; set min_free_mb, min_free_percent or fail_if_read_only',
    ]);
  });

  it('a key that is also a process key', () => {
    assert.deepEqual(errorsOf({ web: { path: '/var/log', min_free_mb: 10 } }), [
      'filesystems.web: the key "web" is also a process (processes.web); keys name rows of the audit log, so each must be unique across processes and filesystems',
    ]);
  });

  it('kill, start and wake-ups: a file system recovery runs only its commands', () => {
    assert.deepEqual(
      errorsOf({
        logs: {
          path: '/var/log',
          min_free_mb: 10,
          commands: { start: 'x', clean: 'y' },
          recovery_actions: ['kill', 'clean', 'start'],
          wake_on_lan: { nas: { mac: '00:11:22:33:44:55' } },
        },
      }),
      [
        'filesystems.logs.commands.start: "start" is a process\'s built-in action; give the command another name',
        'filesystems.logs.recovery_actions[0]: "kill" is for processes; a file system\'s recovery runs only its commands',
        'filesystems.logs.recovery_actions[2]: "start" is for processes; a file system\'s recovery runs only its commands',
        "filesystems.logs.wake_on_lan: a file system's recovery runs only its commands; wake-ups are for processes",
        'filesystems.logs.wake_on_lan: unknown setting',
      ],
    );
  });

  it('an action with no command, an unknown user, a setting only processes have', () => {
    assert.deepEqual(
      errorsOf({
        logs: { path: '/var/log', min_free_mb: 10, recovery_actions: ['clean'], user: 'nobody-here', verify_delay: 1 },
      }),
      [
        'filesystems.logs.recovery_actions[0]: action "clean" has no command (add commands.clean, or remove the action)',
        'filesystems.logs.user: no user "nobody-here" in /etc/passwd',
        'filesystems.logs.verify_delay: unknown setting',
      ],
    );
  });

  it('a missing path, and limits out of range', () => {
    assert.deepEqual(
      errorsOf({
        logs: { min_free_mb: 0, min_free_percent: 100 },
        data: { path: '/data', fail_if_read_only: 'yes' },
      }),
      [
        'filesystems.data.fail_if_read_only: must be boolean',
        'filesystems.logs.min_free_mb: must be more than 0 (got 0)',
        'filesystems.logs.min_free_percent: must be at most 99 (got 100)',
        'filesystems.logs.path: is required',
      ],
    );
  });
});
