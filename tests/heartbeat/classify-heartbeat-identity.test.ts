// classifyHeartbeat with a process's identity: its `user` (who owns the heartbeat, who
// the PID runs as), its `match`, and the start time and boot the heartbeat records.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObservedIdentity } from '../../src/system/observe-identity.js';
import { classifyHeartbeat, type ClassifyInput, type HealthVerdict } from '../../src/heartbeat/classify-heartbeat.js';
import type { HeartbeatFileRead } from '../../src/heartbeat/read-heartbeat-file.js';
import type { UserAccount } from '../../src/system/lookup-user.js';

const NOW_MS = Date.UTC(2026, 1, 5, 6, 17, 59, 601);
const TIMESTAMP = '2026-02-05T06:17:29.601049+00:00';
const APP_PID = 12345;
const DEAD_PID = 34567;
const BOOT = 'c56eb81d-1067-4a71-a9b6-3578e853042b';
const OLD_BOOT = 'c56eb81d-1067-4a71-a9b6-000000000000';
const APP_USER: UserAccount = { name: 'app', uid: 1000, gid: 1000, home: '/home/app' };

/** The live app as the fake system sees it. */
interface Live {
  startTicks: number;
  uid: number;
  commandLine: string;
}
const APP: Live = { startTicks: 5000, uid: 1000, commandLine: '/usr/bin/node /srv/app/server.js' };

const beatText = (fields: Record<string, unknown> = {}): string =>
  JSON.stringify({
    process_key: 'web',
    pid: APP_PID,
    timestamp: TIMESTAMP,
    status: 'running',
    iteration: 42,
    ...fields,
  });

/** A heartbeat read from a file owned by `ownerUid` (the app's user by default). */
function beat(fields: Record<string, unknown> = {}, ownerUid = APP_USER.uid): HeartbeatFileRead {
  return { kind: 'read', text: beatText(fields), ownerUid };
}

/** Classifies against one live process (APP_PID, as `live` says) and records which PIDs were looked at. */
function classify(
  read: HeartbeatFileRead,
  options: Partial<Pick<ClassifyInput, 'user' | 'match' | 'timeoutSeconds' | 'ownUid'>> = {},
  live: Live = APP,
) {
  const asked: string[] = [];
  const verdict = classifyHeartbeat({
    read,
    processKey: 'web',
    timeoutSeconds: 60,
    maxClockSkewSeconds: 60,
    nowMs: NOW_MS,
    // The watchdog runs as the app's user unless a test says otherwise: the check of an
    // ordinary user's heartbeat against its PID's user has tests of its own (below).
    ownUid: APP_USER.uid,
    liveness: (pid) => {
      asked.push(`liveness ${pid}`);
      return pid === APP_PID ? 'alive' : 'dead';
    },
    observe: (pid): ObservedIdentity => {
      asked.push(`observe ${pid}`);
      return {
        startTicks: () => live.startTicks,
        bootId: () => BOOT,
        commandLine: () => live.commandLine,
        uids: () => ({ real: live.uid, effective: live.uid }),
      };
    },
    ...options,
  });
  return { verdict, asked };
}

/** The fields of a verdict a test of identity cares about. */
const summary = (verdict: HealthVerdict) => ({
  state: verdict.state,
  reason: verdict.reason,
  identity: verdict.identity,
  pidStartTicks: verdict.pidStartTicks,
  bootId: verdict.bootId,
});

describe('classifyHeartbeat with a user', () => {
  it('a heartbeat owned by another uid is not trusted, and no process is looked at', () => {
    const { verdict, asked } = classify(beat({}, 0), { user: APP_USER });
    assert.deepEqual(
      { state: verdict.state, reason: verdict.reason, pid: verdict.pid },
      {
        state: 'invalid_heartbeat',
        reason: 'heartbeat file is owned by uid 0, not by app (uid 1000): not trusted',
        pid: undefined,
      },
    );
    assert.deepEqual(asked, [], 'the PID of an untrusted heartbeat is never looked at');
  });

  it('a heartbeat whose owner is not known is not trusted', () => {
    const { verdict } = classify({ kind: 'read', text: beatText() }, { user: APP_USER });
    assert.equal(verdict.state, 'invalid_heartbeat');
    assert.equal(verdict.reason, 'heartbeat file is owned by an unknown user, not by app (uid 1000): not trusted');
  });

  it('without a user, the owner does not matter', () => {
    assert.equal(classify(beat({}, 0)).verdict.state, 'healthy');
  });

  it('a PID running as another uid is stale, with the reason, and the user check recorded', () => {
    const { verdict } = classify(beat(), { user: APP_USER }, { ...APP, uid: 0 });
    assert.deepEqual(summary(verdict), {
      state: 'stale_pid',
      reason: `PID ${APP_PID} runs as uid 0, not as app (uid 1000): not the app`,
      identity: ['user'],
      pidStartTicks: undefined,
      bootId: undefined,
    });
    assert.equal(verdict.pid, APP_PID);
  });

  it('a PID running as the user is healthy, the user check recorded', () => {
    const { verdict } = classify(beat(), { user: APP_USER });
    assert.deepEqual(summary(verdict), {
      state: 'healthy',
      reason: 'heartbeat 30s ago, iteration 42',
      identity: ['user'],
      pidStartTicks: undefined,
      bootId: undefined,
    });
  });
});

describe('classifyHeartbeat with the start time and boot of the heartbeat', () => {
  it('start ticks that differ: stale_pid, naming PID reuse', () => {
    const { verdict } = classify(beat({ pid_start_ticks: 4000, boot_id: BOOT }));
    assert.deepEqual(summary(verdict), {
      state: 'stale_pid',
      reason: `PID ${APP_PID} is another process: it started at tick 5000, the heartbeat's writer at tick 4000 (PID reused)`,
      identity: ['start_time'],
      pidStartTicks: 4000,
      bootId: BOOT,
    });
  });

  it('a heartbeat from before the last reboot: stale_pid', () => {
    const { verdict } = classify(beat({ pid_start_ticks: 5000, boot_id: OLD_BOOT }));
    assert.equal(verdict.state, 'stale_pid');
    assert.match(verdict.reason, /written before the last reboot/);
    assert.deepEqual(verdict.identity, ['start_time']);
  });

  it('PID reuse wins over a timed-out heartbeat: the stranger is not the app', () => {
    const { verdict } = classify(beat({ pid_start_ticks: 4000, timestamp: '2026-02-05T05:00:00.000000+00:00' }));
    assert.equal(verdict.state, 'stale_pid');
  });

  it('matching start ticks: healthy, with the identity recorded in the verdict', () => {
    const { verdict } = classify(beat({ pid_start_ticks: 5000, boot_id: BOOT }));
    assert.deepEqual(summary(verdict), {
      state: 'healthy',
      reason: 'heartbeat 30s ago, iteration 42',
      identity: ['start_time'],
      pidStartTicks: 5000,
      bootId: BOOT,
    });
  });

  it('a boot id written in upper case is the same boot: healthy, not a heartbeat from before a reboot', () => {
    const { verdict } = classify(beat({ pid_start_ticks: 5000, boot_id: BOOT.toUpperCase() }));
    assert.deepEqual(summary(verdict), {
      state: 'healthy',
      reason: 'heartbeat 30s ago, iteration 42',
      identity: ['start_time'],
      pidStartTicks: 5000,
      bootId: BOOT,
    });
  });

  it('a timed-out heartbeat of the app itself records the identity too', () => {
    const { verdict } = classify(beat({ pid_start_ticks: 5000 }), { timeoutSeconds: 10 });
    assert.deepEqual(summary(verdict), {
      state: 'timed_out',
      reason: 'last heartbeat 30s ago, timeout 10s',
      identity: ['start_time'],
      pidStartTicks: 5000,
      bootId: undefined,
    });
  });

  it('every check at once: start time, user and command line, all recorded', () => {
    const { verdict, asked } = classify(beat({ pid_start_ticks: 5000, boot_id: BOOT }), {
      user: APP_USER,
      match: /server\.js/u,
    });
    assert.deepEqual(summary(verdict), {
      state: 'healthy',
      reason: 'heartbeat 30s ago, iteration 42',
      identity: ['start_time', 'user', 'command_line'],
      pidStartTicks: 5000,
      bootId: BOOT,
    });
    assert.deepEqual(asked, [`liveness ${APP_PID}`, `observe ${APP_PID}`]);
  });

  it('a command line that does not match: stale_pid', () => {
    const { verdict } = classify(beat(), { match: /worker/u });
    assert.deepEqual(summary(verdict), {
      state: 'stale_pid',
      reason: `PID ${APP_PID} is not the app: its command line "/usr/bin/node /srv/app/server.js" does not match worker`,
      identity: ['command_line'],
      pidStartTicks: undefined,
      bootId: undefined,
    });
  });

  it('nothing to check beyond the PID: identity is empty (PID only)', () => {
    assert.deepEqual(classify(beat()).verdict.identity, []);
  });

  it('a dead PID is stale before any identity check: no identity recorded, not observed', () => {
    const { verdict, asked } = classify(beat({ pid: DEAD_PID, pid_start_ticks: 5000 }), { user: APP_USER });
    assert.deepEqual(summary(verdict), {
      state: 'stale_pid',
      reason: `PID ${DEAD_PID} is not running`,
      identity: undefined,
      pidStartTicks: 5000,
      bootId: undefined,
    });
    assert.deepEqual(asked, [`liveness ${DEAD_PID}`]);
  });

  it('a malformed identity key makes the heartbeat untrusted, with its PID reported but not looked at', () => {
    const { verdict, asked } = classify(beat({ pid_start_ticks: -5 }));
    assert.deepEqual({ state: verdict.state, pid: verdict.pid }, { state: 'invalid_heartbeat', pid: APP_PID });
    assert.match(verdict.reason, /pid_start_ticks must be a non-negative integer/);
    assert.deepEqual(asked, []);
  });
});

describe('classifyHeartbeat without a user, for a heartbeat an ordinary user wrote (the watchdog runs as root)', () => {
  it('a PID that runs as another user (root, sshd) is not the app: stale_pid, never signalled', () => {
    const { verdict } = classify(beat({}, 1000), { ownUid: 0 }, { ...APP, uid: 0 });
    assert.deepEqual(
      { state: verdict.state, reason: verdict.reason, identity: verdict.identity, writerUid: verdict.writerUid },
      {
        state: 'stale_pid',
        reason: `PID ${APP_PID} runs as uid 0, but its heartbeat was written by uid 1000: not the app`,
        identity: ['user'],
        writerUid: 1000,
      },
    );
  });

  it("a PID that runs as the heartbeat's owner passes, and the check is named", () => {
    const { verdict } = classify(beat({}, 1000), { ownUid: 0 });
    assert.deepEqual({ state: verdict.state, identity: verdict.identity }, { state: 'healthy', identity: ['user'] });
  });

  it("a heartbeat of root's, or of the watchdog's own user, asks nothing of the PID's user", () => {
    for (const [owner, ownUid] of [
      [0, 0],
      [1000, 1000],
    ] as const) {
      const { verdict } = classify(beat({}, owner), { ownUid }, { ...APP, uid: 4242 });
      assert.deepEqual(
        { state: verdict.state, identity: verdict.identity, writerUid: verdict.writerUid },
        { state: 'healthy', identity: [], writerUid: undefined },
        `owner ${owner}`,
      );
    }
  });
});
