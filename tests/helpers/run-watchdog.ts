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
}

/** Runs `watchdog ARGS` to completion, with no standard input, as cron would. */
export function runWatchdog(args: readonly string[], { cwd, env = {} }: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WATCHDOG_BIN, ...args], {
      cwd,
      env: { ...process.env, WATCHDOG_CONFIG: undefined, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
