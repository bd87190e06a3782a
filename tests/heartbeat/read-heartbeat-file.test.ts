import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  MAX_HEARTBEAT_BYTES,
  readHeartbeatFile,
  type HeartbeatFileRead,
} from '../../src/heartbeat/read-heartbeat-file.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MODULE = fileURLToPath(new URL('../../src/heartbeat/read-heartbeat-file.ts', import.meta.url));
const HEARTBEAT =
  '{"process_key":"web","pid":12345,"timestamp":"2026-02-05T06:17:29.601049+00:00","status":"running","iteration":42}\n';
/** Who owns the files this test writes: its own user. */
const OWNER = process.getuid?.();
/** Why a symbolic link is not read (opened with O_NOFOLLOW: it may point at another app's heartbeat). */
const SYMLINK_REFUSED = {
  kind: 'unreadable',
  reason: 'heartbeat path is a symbolic link: not trusted (it may point at any file)',
};

let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'watchdog-read-heartbeat-'));
  // Traversable, so the cases run as an unprivileged user can reach their files.
  chmodSync(dir, 0o755);
});

after(() => {
  // A folder of mode 000 cannot be emptied by a user who is not root.
  if (existsSync(join(dir, 'locked'))) chmodSync(join(dir, 'locked'), 0o755);
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string | Buffer, mode = 0o644): string {
  const path = join(dir, name);
  writeFileSync(path, content, { mode });
  chmodSync(path, mode);
  return path;
}

/**
 * Reads the paths in a child process, optionally behind a command that drops
 * privileges. A read that blocks then hangs the child, not this test file: the child
 * is killed after `timeout` and the assertion on its exit fails.
 */
function readInChild(paths: string[], prefix: string[] = []): HeartbeatFileRead[] {
  const script = `import { readHeartbeatFile } from ${JSON.stringify(MODULE)};
process.stdout.write(JSON.stringify(process.argv.slice(1).map((path) => readHeartbeatFile(path))));`;
  const command = [...prefix, process.execPath, '--import', 'tsx', '--input-type=module', '-e', script, ...paths];
  const [program = '', ...args] = command;
  const result = spawnSync(program, args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  assert.equal(result.signal, null, 'the child was killed after the timeout: the read blocked');
  assert.equal(result.error, undefined, `child failed to run: ${String(result.error)}`);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as HeartbeatFileRead[];
}

/** A command prefix that runs the rest as user nobody, when this machine has one. */
function asNobody(): string[] | undefined {
  if (spawnSync('setpriv', ['--version']).status === 0)
    return ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
  if (spawnSync('runuser', ['--version']).status === 0) return ['runuser', '-u', 'nobody', '--'];
  return undefined;
}

describe('readHeartbeatFile', () => {
  it('reports a missing file as missing', () => {
    assert.deepEqual(readHeartbeatFile(join(dir, 'absent.json')), { kind: 'missing' });
  });

  it('reports a missing folder on the path as missing', () => {
    assert.deepEqual(readHeartbeatFile(join(dir, 'no-such-folder', 'hb.json')), { kind: 'missing' });
  });

  it('reads a regular file', () => {
    assert.deepEqual(readHeartbeatFile(file('hb.json', HEARTBEAT)), { kind: 'read', text: HEARTBEAT, ownerUid: OWNER });
  });

  it('reads an empty file as empty text', () => {
    assert.deepEqual(readHeartbeatFile(file('empty.json', '')), { kind: 'read', text: '', ownerUid: OWNER });
  });

  it('reads UTF-8 text beyond ASCII', () => {
    const text = '{"status": "läuft ✓"}';
    assert.deepEqual(readHeartbeatFile(file('utf8.json', text)), { kind: 'read', text, ownerUid: OWNER });
  });

  it('drops a UTF-8 byte order mark', () => {
    const path = file('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')]));
    assert.deepEqual(readHeartbeatFile(path), { kind: 'read', text: '{}', ownerUid: OWNER });
  });

  it('refuses a symbolic link to a regular file, without reading its target', () => {
    const target = file('target.json', HEARTBEAT);
    const link = join(dir, 'link.json');
    symlinkSync(target, link);
    assert.deepEqual(readHeartbeatFile(link), SYMLINK_REFUSED);
  });

  it('refuses a dangling symbolic link (not trusted, rather than missing)', () => {
    const link = join(dir, 'dangling.json');
    symlinkSync(join(dir, 'nowhere.json'), link);
    assert.deepEqual(readHeartbeatFile(link), SYMLINK_REFUSED);
  });

  it('refuses a symbolic link loop', () => {
    symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'));
    symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'));
    assert.deepEqual(readHeartbeatFile(join(dir, 'loop-a')), SYMLINK_REFUSED);
  });

  it('refuses a directory', () => {
    const folder = join(dir, 'a-folder.json');
    mkdirSync(folder);
    assert.deepEqual(readHeartbeatFile(folder), { kind: 'unreadable', reason: 'heartbeat path is a directory' });
  });

  it('refuses a path through a regular file', () => {
    const regular = file('regular', HEARTBEAT);
    assert.deepEqual(readHeartbeatFile(join(regular, 'x')), {
      kind: 'unreadable',
      reason: 'a folder on the heartbeat path is not a directory',
    });
  });

  it('refuses a character device', () => {
    assert.deepEqual(readHeartbeatFile('/dev/null'), {
      kind: 'unreadable',
      reason: 'heartbeat path is not a regular file',
    });
  });

  it('refuses a FIFO without blocking on it', () => {
    const fifo = join(dir, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    // No writer ever opens the FIFO: a blocking open or read would wait forever.
    assert.deepEqual(readInChild([fifo]), [{ kind: 'unreadable', reason: 'heartbeat path is not a regular file' }]);
  });

  it(`reads a file of exactly ${MAX_HEARTBEAT_BYTES} bytes`, () => {
    const result = readHeartbeatFile(file('limit.json', Buffer.alloc(MAX_HEARTBEAT_BYTES, 0x20)));
    assert.equal(result.kind, 'read');
    assert.equal(result.kind === 'read' && result.text.length, MAX_HEARTBEAT_BYTES);
  });

  it('refuses a file larger than 64 KiB', () => {
    assert.equal(MAX_HEARTBEAT_BYTES, 64 * 1024);
    const path = file('huge.json', Buffer.alloc(MAX_HEARTBEAT_BYTES + 1, 0x20));
    assert.deepEqual(readHeartbeatFile(path), {
      kind: 'unreadable',
      reason: 'heartbeat file is too large (65537 bytes)',
    });
  });

  it('refuses bytes that are not UTF-8', () => {
    const path = file('latin1.json', Buffer.from([0xff, 0xfe, 0x41]));
    assert.deepEqual(readHeartbeatFile(path), { kind: 'unreadable', reason: 'heartbeat file is not valid UTF-8' });
  });

  it('refuses a truncated UTF-8 sequence at the end', () => {
    const path = file('cut.json', Buffer.concat([Buffer.from('{"status": "'), Buffer.from([0xe2, 0x9c])]));
    assert.deepEqual(readHeartbeatFile(path), { kind: 'unreadable', reason: 'heartbeat file is not valid UTF-8' });
  });

  it('refuses a file it may not read (permission denied)', () => {
    const denied = file('denied.json', HEARTBEAT, 0o000);
    const lockedFolder = join(dir, 'locked');
    mkdirSync(lockedFolder);
    file('locked/hb.json', HEARTBEAT);
    chmodSync(lockedFolder, 0o000);
    const readable = file('readable.json', HEARTBEAT);
    const paths = [readable, denied, join(lockedFolder, 'hb.json')];

    let results: HeartbeatFileRead[];
    if (process.getuid?.() !== 0) {
      results = paths.map((path) => readHeartbeatFile(path));
    } else {
      // Root reads mode 000 files, so these cases run as user nobody.
      const prefix = asNobody();
      assert.ok(
        prefix !== undefined,
        'running as root, and neither setpriv nor runuser can drop privileges (apt-get install -y util-linux; npm test checks for setpriv first)',
      );
      results = readInChild(paths, prefix);
    }
    const denial = { kind: 'unreadable', reason: 'heartbeat file is not readable (permission denied)' };
    // The readable control shows the unprivileged child reaches the folder at all.
    assert.deepEqual(results, [{ kind: 'read', text: HEARTBEAT, ownerUid: OWNER }, denial, denial]);
  });
});
