import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findUserInPasswd, passwdLookup, type UserAccount } from '../../src/system/lookup-user.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const PASSWD = [
  'root:x:0:0:root:/root:/bin/bash',
  'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
  'app:x:1000:1001:The App,,,:/home/app:/bin/sh',
  'nohome:x:1002:1002::::/bin/sh',
  '',
].join('\n');

describe('findUserInPasswd', () => {
  const cases: [string, string, string, UserAccount | undefined][] = [
    ['root', PASSWD, 'root', { name: 'root', uid: 0, gid: 0, home: '/root' }],
    ['a user with another primary group', PASSWD, 'app', { name: 'app', uid: 1000, gid: 1001, home: '/home/app' }],
    ['nobody', PASSWD, 'nobody', { name: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent' }],
    [
      'an empty home is /',
      'nohome:x:1002:1002:::/bin/sh',
      'nohome',
      { name: 'nohome', uid: 1002, gid: 1002, home: '/' },
    ],
    ['an unknown name', PASSWD, 'mallory', undefined],
    ['a name is matched whole, not as a prefix', PASSWD, 'ap', undefined],
    ['case matters', PASSWD, 'App', undefined],
    ['an empty name', PASSWD, '', undefined],
    ['empty text', '', 'root', undefined],
    // Malformed lines are skipped, and the accounts after them still found.
    [
      'too few fields',
      'app:x:1000:1000:/home/app\napp:x:1000:1000::/home/app:/bin/sh',
      'app',
      { name: 'app', uid: 1000, gid: 1000, home: '/home/app' },
    ],
    ['a uid that is not a number', 'app:x:abc:1000::/home/app:/bin/sh', 'app', undefined],
    ['a negative uid', 'app:x:-1:1000::/home/app:/bin/sh', 'app', undefined],
    ['an empty uid', 'app:x::1000::/home/app:/bin/sh', 'app', undefined],
    ['a gid that is not a number', 'app:x:1000:1e3::/home/app:/bin/sh', 'app', undefined],
    [
      'a malformed line for the name, then a sound one',
      'app:x:zero:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh',
      'app',
      { name: 'app', uid: 1000, gid: 1000, home: '/home/app' },
    ],
    [
      'the first sound entry of a name wins',
      'app:x:1000:1000::/a:/bin/sh\napp:x:2000:2000::/b:/bin/sh',
      'app',
      { name: 'app', uid: 1000, gid: 1000, home: '/a' },
    ],
    ['a comment-like line is no account', '# app:x:0:0::/root:/bin/sh', 'app', undefined],
    [
      'CRLF line ends keep the last field, not the home',
      'app:x:1000:1000::/home/app:/bin/sh\r\n',
      'app',
      { name: 'app', uid: 1000, gid: 1000, home: '/home/app' },
    ],
  ];
  for (const [name, text, user, expected] of cases) {
    it(name, () => {
      assert.deepEqual(findUserInPasswd(text, user), expected);
    });
  }
});

describe('passwdLookup', () => {
  it('finds users in a passwd file, and undefined for unknown ones', () => {
    const path = join(makeTempDir('watchdog-passwd-'), 'passwd');
    writeFileSync(path, PASSWD);
    const lookup = passwdLookup(path);
    assert.deepEqual(lookup('app'), { name: 'app', uid: 1000, gid: 1001, home: '/home/app' });
    assert.deepEqual(lookup('nobody'), { name: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent' });
    assert.equal(lookup('no_such_user_xyz'), undefined);
  });

  it('reads the file once, when first asked', () => {
    const path = join(makeTempDir('watchdog-passwd-'), 'passwd');
    const lookup = passwdLookup(path);
    // Not there when made: nothing is read until a lookup.
    writeFileSync(path, PASSWD);
    assert.deepEqual(lookup('root'), { name: 'root', uid: 0, gid: 0, home: '/root' });
    writeFileSync(path, 'late:x:3000:3000::/late:/bin/sh\n');
    assert.equal(lookup('late'), undefined, 'a later change is not seen');
  });

  it('throws when the file cannot be read', () => {
    const lookup = passwdLookup(join(makeTempDir('watchdog-passwd-'), 'absent'));
    assert.throws(() => lookup('root'), { code: 'ENOENT' });
  });

  it('finds root in this machine’s /etc/passwd', () => {
    assert.deepEqual(passwdLookup()('root')?.uid, 0);
  });
});
