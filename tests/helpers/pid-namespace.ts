import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readlinkSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './cleanup.js';

/** PID 1 inside the namespace: runs requests, reports the namespace's /proc. */
export const PID_NAMESPACE_HOST = fileURLToPath(new URL('../fixtures/pid-namespace-host.mjs', import.meta.url));

const READY_TIMEOUT_MS = 10_000;
const CLOSE_TIMEOUT_MS = 5_000;
/** How much of the host's stderr to keep for error messages. */
const STDERR_LIMIT = 16_384;

export interface NsRunResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface NsProcess {
  pid: number;
  ppid: number;
  /** 0 when the group leader is outside the namespace. */
  pgid: number;
  /** The state letter from /proc/PID/stat: R, S, D, T, Z... */
  state: string;
  /** Empty for zombies and kernel-owned processes. */
  cmdline: string[];
}

export type NsProcessState = 'alive' | 'stopped' | 'zombie' | 'dead';

export interface NsCommandOptions {
  /** The folder to run in; the test process's by default. */
  cwd?: string;
  /**
   * Merged over the host's environment (the test process's); `undefined` removes a key.
   * WATCHDOG_CONFIG is removed unless given here, as in run-watchdog.ts.
   */
  env?: Record<string, string | undefined>;
}

export interface NsRunOptions extends NsCommandOptions {
  /** After this long the command is SIGKILLed and run() rejects. Default 30 s. */
  timeoutMs?: number;
}

export interface NsSpawnOptions extends NsCommandOptions {
  /** Start it in a new session (so it leads its own process group). */
  detached?: boolean;
  /** Append its stdout and stderr to this file; by default they are discarded. */
  outputPath?: string;
}

/**
 * A PID namespace for tests that hand hostile PIDs (-1, 0, 1, reused) to a real kill
 * path: whatever a bug signals, it can only reach processes inside. Everything runs as
 * a child of the namespace's init (the host script), which records the signals it gets.
 */
export interface PidNamespace {
  /** The `unshare` process, as seen from the test (outside). */
  readonly unsharePid: number;
  /** The namespace's identity, as `readlink /proc/PID/ns/pid` shows it (`pid:[4026532...]`). */
  readonly namespaceId: string;
  /** Runs argv inside the namespace to completion (stdin ignored), as the host's child. */
  run(argv: readonly string[], options?: NsRunOptions): Promise<NsRunResult>;
  /** Starts a long-running process inside and returns its PID as seen inside. */
  spawn(argv: readonly string[], options?: NsSpawnOptions): Promise<number>;
  /** Sends a signal to a PID inside the namespace. Rejects for a PID <= 1 without sending anything. */
  signal(pid: number, signal: NodeJS.Signals): Promise<void>;
  /** The process's state from /proc inside the namespace ('alive' covers R, S, D, I...). PID 1 is allowed. */
  state(pid: number): Promise<NsProcessState>;
  /** Every process inside (from /proc/N/stat and cmdline), zombies included with state Z. */
  processes(): Promise<NsProcess[]>;
  /**
   * Signals the host (PID 1) has received, in the order delivered (signals pending at
   * once arrive lowest number first, not in the order sent). It handles SIGTERM, SIGINT,
   * SIGHUP, SIGUSR1, SIGUSR2, SIGQUIT and SIGCONT; the kernel drops any other signal sent
   * to init from inside, SIGKILL and SIGSTOP included.
   */
  hostSignals(): Promise<string[]>;
  /** Kills the namespace (everything in it dies with PID 1). Idempotent. */
  close(): Promise<void>;
}

type HostMessage =
  | { event: 'ready'; pid: number }
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string };

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** Env changes as JSON can carry them: null removes a key. */
function envChanges(env: Record<string, string | undefined> = {}): Record<string, string | null> {
  const merged: Record<string, string | undefined> = { WATCHDOG_CONFIG: undefined, ...env };
  return Object.fromEntries(Object.entries(merged).map(([key, value]) => [key, value ?? null]));
}

/**
 * Starts a PID namespace whose init is the host script, and closes it when the current
 * test ends. Needs root (or CAP_SYS_ADMIN) and util-linux's unshare and setsid.
 *
 * @example
 * const ns = await startPidNamespace();
 * const pid = await ns.spawn([process.execPath, SENTINEL, recordFile]);
 * const result = await ns.run([process.execPath, WATCHDOG_BIN, 'check'], { cwd: dir });
 */
export async function startPidNamespace(): Promise<PidNamespace> {
  const child = spawn(
    'unshare',
    ['--pid', '--fork', '--mount-proc', '--kill-child', 'setsid', process.execPath, PID_NAMESPACE_HOST],
    // Its own process group, so nothing sent to the test runner's group reaches it (or back).
    { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env: { ...process.env, WATCHDOG_CONFIG: undefined } },
  );
  const unsharePid = child.pid;
  const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  let closing = false;
  let failure: Error | undefined;
  let stderr = '';
  let nextId = 1;
  const pending = new Map<number, Pending>();

  const failAll = (error: Error): void => {
    failure ??= error;
    for (const request of pending.values()) request.reject(failure);
    pending.clear();
  };

  child.stdin.on('error', () => {
    // EPIPE once the host is gone; the exit handler below reports why.
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_LIMIT);
  });
  child.on('error', (error) => failAll(new Error(`cannot start unshare: ${error.message}`, { cause: error })));
  void exited.then(([code, signal]) => {
    const how = signal === null ? `code ${String(code)}` : `signal ${signal}`;
    failAll(
      closing
        ? new Error('the pid namespace is closed')
        : new Error(`the pid namespace host exited unexpectedly (${how}); its stderr: ${stderr.trim() || '(empty)'}`),
    );
  });

  // Request ids start at 1; 0 stands for the ready line, so failAll() rejects it too.
  const ready = new Promise<unknown>((resolve, reject) => pending.set(0, { resolve, reject }));
  createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
    let message: HostMessage;
    try {
      message = JSON.parse(line) as HostMessage;
    } catch {
      failAll(new Error(`the pid namespace host wrote a line that is not protocol: ${line}`));
      return;
    }
    if ('event' in message) {
      pending.get(0)?.resolve(message.pid);
      pending.delete(0);
      return;
    }
    const request = pending.get(message.id);
    if (request === undefined) return; // its caller already gave up
    pending.delete(message.id);
    if (message.ok) request.resolve(message.result);
    else request.reject(new Error(`in the pid namespace: ${message.error}`));
  });

  const killNow = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    // Only the unshare process: --kill-child takes PID 1, and the kernel the rest.
    child.kill('SIGKILL');
    await exited;
  };

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      // End of input makes the host exit; SIGKILL is the fallback.
      child.stdin.end();
      const timer = setTimeout(() => void killNow(), CLOSE_TIMEOUT_MS);
      try {
        await exited;
      } finally {
        clearTimeout(timer);
      }
    })();
    return closed;
  };
  onCleanup(close);

  const readyTimer = setTimeout(
    () =>
      failAll(
        new Error(`the pid namespace host did not report ready within ${READY_TIMEOUT_MS} ms; stderr: ${stderr}`),
      ),
    READY_TIMEOUT_MS,
  );
  let hostPid: unknown;
  try {
    hostPid = await ready;
  } catch (error) {
    await killNow();
    throw error;
  } finally {
    clearTimeout(readyTimer);
  }
  if (hostPid !== 1 || unsharePid === undefined) {
    await killNow();
    throw new Error(`the pid namespace host is PID ${String(hostPid)}, not 1: not in a new PID namespace`);
  }
  // After unshare(CLONE_NEWPID), the unshare process's children are born in the new namespace.
  const namespaceId = readlinkSync(`/proc/${unsharePid}/ns/pid_for_children`);

  const request = <T>(op: string, fields: Record<string, unknown> = {}): Promise<T> => {
    if (failure !== undefined) return Promise.reject(failure);
    if (closing) return Promise.reject(new Error('the pid namespace is closed'));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.stdin.write(`${JSON.stringify({ id, op, ...fields })}\n`);
    });
  };

  return {
    unsharePid,
    namespaceId,
    run: (argv, { env, ...options } = {}) => request('run', { argv, env: envChanges(env), ...options }),
    spawn: (argv, { env, ...options } = {}) => request('spawn', { argv, env: envChanges(env), ...options }),
    signal: async (pid, signal) => {
      // Checked here too, so a bad PID never even leaves the test process.
      if (!Number.isSafeInteger(pid) || pid <= 1)
        throw new Error(`refusing to signal PID ${String(pid)}: only PIDs > 1`);
      await request('signal', { pid, signal });
    },
    state: (pid) => request('state', { pid }),
    processes: () => request('processes'),
    hostSignals: () => request('hostSignals'),
    close,
  };
}

/** A bystander that records the signals it receives (see the fixture's header). */
export const SENTINEL = fileURLToPath(new URL('../fixtures/sentinel.mjs', import.meta.url));

/** The lines a sentinel wrote: "ready", then one signal name per signal received. */
export function readSentinelRecord(recordFile: string): string[] {
  try {
    return readFileSync(recordFile, 'utf8')
      .split('\n')
      .filter((line) => line !== '');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Starts a sentinel inside `ns` and waits until its handlers are installed; returns its PID inside. */
export async function startSentinel(
  ns: PidNamespace,
  recordFile: string,
  options: { detached?: boolean } = {},
): Promise<number> {
  const pid = await ns.spawn([process.execPath, SENTINEL, recordFile], options);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!readSentinelRecord(recordFile).includes('ready')) {
    if (Date.now() > deadline) {
      throw new Error(
        `the sentinel (PID ${pid} inside) wrote no "ready" to ${recordFile} within ${READY_TIMEOUT_MS} ms`,
      );
    }
    await sleep(10);
  }
  return pid;
}
