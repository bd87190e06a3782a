import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The built binary, as users run it (`npm test` builds before it tests), from a copy of
 * `dist/cli` made for this test file and removed when it ends. A tick remembers, in files beside
 * the binary, the config texts that passed the schema (src/config/schema-memo.ts): run from
 * `dist/cli`, each test's config would leave one there.
 */
export const WATCHDOG_BIN = copyBuiltBinary();

/** A copy of the built binary laid out as an installed package, with the project's packages; returns its bin.js. */
function copyBuiltBinary(): string {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const built = join(root, 'dist', 'cli');
  const dir = mkdtempSync(join(tmpdir(), 'watchdog-bin-'));
  // When the test file's process ends, not with the first test that ends (makeTempDir).
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const cli = join(dir, 'dist', 'cli');
  mkdirSync(cli, { recursive: true });
  for (const name of readdirSync(built)) if (!name.startsWith('config-schema-passed-')) copyFileSync(join(built, name), join(cli, name));
  copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return join(cli, 'bin.js');
}

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
