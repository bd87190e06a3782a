import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { onCleanup } from './cleanup.js';

const READY_TIMEOUT_MS = 10_000;

/**
 * A mount namespace of the test's own, with private propagation: a mount made inside (a
 * tmpfs to fill, one to remount read-only) is seen only by what runs inside, and never
 * reaches the machine's mounts. It lives as long as a `sleep` this test starts under
 * `unshare --mount`; killed when the test ends, it takes its mounts with it.
 */
export interface MountNamespace {
  /** The argv prefix that runs a command inside (`nsenter --target PID --mount --`). */
  readonly wrapper: readonly string[];
  /** Runs argv inside to completion; rejects when it does not exit 0. */
  run(argv: readonly string[]): Promise<string>;
}

/** Creates the namespace, and checks it is not the test's own before anything is mounted in it. */
export async function openMountNamespace(): Promise<MountNamespace> {
  const holder = spawn('unshare', ['--mount', '--propagation', 'private', 'sleep', '3600'], { stdio: 'ignore' });
  onCleanup(() => stop(holder));
  const pid = holder.pid;
  if (pid === undefined) throw new Error('unshare did not start');
  const own = readlinkSync('/proc/self/ns/mnt');
  const deadline = Date.now() + READY_TIMEOUT_MS;
  // unshare execs sleep once the namespace is made: only then may the test mount in it.
  for (;;) {
    const namespace = namespaceOf(pid);
    if (namespace !== undefined && namespace !== own && commOf(pid) === 'sleep') break;
    if (holder.exitCode !== null || Date.now() > deadline)
      throw new Error(`unshare --mount did not make a mount namespace (exit ${holder.exitCode})`);
    await sleep(10);
  }
  const wrapper = ['nsenter', '--target', String(pid), '--mount', '--'];
  return {
    wrapper,
    run: async (argv) => {
      const child = spawn(wrapper[0] ?? 'nsenter', [...wrapper.slice(1), ...argv], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      const [code] = (await once(child, 'close')) as [number | null];
      if (code !== 0) throw new Error(`${argv.join(' ')} exited ${code} in the mount namespace: ${output}`);
      return output;
    },
  };
}

function namespaceOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return undefined;
  }
}

function commOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

async function stop(holder: ChildProcess): Promise<void> {
  if (holder.exitCode !== null || holder.signalCode !== null) return;
  const exited = once(holder, 'exit');
  holder.kill('SIGKILL');
  await exited;
}
