// Self-tests of tests/helpers/pid-namespace.ts, the harness that lets end-to-end tests
// feed hostile PIDs to the real kill path. What they pin down is what the kernel
// guarantees inside a PID namespace, since the safety of those tests rests on it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  readSentinelRecord,
  startPidNamespace,
  startSentinel,
  type NsProcessState,
  type PidNamespace,
} from '../helpers/pid-namespace.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** Polls `check` until it returns something other than undefined; fails after 10 s. */
async function eventually<T>(description: string, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after 10 s waiting for ${description}`);
    await sleep(10);
  }
}

function stateBecomes(ns: PidNamespace, pid: number, wanted: readonly NsProcessState[]): Promise<NsProcessState> {
  return eventually(`PID ${pid} to be ${wanted.join(' or ')}`, async () => {
    const state = await ns.state(pid);
    return wanted.includes(state) ? state : undefined;
  });
}

/**
 * The processes whose `ns/<link>` is `namespaceId`, from the test's own /proc: outside
 * PID and state letter (zombies included).
 */
function outsideProcessesWith(link: 'pid' | 'pid_for_children', namespaceId: string): { pid: number; state: string }[] {
  const found = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readlinkSync(`/proc/${name}/ns/${link}`) !== namespaceId) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      found.push({ pid: Number(name), state: stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) });
    } catch {
      // exited while we looked
    }
  }
  return found;
}

describe('startPidNamespace', () => {
  it('runs commands as children of a new PID 1, with their own small PIDs', async () => {
    const ns = await startPidNamespace();
    const result = await ns.run(['sh', '-c', 'echo $$']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.signal, null);
    const pid = Number(result.stdout);
    assert.ok(Number.isSafeInteger(pid) && pid > 1 && pid < 1000, `a small PID inside, got ${result.stdout}`);
    assert.notEqual(pid, process.pid);
    assert.notEqual(ns.namespaceId, readlinkSync('/proc/self/ns/pid'), 'a different namespace from the test');

    const [host] = await ns.processes();
    assert.equal(host?.pid, 1);
    assert.equal(host?.pgid, 1, 'PID 1 leads its own process group, so kill(0) from a child stays inside');
    assert.match(host?.cmdline.join(' ') ?? '', /pid-namespace-host\.mjs$/);
  });

  it('passes the output, exit code and fatal signal of a command', async () => {
    const ns = await startPidNamespace();
    assert.deepEqual(await ns.run(['sh', '-c', 'echo out; echo err >&2; exit 3']), {
      code: 3,
      signal: null,
      stdout: 'out\n',
      stderr: 'err\n',
    });
    assert.deepEqual(await ns.run(['sh', '-c', 'kill -KILL $$']), {
      code: null,
      signal: 'SIGKILL',
      stdout: '',
      stderr: '',
    });
  });

  it('merges env over its own, drops WATCHDOG_CONFIG unless given, and honours cwd', async () => {
    const dir = makeTempDir();
    const ns = await startPidNamespace();
    const script = 'echo "${WATCHDOG_CONFIG-unset} ${HOME-unset} ${EXTRA-unset} $(pwd)"';
    const plain = await ns.run(['sh', '-c', script], { cwd: dir });
    assert.equal(plain.stdout, `unset ${process.env.HOME ?? 'unset'} unset ${dir}\n`);
    const changed = await ns.run(['sh', '-c', script], {
      cwd: dir,
      env: { WATCHDOG_CONFIG: '/x/config.json', HOME: undefined, EXTRA: 'yes' },
    });
    assert.equal(changed.stdout, `/x/config.json unset yes ${dir}\n`);
  });

  it('survives a failing request, rejecting only that promise', async () => {
    const ns = await startPidNamespace();
    await assert.rejects(ns.run(['/nonexistent/program']), /in the pid namespace: .*ENOENT/);
    await assert.rejects(ns.spawn(['/nonexistent/program']), /in the pid namespace: .*ENOENT/);
    await assert.rejects(ns.signal(999_999, 'SIGTERM'), /in the pid namespace: .*ESRCH/);
    assert.equal((await ns.run(['true'])).code, 0, 'still serving');
  });

  it('reports a spawned process alive, stopped, then dead after SIGKILL', async () => {
    const ns = await startPidNamespace();
    const pid = await ns.spawn(['sleep', '1000']);
    assert.equal(await ns.state(pid), 'alive');
    const entry = (await ns.processes()).find((candidate) => candidate.pid === pid);
    assert.deepEqual(entry && { ppid: entry.ppid, cmdline: entry.cmdline }, { ppid: 1, cmdline: ['sleep', '1000'] });
    await ns.signal(pid, 'SIGSTOP');
    await stateBecomes(ns, pid, ['stopped']);
    await ns.signal(pid, 'SIGKILL');
    // The host spawned it, so Node reaps it: a zombie only until then.
    await stateBecomes(ns, pid, ['dead']);
  });

  it('starts a detached process as the leader of its own group', async () => {
    const ns = await startPidNamespace();
    const pid = await ns.spawn(['sleep', '1000'], { detached: true });
    const attached = await ns.spawn(['sleep', '1000']);
    const table = await ns.processes();
    assert.equal(table.find((candidate) => candidate.pid === pid)?.pgid, pid);
    assert.equal(table.find((candidate) => candidate.pid === attached)?.pgid, 1);
  });

  it('keeps several requests in flight: signal() ends a run() that is still waiting', async () => {
    const ns = await startPidNamespace();
    const running = ns.run(['sleep', '1001']);
    const pid = await eventually('the sleep to show up', async () => {
      const table = await ns.processes();
      return table.find((candidate) => candidate.cmdline.join(' ') === 'sleep 1001')?.pid;
    });
    await ns.signal(pid, 'SIGTERM');
    assert.deepEqual(await running, { code: null, signal: 'SIGTERM', stdout: '', stderr: '' });
  });

  it('leaves orphans to the host, which does not reap them: they stay zombies', async () => {
    const ns = await startPidNamespace();
    const result = await ns.run(['sh', '-c', 'sleep 1000 >/dev/null 2>&1 & echo $!']);
    const orphan = Number(result.stdout);
    assert.ok(orphan > 1, result.stdout);
    await eventually('the orphan to be re-parented to PID 1', async () =>
      (await ns.processes()).find((candidate) => candidate.pid === orphan && candidate.ppid === 1),
    );
    await ns.signal(orphan, 'SIGKILL');
    // libuv waits only for the PIDs Node itself spawned, so nothing ever reaps it.
    assert.equal(await stateBecomes(ns, orphan, ['zombie', 'dead']), 'zombie');
    const entry = (await ns.processes()).find((candidate) => candidate.pid === orphan);
    assert.deepEqual(entry, { pid: orphan, ppid: 1, pgid: 1, state: 'Z', cmdline: [] });
  });

  it('lets a sentinel record the signals sent to it', async () => {
    const dir = makeTempDir();
    const record = join(dir, 'sentinel.log');
    const ns = await startPidNamespace();
    const sentinel = await startSentinel(ns, record);
    // One at a time: two signals pending at once are delivered lowest number first, whatever the sending order.
    await ns.signal(sentinel, 'SIGTERM');
    await eventually('the sentinel to record SIGTERM', () =>
      readSentinelRecord(record).length === 2 ? true : undefined,
    );
    await ns.signal(sentinel, 'SIGUSR1');
    await eventually('the sentinel to record SIGUSR1', () =>
      readSentinelRecord(record).length === 3 ? true : undefined,
    );
    assert.deepEqual(readSentinelRecord(record), ['ready', 'SIGTERM', 'SIGUSR1']);
    assert.equal(await ns.state(sentinel), 'alive', 'a sentinel outlives what it records');
  });

  it('records a kill(1, ...) from inside in hostSignals(); SIGKILL and SIGSTOP to init are dropped', async () => {
    const ns = await startPidNamespace();
    assert.deepEqual(await ns.hostSignals(), []);
    const result = await ns.run(['sh', '-c', 'kill -TERM 1 && kill -HUP 1 && kill -KILL 1 && kill -STOP 1']);
    assert.equal(result.code, 0, result.stderr);
    await eventually('the host to record SIGTERM and SIGHUP', async () =>
      (await ns.hostSignals()).length === 2 ? true : undefined,
    );
    // Both may be pending at once, and then the kernel delivers the lower number first.
    assert.deepEqual((await ns.hostSignals()).sort(), ['SIGHUP', 'SIGTERM']);
    assert.equal(await ns.state(1), 'alive');
  });

  it('confines kill(-1, ...) from inside to the namespace, sparing init and the caller', async () => {
    const dir = makeTempDir();
    const record = join(dir, 'sentinel.log');
    const ns = await startPidNamespace();
    const sentinel = await startSentinel(ns, record);
    const sleeper = await ns.spawn(['sleep', '1000']);
    const result = await ns.run(['sh', '-c', 'kill -TERM -1 && echo caller spared']);
    assert.deepEqual([result.code, result.stdout], [0, 'caller spared\n'], result.stderr);
    await eventually('the sentinel to record SIGTERM', () =>
      readSentinelRecord(record).includes('SIGTERM') ? true : undefined,
    );
    await stateBecomes(ns, sleeper, ['dead']);
    assert.deepEqual(await ns.hostSignals(), [], 'kill(-1) never signals init');
    assert.equal(await ns.state(sentinel), 'alive');
  });

  it('confines kill(0, ...) from a child to the host’s own process group', async () => {
    const dir = makeTempDir();
    const ns = await startPidNamespace();
    const inGroup = await startSentinel(ns, join(dir, 'in-group.log'));
    const ownGroup = await startSentinel(ns, join(dir, 'own-group.log'), { detached: true });
    const result = await ns.run(['sh', '-c', 'kill -TERM 0']);
    assert.equal(result.signal, 'SIGTERM', 'the caller is in the group too');
    await eventually('the host to record SIGTERM', async () =>
      (await ns.hostSignals()).includes('SIGTERM') ? true : undefined,
    );
    await eventually('the sentinel in the group to record SIGTERM', () =>
      readSentinelRecord(join(dir, 'in-group.log')).includes('SIGTERM') ? true : undefined,
    );
    assert.deepEqual(readSentinelRecord(join(dir, 'own-group.log')), ['ready']);
    assert.deepEqual([await ns.state(inGroup), await ns.state(ownGroup)], ['alive', 'alive']);
  });

  it('refuses to signal PID 1 or below, without asking the host', async () => {
    const ns = await startPidNamespace();
    for (const pid of [1, 0, -1, -2, 1.5, Number.NaN]) {
      await assert.rejects(ns.signal(pid, 'SIGTERM'), /refusing to signal PID/, `PID ${pid}`);
    }
    assert.deepEqual(await ns.hostSignals(), []);
  });

  it('close() kills everything inside and is idempotent', async () => {
    const ns = await startPidNamespace();
    const running = assert.rejects(ns.run(['sleep', '1002']), /the pid namespace is closed/);
    await ns.spawn(['sleep', '1000']);
    await ns.spawn(['sleep', '1000'], { detached: true });
    assert.equal(outsideProcessesWith('pid', ns.namespaceId).length, 4, 'host, the run and two sleepers');
    // Everything inside, plus unshare, whose children are born inside.
    const parents = outsideProcessesWith('pid_for_children', ns.namespaceId).map((candidate) => candidate.pid);
    assert.ok(parents.includes(ns.unsharePid), `unshare (${ns.unsharePid}) among ${parents.join(', ')}`);

    await ns.close();
    await running;
    // unshare has waited for PID 1, whose exit the kernel holds until everything inside is gone.
    assert.deepEqual(outsideProcessesWith('pid', ns.namespaceId), [], 'nothing left inside');
    assert.deepEqual(outsideProcessesWith('pid_for_children', ns.namespaceId), [], 'unshare is gone too');
    await ns.close();
    await assert.rejects(ns.processes(), /the pid namespace is closed/);
  });

  it('rejects pending requests with a clear message when the host dies', async () => {
    const ns = await startPidNamespace();
    const running = ns.run(['sleep', '1003']);
    await eventually('the sleep to show up', async () =>
      (await ns.processes()).some((candidate) => candidate.cmdline.join(' ') === 'sleep 1003') ? true : undefined,
    );
    // Its init dies with unshare (--kill-child), as after an unexpected crash.
    process.kill(ns.unsharePid, 'SIGKILL');
    await assert.rejects(running, /the pid namespace host exited unexpectedly \(signal SIGKILL\); its stderr: /);
    await assert.rejects(ns.hostSignals(), /exited unexpectedly/);
    // PID 1 itself may linger as a zombie: its parent is gone and the machine's init reaps it.
    await eventually('nothing alive inside', () =>
      outsideProcessesWith('pid', ns.namespaceId).every((candidate) => candidate.state === 'Z') ? true : undefined,
    );
  });
});
