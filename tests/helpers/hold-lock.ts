import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './cleanup.js';

const HOLD_TICK_LOCK = fileURLToPath(new URL('../fixtures/hold-tick-lock.ts', import.meta.url));

/**
 * Another live process holding the lock as a previous version of the watchdog did: only
 * proper-lockfile's directory, refreshed, with no owner named in it. Stop it with `release()`.
 */
export async function holdLockInChild(
  lockPath: string,
): Promise<{ child: ChildProcess; release: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `require('proper-lockfile').lock(process.argv[1], { lockfilePath: process.argv[1], realpath: false, stale: 30000 })
        .then(() => { console.log('locked'); setTimeout(() => {}, 60000); });`,
      lockPath,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  if (chunk.toString().trim() !== 'locked') throw new Error(`lock holder said ${chunk.toString()}`);
  return { child, release: () => killAndWait(child) };
}

/** A process holding the tick lock as a tick does, with a child of its own (`sleep 60`) that may outlive it. */
export interface TickLockHolder {
  child: ChildProcess;
  /** The holder's own child, as an app a recovery started. */
  grandchildPid: number;
  /** SIGKILLs the holder (as a power cut or the OOM killer would end a tick) and waits for it to exit. */
  kill: () => Promise<void>;
}

/** Starts a process that takes the tick lock with this checkout's code; rejects when it could not. */
export async function holdTickLockInChild(
  lockPath: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TickLockHolder> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLD_TICK_LOCK, lockPath], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  const match = /^locked (\d+)$/.exec(chunk.toString().trim());
  if (match === null) {
    await killAndWait(child);
    throw new Error(`lock holder said ${chunk.toString()}`);
  }
  const grandchildPid = Number(match[1]);
  onCleanup(() => {
    // Only while the PID is still our `sleep 60` (not a process that reused it since).
    if (
      existsSync(`/proc/${grandchildPid}/cmdline`) &&
      readFileSync(`/proc/${grandchildPid}/cmdline`, { encoding: 'utf8', flag: 'r' }).startsWith('sleep\0')
    ) {
      process.kill(grandchildPid, 'SIGKILL');
    }
    return killAndWait(child);
  });
  return { child, grandchildPid, kill: () => killAndWait(child) };
}

async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}
