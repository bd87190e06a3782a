import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeMatches, type MatchSelf, type ScannedProcess } from '../../src/match/judge-matches.js';
import { judgeMatchVerdict, type MatchPidFile } from '../../src/match/judge-match-verdict.js';
import { scanProcesses } from '../../src/match/find-matches.js';
import { fakeSystem } from '../helpers/fake-system.js';

const WATCHDOG = 500;
const SHELL = 400; // cron's shell, the watchdog's parent
const MQTT = { name: 'mqtt', uid: 1001, gid: 1001, home: '/' };
const ROOT = { name: 'root', uid: 0, gid: 0, home: '/root' };
const AS_ROOT = { uids: { real: 0, effective: 0 } };

const proc = (pid: number, commandLine: string | undefined, fields: Partial<ScannedProcess> = {}): ScannedProcess => ({
  pid,
  ppid: 1,
  state: 'S',
  startTicks: 1000 + pid,
  commandLine,
  uids: { real: MQTT.uid, effective: MQTT.uid },
  ...fields,
});

const init = proc(1, '/sbin/init splash', { ppid: 0, ...AS_ROOT });
const shell = proc(SHELL, '/bin/sh -c watchdog check -c /etc/mosquitto-watchdog.json', AS_ROOT);
const watchdog = proc(WATCHDOG, 'node /usr/bin/watchdog check -c /etc/mosquitto-watchdog.json', {
  ppid: SHELL,
  ...AS_ROOT,
});
const broker = proc(900, '/usr/sbin/mosquitto -c /etc/mosquitto/mosquitto.conf');
const self: MatchSelf = {
  ownPid: WATCHDOG,
  ancestors: new Set([SHELL]),
  ownArguments: 'check -c /etc/mosquitto-watchdog.json',
  isWatchdogRun: () => false,
};
const OTHER_RUN = 610; // `watchdog restart gateway` by hand, waiting for the lock
const SUDO = 450; // `sudo watchdog restart nginx`: the launcher of a run by hand, its parent

interface Case {
  name: string;
  table: ScannedProcess[];
  match: RegExp;
  /** MQTT unless said. */
  user?: typeof MQTT;
  /** `self` unless said. */
  self?: MatchSelf;
  matches: number[];
  ancestors?: number[];
  setAside?: number[];
  /** Cut lines that may match past the cut. */
  uncertain?: number[];
}

// A Java app's command line: its main class after a classpath of 120 jars (about 5 KB), cut at 4096 bytes.
const JAVA_CUT =
  `/usr/bin/java -cp ${Array.from({ length: 120 }, (_, i) => `/opt/gateway/lib/dependency-${i}-1.2.3.jar`).join(':')}`.slice(
    0,
    4096,
  );
const cutLine = (pid: number, fields: Partial<ScannedProcess> = {}): ScannedProcess =>
  proc(pid, JAVA_CUT, { commandLineCut: true, ...fields });

const cases: Case[] = [
  { name: 'the app running', table: [init, shell, watchdog, broker], match: /mosquitto\s/, matches: [900] },
  {
    name: 'nothing matches: an empty answer, not an error',
    table: [init, shell, watchdog],
    match: /mosquitto\s/,
    matches: [],
  },
  {
    name: 'two copies, oldest first',
    table: [proc(950, '/usr/sbin/mosquitto -d', { startTicks: 10 }), broker],
    match: /mosquitto/,
    matches: [950, 900],
  },
  {
    name: 'a zombie and a dead process never count',
    table: [proc(901, 'mosquitto', { state: 'Z' }), proc(902, 'mosquitto', { state: 'X' })],
    match: /mosquitto/,
    matches: [],
  },
  {
    name: 'a kernel thread (empty command line) never counts, even for a pattern that fits anything',
    table: [proc(2, '', { ppid: 0, ...AS_ROOT })],
    match: /.*/,
    user: ROOT,
    matches: [],
  },
  {
    name: 'the watchdog itself never counts',
    table: [watchdog],
    match: /watchdog/,
    user: ROOT,
    matches: [],
    setAside: [WATCHDOG],
  },
  {
    name: 'what this run started never counts (a cleanup shell, and its child, holding the pattern)',
    table: [
      watchdog,
      proc(600, '/bin/sh -c rm -rf /var/lib/mosquitto/*.db --force', { ppid: WATCHDOG, ...AS_ROOT }),
      proc(601, 'rm -rf /var/lib/mosquitto/x.db', { ppid: 600, ...AS_ROOT }),
    ],
    match: /mosquitto/,
    user: ROOT,
    matches: [],
    setAside: [WATCHDOG, 600, 601],
  },
  {
    name: "the watchdog's ancestors and init are listed apart, never counted",
    table: [init, shell, watchdog, proc(900, broker.commandLine, AS_ROOT)],
    match: /./,
    user: ROOT,
    matches: [900],
    ancestors: [1, SHELL],
    setAside: [WATCHDOG],
  },
  {
    name: "another user's matching process is passed over, not even listed",
    table: [broker, proc(700, 'mosquitto -c /tmp/fake.conf', { uids: { real: 1002, effective: 1002 } })],
    match: /mosquitto/,
    matches: [900],
  },
  {
    name: 'a set-user-ID process (real uid another) does not count',
    table: [proc(701, 'mosquitto', { uids: { real: 1002, effective: MQTT.uid } })],
    match: /mosquitto/,
    matches: [],
  },
  {
    name: 'a process of the user whose command line was not read (gone) does not count',
    table: [proc(702, undefined)],
    match: /.*/,
    matches: [],
  },
  {
    name: 'an ancestor running as another user is passed over, not an ancestor that fails a kill',
    table: [shell, watchdog, broker],
    match: /mosquitto/,
    matches: [900],
  },
  {
    name: 'the launcher of a run by hand (sudo watchdog restart nginx) is set aside, not an ancestor failing the kill',
    table: [
      proc(SUDO, 'sudo watchdog restart nginx', AS_ROOT),
      proc(WATCHDOG, 'node /usr/bin/watchdog restart nginx', { ppid: SUDO, ...AS_ROOT }),
      proc(900, 'nginx: master process /usr/sbin/nginx', AS_ROOT),
    ],
    match: /nginx/,
    user: ROOT,
    self: { ...self, ancestors: new Set([SUDO]), ownArguments: 'restart nginx' },
    matches: [900],
    setAside: [SUDO, WATCHDOG],
  },
  {
    name: 'the launcher by sh -c "watchdog on nginx" is set aside too',
    table: [proc(SUDO, 'sh -c watchdog on nginx', AS_ROOT)],
    match: /nginx/,
    user: ROOT,
    self: { ...self, ancestors: new Set([SUDO]), ownArguments: 'on nginx' },
    matches: [],
    setAside: [SUDO],
  },
  {
    name: "an ancestor that matches beside this run's arguments (the app itself running watchdog) stays an ancestor",
    table: [proc(SUDO, 'nginx-hook.sh --restart-self; watchdog restart nginx', AS_ROOT)],
    match: /nginx/,
    user: ROOT,
    self: { ...self, ancestors: new Set([SUDO]), ownArguments: 'restart nginx' },
    matches: [],
    ancestors: [SUDO],
  },
  {
    name: "a matching ancestor that does not hold this run's arguments stays an ancestor",
    table: [proc(SUDO, 'nginx: master process /usr/sbin/nginx', AS_ROOT)],
    match: /nginx/,
    user: ROOT,
    self: { ...self, ancestors: new Set([SUDO]), ownArguments: 'restart nginx' },
    matches: [],
    ancestors: [SUDO],
  },
  {
    name: 'a process that is not an ancestor is never a launcher, whatever its command line',
    table: [proc(901, 'sudo watchdog restart nginx', AS_ROOT)],
    match: /nginx/,
    user: ROOT,
    self: { ...self, ancestors: new Set([SUDO]), ownArguments: 'restart nginx' },
    matches: [901],
  },
  {
    name: 'without arguments of its own (a bare `watchdog`), no ancestor is a launcher',
    table: [proc(SUDO, 'sudo watchdog', AS_ROOT)],
    match: /watchdog/,
    user: ROOT,
    self: { ...self, ancestors: new Set([SUDO]), ownArguments: '' },
    matches: [],
    ancestors: [SUDO],
  },
  {
    name: 'another run of the watchdog (same executable and script) is set aside, never counted',
    table: [proc(OTHER_RUN, 'node /usr/bin/watchdog restart gateway', AS_ROOT), proc(900, 'node /srv/app.js', AS_ROOT)],
    match: /^node /,
    user: ROOT,
    self: { ...self, isWatchdogRun: (pid) => pid === OTHER_RUN },
    matches: [900],
    setAside: [OTHER_RUN],
  },
  {
    name: 'another run of the watchdog that is an ancestor (a cleanup ran it) is set aside, not failing the kill',
    table: [proc(SUDO, 'node /usr/bin/watchdog restart gateway', AS_ROOT)],
    match: /^node /,
    user: ROOT,
    self: { ...self, ancestors: new Set([SUDO]), isWatchdogRun: (pid) => pid === SUDO },
    matches: [],
    setAside: [SUDO],
  },
  {
    name: 'a cut line of the user that does not match within the cut may be the app: uncertain, not counted',
    table: [cutLine(920)],
    match: /com\.example\.Gateway/,
    matches: [],
    uncertain: [920],
  },
  {
    name: 'the same line, not cut: it ends there, so it is not the app',
    table: [proc(920, JAVA_CUT)],
    match: /com\.example\.Gateway/,
    matches: [],
  },
  {
    name: 'a cut line that matches within the cut is a match, not uncertain',
    table: [cutLine(920)],
    match: /dependency-7-/,
    matches: [920],
  },
  {
    name: 'a cut line of another program, the pattern anchored on the executable: never the app',
    table: [cutLine(920)],
    match: /^\/usr\/sbin\/gateway /,
    matches: [],
  },
  {
    name: 'a cut line of another user is passed over, never uncertain',
    table: [cutLine(920, { uids: { real: 1002, effective: 1002 } })],
    match: /com\.example\.Gateway/,
    matches: [],
  },
  {
    name: 'a cut line of the watchdog, what it started, or another run of it is never uncertain',
    table: [
      cutLine(WATCHDOG, AS_ROOT),
      cutLine(600, { ppid: WATCHDOG, ...AS_ROOT }),
      cutLine(OTHER_RUN, AS_ROOT),
      cutLine(920, AS_ROOT),
    ],
    match: /com\.example\.Gateway/,
    user: ROOT,
    self: { ...self, isWatchdogRun: (pid) => pid === OTHER_RUN },
    matches: [],
    uncertain: [920],
  },
  {
    name: 'a parent loop in the table does not hang the descendant walk',
    table: [proc(800, 'mosquitto', { ppid: 801 }), proc(801, 'x', { ppid: 800 })],
    match: /mosquitto/,
    matches: [800],
  },
];

describe('judgeMatches', () => {
  for (const c of cases) {
    it(c.name, () => {
      const judged = judgeMatches(c.table, { match: c.match, user: c.user ?? MQTT }, c.self ?? self);
      assert.deepEqual(
        {
          matches: judged.matches.map((entry) => entry.pid),
          ancestors: judged.ancestors.map((entry) => entry.pid),
          setAside: judged.setAside.map((entry) => entry.pid).sort((a, b) => a - b),
          uncertain: judged.uncertain.map((entry) => entry.pid),
        },
        { matches: c.matches, ancestors: c.ancestors ?? [], setAside: c.setAside ?? [], uncertain: c.uncertain ?? [] },
      );
    });
  }
});

describe('judgeMatchVerdict', () => {
  it('is healthy naming the PIDs and the count, the oldest as its PID', () => {
    const rules = { match: /mosquitto/u, user: MQTT };
    const verdict = judgeMatchVerdict(
      judgeMatches([broker, proc(950, 'mosquitto -d', { startTicks: 10 })], rules, self),
      rules,
    );
    assert.deepEqual(
      { state: verdict.state, reason: verdict.reason, pid: verdict.pid, identity: verdict.identity },
      {
        state: 'healthy',
        reason: '2 processes (PIDs 950, 900) match /mosquitto/ as mqtt',
        pid: 950,
        identity: ['command_line', 'user'],
      },
    );
  });

  it('cannot tell (check_error, not a failure) when only a cut line of the user may match past the cut', () => {
    const rules = { match: /com\.example\.Gateway/u, user: MQTT };
    const verdict = judgeMatchVerdict(judgeMatches([cutLine(920)], rules, self), rules);
    assert.equal(verdict.state, 'check_error');
    assert.equal(
      verdict.reason,
      "cannot tell whether it runs: no process matches /com\\.example\\.Gateway/ as mqtt, but PID 920's command line goes on past the 4096 bytes searched and may match /com\\.example\\.Gateway/ as mqtt (anchor the pattern on the executable's path, or give the app a heartbeat)",
    );
  });

  it('is healthy when a process matches, whatever cut lines run beside it', () => {
    const rules = { match: /Gateway/u, user: MQTT };
    const verdict = judgeMatchVerdict(judgeMatches([cutLine(920), proc(930, '/usr/sbin/Gateway')], rules, self), rules);
    assert.equal(verdict.state, 'healthy');
    assert.equal(verdict.pid, 930);
  });

  it('is not_running when no process matches and no cut line may (the pattern anchored on the executable)', () => {
    const rules = { match: /^\/usr\/sbin\/gateway/u, user: MQTT };
    const verdict = judgeMatchVerdict(judgeMatches([cutLine(920)], rules, self), rules);
    assert.equal(verdict.state, 'not_running');
  });

  it('is not_running saying what matched but did not count', () => {
    const rules = { match: /./u, user: ROOT };
    const verdict = judgeMatchVerdict(judgeMatches([init, shell, watchdog], rules, self), rules);
    assert.equal(verdict.state, 'not_running');
    assert.equal(verdict.pid, undefined);
    assert.equal(
      verdict.reason,
      `no process matches /./ as root; not counted: PID 1 (init), PID ${SHELL} (an ancestor of the watchdog), PID ${WATCHDOG} (the watchdog itself)`,
    );
  });
});

describe('scanProcesses', () => {
  it("reads every live process's owner, and the command line only of the user's processes", () => {
    const fake = fakeSystem({
      processes: [
        { pid: 10, commandLine: 'mosquitto -d', uid: 1001, ppid: 1, startTime: 55 },
        { pid: 11, commandLine: 'sshd' },
        { pid: 12, commandLine: 'mosquitto', state: 'Z', uid: 1001 },
      ],
    });
    const scanned = scanProcesses(fake.processes, MQTT);
    assert.deepEqual(scanned, [
      {
        pid: 10,
        ppid: 1,
        state: 'S',
        startTicks: 55,
        commandLine: 'mosquitto -d',
        commandLineCut: false,
        uids: { real: 1001, effective: 1001 },
      },
      {
        pid: 11,
        ppid: 1,
        state: 'S',
        startTicks: 1000,
        commandLine: undefined,
        commandLineCut: false,
        uids: { real: 0, effective: 0 },
      },
    ]);
  });
});

describe('judgeMatchVerdict with a pid_file', () => {
  const rules = { match: /^\/usr\/bin\/python3 \/opt\/gw\/server\.py$/u, user: MQTT };
  const worker = proc(901, '/usr/bin/python3 /opt/gw/server.py');
  const daemon = proc(880, '/usr/bin/python3 /opt/gw/server.py', { startTicks: 1 });
  const pidFile = (read: MatchPidFile['read']): MatchPidFile => ({ path: '/run/gw/server.pid', read });
  const judge = (table: ScannedProcess[], file: MatchPidFile | undefined) =>
    judgeMatchVerdict(judgeMatches(table, rules, self), rules, file);

  const cases: [string, ScannedProcess[], MatchPidFile | undefined, string, RegExp][] = [
    [
      'an orphaned worker of a dead app, its pid_file naming the dead PID: not_running, saying why',
      [worker],
      pidFile({ kind: 'pid', pid: 880, ownerUid: MQTT.uid }),
      'not_running',
      /^\/run\/gw\/server\.pid names PID 880, which is not among the matches \(gone\?\); PID 901 matches .*: leftovers of the dead app\?$/,
    ],
    [
      'it names a live PID that does not match (a pattern fitting only the workers): not_running, saying the named process must match',
      [worker],
      { ...pidFile({ kind: 'pid', pid: 880, ownerUid: MQTT.uid }), namedRuns: true },
      'not_running',
      /^\/run\/gw\/server\.pid names PID 880, which runs but does not match: the process the pid_file names must itself match the pattern \(one that fits only its workers, or a wrapper's child, restarts the app at every threshold\), unless its PID was reused since the daemon died; PID 901 matches /,
    ],
    [
      'the daemon it names is among the matches (with its workers): healthy',
      [daemon, worker],
      pidFile({ kind: 'pid', pid: 880, ownerUid: MQTT.uid }),
      'healthy',
      /^2 processes \(PIDs 880, 901\) match/,
    ],
    [
      'no pid_file: what matches decides (the limit the docs state)',
      [worker],
      undefined,
      'healthy',
      /^PID 901 matches/,
    ],
    ['a pid_file not written: what matches decides', [worker], pidFile({ kind: 'missing' }), 'healthy', /^PID 901/],
    [
      'a pid_file that cannot be trusted: what matches decides',
      [worker],
      pidFile({ kind: 'refused', reason: 'a link' }),
      'healthy',
      /^PID 901/,
    ],
    [
      'nothing matches: not_running as always',
      [],
      pidFile({ kind: 'pid', pid: 880, ownerUid: 0 }),
      'not_running',
      /^no process matches/,
    ],
    [
      'it names a cut line that may be the daemon past the cut, workers matching beside it: cannot tell',
      [
        proc(880, `/usr/bin/python3 /opt/gw/server.py --seed ${'x'.repeat(4096)}`.slice(0, 4096), {
          commandLineCut: true,
        }),
        worker,
      ],
      pidFile({ kind: 'pid', pid: 880, ownerUid: MQTT.uid }),
      'check_error',
      /^cannot tell whether it runs: \/run\/gw\/server\.pid names PID 880, which does not match within what is searched, but PID 880's command line goes on past/,
    ],
  ];
  for (const [name, table, file, state, reason] of cases) {
    it(name, () => {
      const verdict = judge(table, file);
      assert.equal(verdict.state, state);
      assert.match(verdict.reason, reason);
    });
  }
});
