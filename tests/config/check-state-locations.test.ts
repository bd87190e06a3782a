import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkStateLocations } from '../../src/config/check-state-locations.js';
import type { StatPath } from '../../src/system/path-trust.js';
import { makeTempDir } from '../helpers/temp-dir.js';

interface Entry {
  mode: number;
  uid: number;
  gid: number;
}

/** A file system of paths, their modes and owners; anything else is missing. Records what was asked. */
function fakeStat(entries: Record<string, Entry>): StatPath & { asked: string[] } {
  const asked: string[] = [];
  const stat = (path: string) => {
    asked.push(path);
    return entries[path];
  };
  return Object.assign(stat, { asked });
}

/** Owned by root, group root, unless said otherwise. */
const DIR = (mode: number, uid = 0, gid = 0): Entry => ({ mode: 0o040000 | mode, uid, gid });
const FILE = (mode: number, uid = 0, gid = 0): Entry => ({ mode: 0o100000 | mode, uid, gid });

/** User 1000's private group is 1000; group 50 (staff) is shared, as is every other. */
const privateGroups = (gid: number, uid: number): boolean => gid === uid && gid === 1000;

/** The watchdog runs as root; groups as `privateGroups` says. */
const trustOf = (statPath: StatPath) => ({ ownUid: 0, isPrivateGroup: privateGroups, statPath });

const STATE = {
  db_path: '/var/lib/watchdog/watchdog.db',
  journal_path: '/var/lib/watchdog/watchdog.db.journal',
  lock_path: '/var/lib/watchdog/watchdog.lock',
};
const FOLDER_ADVICE = "use a folder only the watchdog's user can write, such as /var/lib/watchdog";

describe('checkStateLocations (a fake file system)', () => {
  const cases: {
    name: string;
    entries: Record<string, Entry>;
    config?: Partial<typeof STATE>;
    ownUid?: number;
    problems: string[];
  }[] = [
    {
      name: 'a folder only its owner writes, with files 0600 and 0644: no problem',
      entries: {
        '/': DIR(0o755),
        '/var/lib/watchdog': DIR(0o700),
        [STATE.db_path]: FILE(0o600),
        [STATE.journal_path]: FILE(0o600),
        [STATE.lock_path]: FILE(0o644),
      },
      problems: [],
    },
    {
      name: 'nothing created yet, in a safe folder: no problem',
      entries: { '/': DIR(0o755), '/var/lib/watchdog': DIR(0o755) },
      problems: [],
    },
    {
      name: 'a world-writable folder: a problem for each location in it',
      entries: { '/var/lib/watchdog': DIR(0o777) },
      problems: ['db_path', 'journal_path', 'lock_path'].map(
        (setting) =>
          `${setting}: its folder /var/lib/watchdog is writable by group or others (mode 0777); ${FOLDER_ADVICE}`,
      ),
    },
    {
      name: 'a sticky /tmp does not help',
      entries: { '/tmp': DIR(0o1777) },
      config: {
        db_path: '/tmp/watchdog.db',
        journal_path: '/tmp/watchdog.db.journal',
        lock_path: '/tmp/watchdog.lock',
      },
      problems: ['db_path', 'journal_path', 'lock_path'].map(
        (setting) => `${setting}: its folder /tmp is writable by group or others (mode 1777); ${FOLDER_ADVICE}`,
      ),
    },
    {
      name: 'a group-writable folder is a problem too',
      entries: { '/var/lib/watchdog': DIR(0o770) },
      config: { db_path: STATE.db_path, journal_path: '/root/j', lock_path: '/root/l' },
      problems: [`db_path: its folder /var/lib/watchdog is writable by group or others (mode 0770); ${FOLDER_ADVICE}`],
    },
    {
      name: "a folder group-writable by its owner's private group is the owner's alone (umask 002): no problem",
      // The watchdog runs as pi (uid 1000), who owns these.
      ownUid: 1000,
      entries: { '/home/pi/state': DIR(0o775, 1000, 1000), '/home/pi/state/w.db': FILE(0o664, 1000, 1000) },
      config: {
        db_path: '/home/pi/state/w.db',
        journal_path: '/home/pi/state/w.db.journal',
        lock_path: '/home/pi/state/w.lock',
      },
      problems: [],
    },
    {
      name: 'a folder group-writable by a shared group is a problem',
      // The watchdog runs as pi (uid 1000), who owns these.
      ownUid: 1000,
      entries: { '/home/pi/state': DIR(0o775, 1000, 50) },
      config: { db_path: '/home/pi/state/w.db', journal_path: '/root/j', lock_path: '/root/l' },
      problems: [`db_path: its folder /home/pi/state is writable by group or others (mode 0775); ${FOLDER_ADVICE}`],
    },
    {
      name: "a file group-writable by its owner's private group but of another owner's group is a problem",
      entries: { '/home/pi/state': DIR(0o700, 1000, 1000), '/home/pi/state/w.db': FILE(0o664, 0, 1000) },
      config: { db_path: '/home/pi/state/w.db', journal_path: '/root/j', lock_path: '/root/l' },
      problems: [
        'db_path: /home/pi/state/w.db is writable by group or others (mode 0664); chmod go-w /home/pi/state/w.db',
      ],
    },
    {
      name: "world-writable is a problem even with the owner's private group",
      // The watchdog runs as pi (uid 1000), who owns these.
      ownUid: 1000,
      entries: { '/home/pi/state': DIR(0o777, 1000, 1000) },
      config: { db_path: '/home/pi/state/w.db', journal_path: '/root/j', lock_path: '/root/l' },
      problems: [`db_path: its folder /home/pi/state is writable by group or others (mode 0777); ${FOLDER_ADVICE}`],
    },
    {
      name: 'a loose database file in a safe folder: chmod go-w the file',
      entries: { '/var/lib/watchdog': DIR(0o700), [STATE.db_path]: FILE(0o666) },
      problems: [`db_path: ${STATE.db_path} is writable by group or others (mode 0666); chmod go-w ${STATE.db_path}`],
    },
    {
      name: 'a loose file in a loose folder names the file only',
      entries: { '/var/lib/watchdog': DIR(0o777), [STATE.lock_path]: FILE(0o664) },
      config: { db_path: '/root/w.db', journal_path: '/root/w.db.journal', lock_path: STATE.lock_path },
      problems: [
        `lock_path: ${STATE.lock_path} is writable by group or others (mode 0664); chmod go-w ${STATE.lock_path}`,
      ],
    },
    {
      name: 'a missing folder: the nearest existing one decides (loose)',
      entries: { '/srv': DIR(0o777) },
      config: { db_path: '/srv/a/b/watchdog.db', journal_path: '/root/j', lock_path: '/root/l' },
      problems: [`db_path: its folder /srv is writable by group or others (mode 0777); ${FOLDER_ADVICE}`],
    },
    {
      name: 'a missing folder whose nearest existing parent and those above are safe: no problem',
      entries: { '/srv': DIR(0o755), '/': DIR(0o755) },
      config: { db_path: '/srv/a/b/watchdog.db', journal_path: '/srv/a/j', lock_path: '/srv/l' },
      problems: [],
    },
    {
      name: 'nothing exists at all, not even /: nothing to say',
      entries: {},
      problems: [],
    },
  ];
  cases.push(
    {
      name: 'a folder that belongs to another user: each location in it is refused',
      entries: { '/': DIR(0o755), '/var/lib/watchdog': DIR(0o700, 1000, 1000) },
      problems: ['db_path', 'journal_path', 'lock_path'].map(
        (setting) =>
          `${setting}: its folder /var/lib/watchdog belongs to user 1000, not to root or the watchdog's user`,
      ),
    },
    {
      name: 'a database file that belongs to another user: refused with a chown hint',
      entries: { '/': DIR(0o755), '/var/lib/watchdog': DIR(0o700), [STATE.db_path]: FILE(0o600, 1000, 1000) },
      problems: [
        `db_path: ${STATE.db_path} belongs to user 1000, not to root or the watchdog's user; chown root ${STATE.db_path}`,
      ],
    },
    {
      name: 'a folder above that belongs to another user (pi could rename the folder away): refused',
      entries: { '/': DIR(0o755), '/home/pi': DIR(0o755, 1000, 1000), '/home/pi/watchdog': DIR(0o700) },
      config: {
        db_path: '/home/pi/watchdog/w.db',
        journal_path: '/home/pi/watchdog/w.j',
        lock_path: '/home/pi/watchdog/w.lock',
      },
      problems: ['db_path', 'journal_path', 'lock_path'].map(
        (setting) =>
          `${setting}: the folder above it, /home/pi belongs to user 1000, not to root or the watchdog's user`,
      ),
    },
    {
      name: 'a sticky world-writable folder above a private one (/tmp): no problem',
      entries: { '/': DIR(0o755), '/tmp': DIR(0o1777), '/tmp/w': DIR(0o700) },
      config: { db_path: '/tmp/w/w.db', journal_path: '/tmp/w/w.j', lock_path: '/tmp/w/w.lock' },
      problems: [],
    },
    {
      name: 'a world-writable folder above without the sticky bit: refused',
      entries: { '/': DIR(0o755), '/srv': DIR(0o777), '/srv/w': DIR(0o700) },
      config: { db_path: '/srv/w/w.db', journal_path: '/srv/w/w.j', lock_path: '/srv/w/w.lock' },
      problems: ['db_path', 'journal_path', 'lock_path'].map(
        (setting) =>
          `${setting}: the folder above it, /srv is writable by group or others (mode 0777); ${FOLDER_ADVICE}`,
      ),
    },
  );
  for (const { name, entries, config, ownUid = 0, problems } of cases) {
    it(name, () => {
      assert.deepEqual(
        checkStateLocations({ ...STATE, ...config }, { ...trustOf(fakeStat(entries)), ownUid }),
        problems,
      );
    });
  }

  it('checks the fallback journal as every other location: a /run/watchdog others may write is refused', () => {
    const fallback = '/run/watchdog/journals/%2Fvar%2Flib%2Fwatchdog%2Fwatchdog.db.journal';
    const safe = { '/': DIR(0o755), '/var/lib/watchdog': DIR(0o700), '/run': DIR(0o755) };
    assert.deepEqual(
      checkStateLocations({ ...STATE, fallback_journal_path: fallback }, trustOf(fakeStat(safe))),
      [],
      'not made yet, under a safe /run',
    );
    assert.deepEqual(
      checkStateLocations(
        { ...STATE, fallback_journal_path: fallback },
        trustOf(fakeStat({ ...safe, '/run/watchdog': DIR(0o777) })),
      ),
      [`fallback_journal_path: its folder /run/watchdog is writable by group or others (mode 0777); ${FOLDER_ADVICE}`],
    );
  });

  it('walks up from a missing folder to the first one that exists, then checks every folder above it', () => {
    const stat = fakeStat({ '/srv': DIR(0o700) });
    checkStateLocations(
      { db_path: '/srv/a/b/watchdog.db', journal_path: '/srv/j', lock_path: '/srv/l' },
      trustOf(stat),
    );
    assert.deepEqual(stat.asked, [
      '/srv/a/b/watchdog.db',
      '/srv/a/b',
      '/srv/a',
      '/srv',
      '/',
      '/srv/j',
      '/srv',
      '/',
      '/srv/l',
      '/srv',
      '/',
    ]);
  });
});

describe('checkStateLocations (real folders)', () => {
  /** The three locations in `folder`. */
  const locationsIn = (folder: string) => ({
    db_path: join(folder, 'watchdog.db'),
    journal_path: join(folder, 'watchdog.db.journal'),
    lock_path: join(folder, 'watchdog.lock'),
  });

  it('a folder of mode 0700: no problem', () => {
    const folder = join(makeTempDir('watchdog-state-'), 'state');
    mkdirSync(folder);
    chmodSync(folder, 0o700);
    writeFileSync(join(folder, 'watchdog.db'), '', { mode: 0o600 });
    assert.deepEqual(checkStateLocations(locationsIn(folder)), []);
  });

  it('a folder of mode 0777: a problem for each location', () => {
    const folder = join(makeTempDir('watchdog-state-'), 'state');
    mkdirSync(folder);
    chmodSync(folder, 0o777);
    assert.deepEqual(
      checkStateLocations(locationsIn(folder)),
      ['db_path', 'journal_path', 'lock_path'].map(
        (setting) => `${setting}: its folder ${folder} is writable by group or others (mode 0777); ${FOLDER_ADVICE}`,
      ),
    );
  });

  it('a missing database folder whose nearest existing parent is loose', () => {
    const parent = join(makeTempDir('watchdog-state-'), 'shared');
    mkdirSync(parent);
    chmodSync(parent, 0o777);
    const dbPath = join(parent, 'not', 'yet', 'watchdog.db');
    const safe = makeTempDir('watchdog-state-');
    assert.deepEqual(
      checkStateLocations({ db_path: dbPath, journal_path: join(safe, 'j'), lock_path: join(safe, 'l') }),
      [`db_path: its folder ${parent} is writable by group or others (mode 0777); ${FOLDER_ADVICE}`],
    );
  });

  it('a loose database file in a safe folder', () => {
    const folder = makeTempDir('watchdog-state-');
    const dbPath = join(folder, 'watchdog.db');
    writeFileSync(dbPath, '');
    chmodSync(dbPath, 0o666);
    assert.deepEqual(checkStateLocations(locationsIn(folder)), [
      `db_path: ${dbPath} is writable by group or others (mode 0666); chmod go-w ${dbPath}`,
    ]);
  });

  it('a path under a regular file counts as missing: its folder is checked', () => {
    const folder = makeTempDir('watchdog-state-');
    const file = join(folder, 'a-file');
    writeFileSync(file, '');
    chmodSync(file, 0o666);
    // lstat of a-file/watchdog.db fails with ENOTDIR; the nearest thing that exists is the loose file itself.
    assert.deepEqual(checkStateLocations({ ...locationsIn(folder), db_path: join(file, 'watchdog.db') }), [
      `db_path: its folder ${file} is writable by group or others (mode 0666); ${FOLDER_ADVICE}`,
    ]);
  });

  const root = process.getuid?.() === 0;
  const asRoot = { skip: !root && 'gives folders to another user: needs root' };

  it('refuses a log folder and a metrics folder others can write, naming each setting', () => {
    const safe = makeTempDir('watchdog-state-');
    const open = join(safe, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    assert.deepEqual(
      checkStateLocations({
        ...locationsIn(safe),
        log_dir: open,
        metrics: { textfile_path: join(open, 'watchdog.prom') },
      }),
      [
        `log_dir: its folder ${open} is writable by group or others (mode 0777); ${FOLDER_ADVICE}`,
        `metrics.textfile_path: its folder ${open} is writable by group or others (mode 0777); ${FOLDER_ADVICE}`,
      ],
    );
  });

  it(
    "accepts a metrics folder of root's below a folder of another user's (Debian's /var/lib/prometheus)",
    asRoot,
    () => {
      const safe = makeTempDir('watchdog-state-');
      chmodSync(safe, 0o755);
      const prometheus = join(safe, 'prometheus');
      mkdirSync(join(prometheus, 'node-exporter'), { recursive: true });
      chownSync(prometheus, 65534, 65534);
      const textfile = join(prometheus, 'node-exporter', 'watchdog.prom');
      assert.deepEqual(checkStateLocations({ ...locationsIn(safe), metrics: { textfile_path: textfile } }), []);
      // The database is used by its path: every folder above it must be safe.
      assert.deepEqual(
        checkStateLocations({ ...locationsIn(safe), db_path: join(prometheus, 'node-exporter', 'w.db') }),
        [`db_path: the folder above it, ${prometheus} belongs to user 65534, not to root or the watchdog's user`],
      );
    },
  );

  it('refuses a location reached through a link another user could have planted', asRoot, () => {
    const safe = makeTempDir('watchdog-state-');
    chmodSync(safe, 0o755);
    const theirs = join(safe, 'theirs');
    mkdirSync(theirs);
    mkdirSync(join(safe, 'state'), { mode: 0o700 });
    symlinkSync(join(safe, 'state'), join(theirs, 'logs'));
    chownSync(theirs, 65534, 65534);
    assert.deepEqual(checkStateLocations({ ...locationsIn(join(safe, 'state')), log_dir: join(theirs, 'logs') }), [
      `log_dir: ${theirs}/logs is a symbolic link in ${theirs}, a folder of user 65534: not followed`,
    ]);
  });

  it('judges a location reached through a link of root’s by where it leads', () => {
    const safe = makeTempDir('watchdog-state-');
    const loose = join(safe, 'loose');
    mkdirSync(loose);
    chmodSync(loose, 0o777);
    symlinkSync(loose, join(safe, 'state'));
    assert.deepEqual(
      checkStateLocations(locationsIn(join(safe, 'state'))),
      ['db_path', 'journal_path', 'lock_path'].map(
        (setting) => `${setting}: its folder ${loose} is writable by group or others (mode 0777); ${FOLDER_ADVICE}`,
      ),
    );
  });

  it('refuses a state file that is itself a link', () => {
    const safe = makeTempDir('watchdog-state-');
    writeFileSync(join(safe, 'elsewhere.db'), '', { mode: 0o600 });
    symlinkSync(join(safe, 'elsewhere.db'), join(safe, 'watchdog.db'));
    assert.deepEqual(checkStateLocations(locationsIn(safe)), [
      `db_path: ${join(safe, 'watchdog.db')} is a symbolic link; name the file it points at instead`,
    ]);
  });

  it('judges what it can see when run by a user who cannot search a folder (status as non-root)', asRoot, () => {
    const safe = makeTempDir('watchdog-state-');
    chmodSync(safe, 0o755);
    mkdirSync(join(safe, 'logs'), { mode: 0o700 });
    // The built module, run as nobody: the test's own TypeScript loader may not be readable by it.
    const module = new URL('../../dist/config/check-state-locations.js', import.meta.url).href;
    const script = `import(${JSON.stringify(module)}).then((m) => process.stdout.write(JSON.stringify(m.checkStateLocations(${JSON.stringify(
      {
        ...locationsIn(safe),
        log_dir: join(safe, 'logs'),
      },
    )}))))`;
    const run = spawnSync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', script],
      { encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), []);
  });
});
