import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './cleanup.js';

export const DEMO_APP = fileURLToPath(new URL('../../heartbeat-writer/examples/demo-app.mjs', import.meta.url));

export interface DemoApp {
  child: ChildProcess;
  pid: number;
  heartbeatPath: string;
  /** Resolves once the app has exited. */
  exited: Promise<unknown>;
}

/**
 * Starts the demo app (it embeds HeartbeatWriter) and waits for its first heartbeat.
 * It is killed when the test file ends if it is still running.
 */
export async function startDemoApp(
  heartbeatDir: string,
  key: string,
  extraArgs: readonly string[] = [],
): Promise<DemoApp> {
  const child = spawn(
    process.execPath,
    [DEMO_APP, '--heartbeat-dir', heartbeatDir, '--key', key, '--interval-ms', '100', ...extraArgs],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = once(child, 'exit');
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  const heartbeatPath = join(heartbeatDir, `${key}.json`);
  await waitForIteration(heartbeatPath, 1);
  if (child.pid === undefined) throw new Error('demo app did not start');
  return { child, pid: child.pid, heartbeatPath, exited };
}

/** Waits until the heartbeat file shows at least `iteration` beats. */
export async function waitForIteration(heartbeatPath: string, iteration: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const beat = JSON.parse(readFileSync(heartbeatPath, 'utf8')) as { iteration: number };
      if (beat.iteration >= iteration) return;
    } catch {
      // not written yet
    }
    if (Date.now() > deadline) throw new Error(`no heartbeat with iteration >= ${iteration} in ${heartbeatPath}`);
    await sleep(20);
  }
}
