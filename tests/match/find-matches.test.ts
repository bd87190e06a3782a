// findMatches over the real procfs readers, on a fake /proc tree: what the pattern is ever
// asked to search. Another user's process with megabytes of arguments once held a tick for
// 44 s (a pattern such as `mosquitto.*\.conf` is quadratic in the text it searches), and
// with it the lock: the pattern must see only the user's processes, each once, each cut to
// the 4096 bytes `pgrep -f` reads.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findMatches } from '../../src/match/find-matches.js';
import { COMMAND_LINE_MAX_BYTES } from '../../src/system/process-owner.js';
import { realSystem } from '../../src/system/system.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const MQTT = { name: 'mqtt', uid: 1001, gid: 1001, home: '/' };
const NOBODY = 65534;

/** A pattern that writes down every text it is asked to search. */
class RecordingRegExp extends RegExp {
  readonly searched: string[] = [];
  override exec(text: string): RegExpExecArray | null {
    this.searched.push(text);
    return super.exec(text);
  }
}

interface FakeEntry {
  pid: number;
  uid: number;
  /** Its arguments, joined by NULs in /proc/PID/cmdline. */
  argv: string[];
}

/** A fake procfs root: each process's stat, status and cmdline. */
function fakeProc(entries: FakeEntry[]): string {
  const root = makeTempDir('watchdog-match-proc-');
  writeFileSync(join(root, 'stat'), 'btime 1000000\n');
  for (const { pid, uid, argv } of entries) {
    mkdirSync(join(root, String(pid)));
    // Fields 3 (state) to 22 (start time): state, ppid, pgrp, session, 15 more, starttime.
    writeFileSync(
      join(root, String(pid), 'stat'),
      `${pid} (x) S 1 ${pid} ${pid} ${'0 '.repeat(15)}${5000 + pid} 0 0\n`,
    );
    writeFileSync(join(root, String(pid), 'status'), `Name:\tx\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\n`);
    writeFileSync(join(root, String(pid), 'cmdline'), `${argv.join('\0')}\0`);
  }
  return root;
}

const SELF = { ownPid: 500, ancestors: new Set<number>(), ownArguments: 'check', isWatchdogRun: () => false };

describe('findMatches on a fake /proc', () => {
  const huge = 'mosquitto'.repeat(80_000); // 720 KB, six times: the review's reproduction
  const procRoot = fakeProc([
    // Another user's process with megabytes of arguments that the pattern would crawl through.
    { pid: 77, uid: NOBODY, argv: ['sh', '-c', 'sleep 300', huge, huge, huge, huge, huge, huge] },
    // The user's own process with a long command line: seen, cut.
    { pid: 78, uid: MQTT.uid, argv: ['/usr/bin/python3', '/opt/gw/server.py', huge] },
    { pid: 900, uid: MQTT.uid, argv: ['/usr/sbin/mosquitto', '-c', '/etc/mosquitto/mosquitto.conf'] },
  ]);
  const processes = realSystem(procRoot).processes;

  it("searches only the user's processes, each once, each cut to 4096 bytes", () => {
    const match = new RecordingRegExp(String.raw`mosquitto.*\.conf`, 'u');
    const judged = findMatches({ match, user: MQTT }, processes, SELF);
    assert.deepEqual(
      judged.matches.map((entry) => entry.pid),
      [900],
    );
    assert.deepEqual(judged.setAside, [], "another user's process is not even listed");
    assert.equal(match.searched.length, 2, 'once per process of the user, never for another user');
    const [long, app] = match.searched;
    assert.equal(Buffer.byteLength(long ?? ''), COMMAND_LINE_MAX_BYTES);
    assert.ok(long?.startsWith('/usr/bin/python3 /opt/gw/server.py mosquitto'));
    assert.equal(app, '/usr/sbin/mosquitto -c /etc/mosquitto/mosquitto.conf');
    for (const text of match.searched) assert.ok(!text.includes('sleep 300'), "another user's line was searched");
  });

  it('as pgrep -f: a match beyond the first 4096 bytes is not seen', () => {
    // Fits the whole line (it ends with a whole `mosquitto`), not its first 4096 bytes (which end in `mo`).
    const match = new RecordingRegExp(String.raw`server\.py (?:mosquitto)+$`, 'u');
    assert.ok(match.test(`/usr/bin/python3 /opt/gw/server.py ${huge}`));
    match.searched.length = 0;
    const judged = findMatches({ match, user: MQTT }, processes, SELF);
    assert.deepEqual(judged.matches, []);
    assert.equal(match.searched.length, 2);
  });
});
