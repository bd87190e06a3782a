import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UserAccount } from '../../src/system/lookup-user.js';
import { setprivPath, shellArgv, userEnv } from '../../src/system/shell-argv.js';

const APP: UserAccount = { name: 'app', uid: 1000, gid: 1001, home: '/home/app' };
const COMMAND = 'exec ./server --port 8080 "$HOME"';

describe('shellArgv', () => {
  it('without a user: /bin/sh -c, the command as one argument', () => {
    assert.deepEqual(shellArgv(COMMAND, undefined, 0), { file: '/bin/sh', args: ['-c', COMMAND] });
  });

  it('with a user: through setpriv, with its uid, primary gid and its groups', () => {
    assert.deepEqual(shellArgv(COMMAND, APP, 0), {
      file: setprivPath(),
      args: ['--reuid=1000', '--regid=1001', '--init-groups', '--', '/bin/sh', '-c', COMMAND],
    });
  });

  it('with the user the watchdog already runs as: plain sh', () => {
    assert.deepEqual(shellArgv(COMMAND, APP, 1000), { file: '/bin/sh', args: ['-c', COMMAND] });
  });

  it('with root as the user, run by root: plain sh', () => {
    assert.deepEqual(shellArgv(COMMAND, { name: 'root', uid: 0, gid: 0, home: '/root' }, 0), {
      file: '/bin/sh',
      args: ['-c', COMMAND],
    });
  });

  it('when the own uid is not known: setpriv', () => {
    assert.equal(shellArgv(COMMAND, APP, undefined).file, setprivPath());
  });

  it('by default compares with the uid the watchdog runs as', () => {
    const own = process.geteuid?.();
    assert.ok(own !== undefined, 'a POSIX system has an effective uid');
    assert.deepEqual(shellArgv(COMMAND, { ...APP, uid: own }), { file: '/bin/sh', args: ['-c', COMMAND] });
    assert.equal(shellArgv(COMMAND, { ...APP, uid: own + 1 }).file, setprivPath());
  });
});

describe('userEnv', () => {
  it('sets HOME, USER and LOGNAME as a login would', () => {
    assert.deepEqual(userEnv(APP), { HOME: '/home/app', USER: 'app', LOGNAME: 'app' });
  });
});

describe('setprivPath', () => {
  it('is an absolute path, never looked up through PATH (an app user could plant a setpriv there)', () => {
    assert.equal(
      setprivPath(() => false),
      '/usr/bin/setpriv',
    );
    assert.equal(
      setprivPath((path) => path === '/bin/setpriv'),
      '/bin/setpriv',
    );
    assert.ok(setprivPath().startsWith('/'), 'absolute on this machine');
  });
});
