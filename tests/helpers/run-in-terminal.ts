import { spawn } from 'node:child_process';
import { WATCHDOG_BIN } from './run-watchdog.js';

export interface TerminalRun {
  code: number | null;
  /** What the terminal showed (standard output and standard error, as a person sees them), with `\r\n` made `\n`. */
  screen: string;
}

/** A word for `sh -c`, quoted so the shell takes it as it is. */
function shellWord(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * Runs `watchdog ARGS` with standard output on a real pseudo-terminal `columns` wide, as a
 * person at a terminal runs it: util-linux's `script` (Debian's bsdutils) makes the
 * terminal, `stty cols` sizes it. `script -e` exits with the watchdog's code.
 */
export function runInTerminal(
  args: readonly string[],
  { cwd, columns = 80, env = {} }: { cwd: string; columns?: number; env?: Record<string, string | undefined> },
): Promise<TerminalRun> {
  const command = `stty cols ${columns} rows 50 && exec ${[process.execPath, WATCHDOG_BIN, ...args].map(shellWord).join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd,
      env: {
        ...process.env,
        WATCHDOG_CONFIG: undefined,
        NO_COLOR: undefined,
        FORCE_COLOR: undefined,
        TERM: 'xterm',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 50_000,
      killSignal: 'SIGKILL',
    });
    let screen = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, screen: screen.replaceAll('\r\n', '\n') }));
  });
}
