import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_RUNTIME_DIR, runtimeDirOf } from '../../src/config/runtime-dir.js';

describe('runtimeDirOf', () => {
  it('is /run/watchdog for root, whatever XDG_RUNTIME_DIR says', () => {
    assert.equal(runtimeDirOf({}, 0), DEFAULT_RUNTIME_DIR);
    assert.equal(runtimeDirOf({ XDG_RUNTIME_DIR: '/run/user/0' }, 0), '/run/watchdog');
  });

  it("is the user's own runtime folder by UID, not by XDG_RUNTIME_DIR (cron sets none, a login does)", () => {
    assert.equal(runtimeDirOf({ XDG_RUNTIME_DIR: '/elsewhere' }, 1000), '/run/user/1000/watchdog');
    assert.equal(runtimeDirOf({}, 1000), '/run/user/1000/watchdog');
  });

  it('takes WATCHDOG_RUNTIME_DIR first, when it is an absolute path', () => {
    assert.equal(runtimeDirOf({ WATCHDOG_RUNTIME_DIR: '/srv/run' }, 1000), '/srv/run');
    assert.equal(runtimeDirOf({ WATCHDOG_RUNTIME_DIR: 'relative/run' }, 0), DEFAULT_RUNTIME_DIR);
  });
});
