import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built binary, as users run it. `npm test` builds before it tests. */
export const WATCHDOG_BIN = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** A command the watchdog runs under, e.g. `['ip', 'netns', 'exec', NS]` to run it in a network namespace. */
  wrapper?: readonly string[];
}

/** A hang guard, not an assertion: a watchdog still running after this is killed, and its test fails. */
const HANG_GUARD_MS = 50_000;

/** Runs `watchdog ARGS` to completion, with no standard input, as cron would. */
export function runWatchdog(args: readonly string[], { cwd, env = {}, wrapper = [] }: RunOptions): Promise<RunResult> {
  const [command = process.execPath, ...commandArgs] = [...wrapper, process.execPath, WATCHDOG_BIN, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, {
      cwd,
      env: { ...process.env, WATCHDOG_CONFIG: undefined, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // `ip netns exec` execs the watchdog itself, so this kills the watchdog, wrapped or not.
      timeout: HANG_GUARD_MS,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
