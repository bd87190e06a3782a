import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { processPathTrust, type PathTrust } from '../../src/system/path-trust.js';
import type { IsPrivateGroup } from '../../src/system/file-trust.js';
import { loadConfig, resolveConfigPath } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors.js';

let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'watchdog-load-config-'));
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Runs `loadConfig` expecting a ConfigError, and returns it. */
function configErrorOf(load: () => unknown): ConfigError {
  let caught: unknown;
  try {
    load();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${String(caught)}`);
  return caught;
}

const VALID = {
  db_path: 'state/watchdog.db',
  processes: {
    web: {
      display_name: 'Web',
      timeout_seconds: 30,
      heartbeat_path: 'hb/web.json',
      enabled: true,
      startup_command: 'python3 web.py',
    },
  },
};

describe('loadConfig', () => {
  it('loads a valid file and resolves paths against its folder', () => {
    const path = writeConfig('valid.json', JSON.stringify({ ...VALID, typo_key: 1 }, null, 2));
    const { config, warnings } = loadConfig(path);
    assert.equal(config.config_path, path);
    assert.equal(config.db_path, join(dir, 'state/watchdog.db'));
    assert.equal(config.lock_path, join(dir, 'state/watchdog.lock'));
    assert.equal(config.log_dir, join(dir, 'logs'));
    assert.equal(config.processes[0]?.heartbeat_path, join(dir, 'hb/web.json'));
    assert.deepEqual(config.processes[0]?.commands, { start: 'python3 web.py' });
    assert.deepEqual(warnings, ['typo_key: unknown setting, ignored']);
  });

  it('throws CONFIG_MISSING for a file that does not exist', () => {
    const path = join(dir, 'absent.json');
    const error = configErrorOf(() => loadConfig(path));
    assert.equal(error.code, 'CONFIG_MISSING');
    assert.equal(error.message, `config file not found: ${path}`);
    assert.deepEqual(error.problems, []);
    assert.match(error.hint ?? '', /-c PATH/);
    assert.equal((error.cause as NodeJS.ErrnoException).code, 'ENOENT');
  });

  it('throws CONFIG_MISSING when a folder of the path does not exist', () => {
    const error = configErrorOf(() => loadConfig(join(dir, 'no-such-folder', 'config.json')));
    assert.equal(error.code, 'CONFIG_MISSING');
  });

  it('throws CONFIG_UNREADABLE for a directory given as the config path', () => {
    const folder = join(dir, 'a-folder.json');
    mkdirSync(folder);
    const error = configErrorOf(() => loadConfig(folder));
    assert.equal(error.code, 'CONFIG_UNREADABLE');
    assert.match(error.message, new RegExp(`^cannot read config file ${folder}: EISDIR`));
    assert.deepEqual(error.problems, []);
    assert.equal((error.cause as NodeJS.ErrnoException).code, 'EISDIR');
  });

  it('throws CONFIG_UNREADABLE with a permissions hint when reading is denied', () => {
    const denied = Object.assign(new Error("EACCES: permission denied, open '/etc/watchdog/config.json'"), {
      code: 'EACCES',
    });
    const error = configErrorOf(() =>
      loadConfig('/etc/watchdog/config.json', () => {
        throw denied;
      }),
    );
    assert.equal(error.code, 'CONFIG_UNREADABLE');
    assert.equal(
      error.message,
      "cannot read config file /etc/watchdog/config.json: EACCES: permission denied, open '/etc/watchdog/config.json'",
    );
    assert.match(error.hint ?? '', /permissions/);
    assert.equal(error.cause, denied);
  });

  it('throws CONFIG_INVALID naming the line and column of a JSON syntax error', () => {
    // The stray `}` is on line 3, column 3.
    const path = writeConfig('syntax.json', '{\n  "processes": {},\n  }\n');
    const error = configErrorOf(() => loadConfig(path));
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.equal(error.message, `config file ${path} is not valid JSON`);
    assert.equal(error.problems.length, 1);
    assert.match(error.problems[0] ?? '', /^line 3, column 3: \S/);
    assert.ok(error.cause instanceof SyntaxError);
  });

  it('names line 1 for an error on the first line', () => {
    const path = writeConfig('syntax-line1.json', '{"processes": {} "x": 1}');
    const error = configErrorOf(() => loadConfig(path));
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.match(error.problems[0] ?? '', /^line 1, column 18: /);
  });

  it('throws CONFIG_INVALID for an empty file', () => {
    const path = writeConfig('empty.json', '');
    const error = configErrorOf(() => loadConfig(path));
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.equal(error.problems.length, 1);
    assert.match(error.problems[0] ?? '', /end of JSON input/);
  });

  it('throws CONFIG_INVALID with every problem and the warnings of an invalid config', () => {
    const path = writeConfig(
      'invalid.json',
      JSON.stringify({
        kill_timeout: 'ten',
        mystery: true,
        processes: {
          web: { display_name: 'Web', timeout_seconds: -1, heartbeat_path: 'hb.json', enabled: true },
          api: { ...VALID.processes.web, recovery_actions: ['kill', 'clear_db', 'start'] },
        },
      }),
    );
    const error = configErrorOf(() => loadConfig(path));
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.equal(error.message, `config file ${path} is invalid`);
    assert.deepEqual([...error.problems].sort(), [
      'kill_timeout: must be number',
      'processes.api.recovery_actions[1]: action "clear_db" has no command (add commands.clear_db, or remove or disable the action)',
      'processes.web.commands.start: is required (the command that starts the app; legacy configs call it startup_command)',
      'processes.web.timeout_seconds: must be more than 0 (got -1)',
    ]);
    assert.deepEqual(error.warnings, ['mystery: unknown setting, ignored']);
    assert.match(error.hint ?? '', /watchdog validate/);
  });

  it('refuses a key written twice, naming it and both lines, though each value is valid', () => {
    const path = writeConfig(
      'twice.json',
      '{\n  "kill_timeout": 5,\n  "processes": {},\n  "kill\\u005ftimeout": 6\n}\n',
    );
    const error = configErrorOf(() => loadConfig(path));
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.equal(error.message, `config file ${path} is invalid`);
    assert.deepEqual(error.problems, [
      'kill_timeout: written twice (lines 2 and 4); JSON keeps only the last, so remove or rename one',
    ]);
  });

  it('reports the problems of a process block that a later one with the same key replaced, with the others', () => {
    const web = (fields: Record<string, unknown>) => JSON.stringify({ ...VALID.processes.web, ...fields });
    const text = [
      '{',
      '  "processes": {',
      `    "web": ${web({ timeout_seconds: '30', enabled: undefined })},`,
      `    "api": ${web({ heartbeat_path: 'hb/api.json' })},`,
      `    "web": ${web({ kill_timeout: 1e300 })}`,
      '  },',
      '  "log_level": "loud"',
      '}',
    ].join('\n');
    const error = configErrorOf(() => loadConfig(writeConfig('pasted-twice.json', text)));
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.deepEqual(error.problems, [
      'processes.web: written twice (lines 3 and 5); JSON keeps only the last, so remove or rename one',
      'processes.web.enabled: is required (in the processes.web of line 3, which a later one replaces)',
      'processes.web.timeout_seconds: must be number (in the processes.web of line 3, which a later one replaces)',
      'log_level: must be one of debug, info, warn, warning, error, critical',
      'processes.web.kill_timeout: must be at most 86400 (got 1e+300)',
    ]);
  });

  it('names every line of a key written three times', () => {
    const path = writeConfig(
      'thrice.json',
      '{"processes": {},\n"db_path": "a.db",\n"db_path": "b.db",\n"db_path": "c.db"}',
    );
    assert.deepEqual(configErrorOf(() => loadConfig(path)).problems, [
      'db_path: written 3 times (lines 2, 3 and 4); JSON keeps only the last, so keep one',
    ]);
  });

  it('throws CONFIG_INVALID for valid JSON that is not an object', () => {
    const path = writeConfig('array.json', '[]');
    const error = configErrorOf(() => loadConfig(path));
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.deepEqual(error.problems, ['config: must be object']);
  });
});

describe('resolveConfigPath', () => {
  const cases: { name: string; cliPath?: string; env: Record<string, string | undefined>; expected: string }[] = [
    {
      name: '--config beats WATCHDOG_CONFIG',
      cliPath: 'mine.json',
      env: { WATCHDOG_CONFIG: '/etc/watchdog.json' },
      expected: '/home/pi/mine.json',
    },
    { name: 'an absolute --config is kept', cliPath: '/opt/w/config.json', env: {}, expected: '/opt/w/config.json' },
    {
      name: 'a relative --config is relative to cwd',
      cliPath: '../w/config.json',
      env: {},
      expected: '/home/w/config.json',
    },
    {
      name: 'WATCHDOG_CONFIG beats ./config.json',
      env: { WATCHDOG_CONFIG: '/etc/watchdog.json' },
      expected: '/etc/watchdog.json',
    },
    {
      name: 'a relative WATCHDOG_CONFIG is relative to cwd',
      env: { WATCHDOG_CONFIG: 'conf/w.json' },
      expected: '/home/pi/conf/w.json',
    },
    {
      name: 'an empty WATCHDOG_CONFIG counts as unset',
      env: { WATCHDOG_CONFIG: '' },
      expected: '/home/pi/config.json',
    },
    { name: 'otherwise ./config.json in cwd', env: {}, expected: '/home/pi/config.json' },
    {
      name: 'an undefined --config falls through',
      cliPath: undefined,
      env: { WATCHDOG_CONFIG: undefined },
      expected: '/home/pi/config.json',
    },
  ];
  for (const { name, cliPath, env, expected } of cases) {
    it(name, () => {
      assert.equal(resolveConfigPath({ cliPath, env, cwd: '/home/pi' }), expected);
    });
  }
});

/** This process's trust (root, the real file system), with groups as `isPrivateGroup` says. */
const trustWith = (isPrivateGroup: IsPrivateGroup): PathTrust => ({ ...processPathTrust(), isPrivateGroup });

describe('loadConfig: a config file other users may write is refused', () => {
  /** Group write by a group others are in (not the owner's private group). */
  const sharedGroup = (): boolean => false;
  for (const mode of [0o664, 0o666, 0o620, 0o602]) {
    const bits = mode.toString(8).padStart(4, '0');
    it(`refuses mode ${bits} (a shared group) with CONFIG_UNSAFE, the problem and a chmod hint`, () => {
      const path = writeConfig(`loose-${bits}.json`, JSON.stringify(VALID));
      chmodSync(path, mode);
      const error = configErrorOf(() => loadConfig(path, undefined, trustWith(sharedGroup)));
      assert.equal(error.code, 'CONFIG_UNSAFE');
      assert.equal(error.message, `config file ${path} can be changed by other users; refusing to use it`);
      assert.deepEqual(error.problems, [
        `${path} is writable by group or others (mode ${bits}); chmod go-w ${path}: whoever can change the config can make the watchdog run any command`,
      ]);
      assert.equal(
        error.hint,
        "make the config and its folders belong to root (or the watchdog's user) and not writable by others: chown root, chmod go-w",
      );
    });
  }

  it('refuses mode 0666 even when its group is the owner’s private group', () => {
    const path = writeConfig('loose-private-0666.json', JSON.stringify(VALID));
    chmodSync(path, 0o666);
    assert.equal(
      configErrorOf(() =>
        loadConfig(
          path,
          undefined,
          trustWith(() => true),
        ),
      ).code,
      'CONFIG_UNSAFE',
    );
  });

  it('loads mode 0664 when its group is the owner’s private group (a user private group, umask 002)', () => {
    const path = writeConfig('private-group-0664.json', JSON.stringify(VALID));
    chmodSync(path, 0o664);
    const asked: [number, number][] = [];
    const { config } = loadConfig(
      path,
      undefined,
      trustWith((gid, uid) => {
        asked.push([gid, uid]);
        return true;
      }),
    );
    assert.equal(config.config_path, path);
    const { uid, gid } = statSync(path);
    assert.deepEqual(asked, [[gid, uid]], 'asked about the file’s own group and owner');
  });

  it('refuses a group-writable file of a group that is not the owner’s private group, by this machine’s own groups', () => {
    const path = writeConfig('nogroup-0664.json', JSON.stringify(VALID));
    chmodSync(path, 0o664);
    // As root (as on the test machines and in CI): 65534 (nogroup) is not root's primary
    // group, so not its private group. Others cannot give a file away: the group is then faked.
    const root = process.getuid?.() === 0;
    if (root) chownSync(path, 0, 65534);
    assert.equal(
      configErrorOf(() => loadConfig(path, undefined, root ? undefined : trustWith(sharedGroup))).code,
      'CONFIG_UNSAFE',
    );
  });

  it('refuses a loose file before reading what is in it', () => {
    const path = writeConfig('loose-invalid.json', '{ not json');
    chmodSync(path, 0o666);
    assert.equal(configErrorOf(() => loadConfig(path)).code, 'CONFIG_UNSAFE');
  });

  for (const mode of [0o644, 0o600, 0o640, 0o444]) {
    const bits = mode.toString(8).padStart(4, '0');
    it(`loads mode ${bits}`, () => {
      const path = writeConfig(`tight-${bits}.json`, JSON.stringify(VALID));
      chmodSync(path, mode);
      const { config } = loadConfig(path, undefined, trustWith(sharedGroup));
      assert.equal(config.config_path, path);
      assert.deepEqual(
        config.processes.map((process) => process.key),
        ['web'],
      );
    });
  }
});
