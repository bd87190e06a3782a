import { execFile } from 'node:child_process';
import { withSystemPath } from '../../system/sbin-path.js';

export interface SetLinkResult {
  ok: boolean;
  /** `ip link set dev eth0 down` and, on failure, what it said. */
  detail: string;
}

export interface SetLinkOptions {
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** For testing: the `ip` to run (default `ip`, found on PATH with the system folders added). */
  ipCommand?: string;
}

/**
 * Sets an interface up or down with `ip link set dev NAME up|down` (iproute2 or BusyBox),
 * run without a shell: the interface name is passed as one argument. Never rejects.
 */
export function setLink(
  name: string,
  up: boolean,
  { env, timeoutMs, ipCommand = 'ip' }: SetLinkOptions,
): Promise<SetLinkResult> {
  const args = ['link', 'set', 'dev', name, up ? 'up' : 'down'];
  const shown = `${ipCommand} ${args.join(' ')}`;
  return new Promise((resolve) => {
    execFile(
      ipCommand,
      args,
      { env: withSystemPath(env), timeout: timeoutMs, killSignal: 'SIGKILL', encoding: 'utf8' },
      (error, _stdout, stderr) => {
        if (error === null) {
          resolve({ ok: true, detail: shown });
          return;
        }
        const said = stderr.trim();
        const code = (error as NodeJS.ErrnoException).code;
        const why =
          code === 'ENOENT'
            ? `${ipCommand} not found (install iproute2)`
            : error.killed
              ? `timed out after ${timeoutMs} ms`
              : said !== ''
                ? said
                : error.message;
        resolve({ ok: false, detail: `${shown} failed: ${why}` });
      },
    );
  });
}
