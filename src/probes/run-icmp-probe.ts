import { spawn, type ChildProcess } from 'node:child_process';
import { withSystemPath } from '../system/sbin-path.js';
import { describeError, systemErrorCode } from '../errors.js';
import { formatSeconds } from '../time/format-duration.js';
import type { ProbeResult, ProbeSpec } from './probe.js';

/** Past the probe's timeout, how long ping may take before it is killed: `-W` is rounded up, and a name lookup is not covered by it. */
const KILL_AFTER_MS = 1000;

/** How much of what ping prints on stderr is kept to explain a failure. */
const STDERR_LIMIT = 2048;

/** Options of {@link runIcmpProbe}. */
export interface IcmpProbeOptions {
  /** For testing: the program to run instead of `ping` (a name looked up on PATH, or a path). */
  pingCommand?: string;
  /** For testing: the environment ping gets (default `process.env`); the system folders are added to its PATH. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Sends one echo request with the system `ping` (`ping -n -q -c 1 -W <seconds> <host>`,
 * which iputils and busybox both take) and answers when ping exits 0.
 *
 * Raw ICMP sockets need privileges that ping already has (setuid, file capabilities or
 * ping_group_range), so ping is run rather than reimplemented; it is run directly, never
 * through a shell. `-W` takes whole seconds, so the timeout is rounded up; ping is
 * SIGKILLed if it is still running a second after that.
 *
 * Never rejects: a missing ping, no reply or a timeout is `answered: false` with a detail.
 *
 * @example
 * await runIcmpProbe({ type: 'icmp', host: '192.168.1.1', timeout_seconds: 2 });
 * // { answered: false, detail: 'no reply (ping exited 1)' }
 */
export function runIcmpProbe(
  spec: Extract<ProbeSpec, { type: 'icmp' }>,
  options: IcmpProbeOptions = {},
): Promise<Pick<ProbeResult, 'answered' | 'detail'>> {
  const { pingCommand = 'ping', env = process.env } = options;
  // ping would take it as an option: `-f` floods, `-b` pings a broadcast address.
  if (spec.host === '' || spec.host.startsWith('-'))
    return Promise.resolve({ answered: false, detail: `not a host name or address: "${spec.host}"` });
  const waitSeconds = Math.max(1, Math.ceil(spec.timeout_seconds));
  const args = ['-n', '-q', '-c', '1', '-W', String(waitSeconds), spec.host];

  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      // Node looks the command up on the PATH of the `env` it is given.
      child = spawn(pingCommand, args, { env: withSystemPath(env), stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      // Node throws at once for arguments it refuses outright, such as a NUL byte.
      resolve({ answered: false, detail: `could not run ${pingCommand}: ${describeError(error)}` });
      return;
    }
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (stderr.length < STDERR_LIMIT) stderr += chunk;
    });
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        child.kill('SIGKILL');
      },
      spec.timeout_seconds * 1000 + KILL_AFTER_MS,
    );
    const finish = (outcome: Pick<ProbeResult, 'answered' | 'detail'>): void => {
      clearTimeout(timer);
      resolve(outcome);
    };
    // A failed spawn emits 'error' then 'close'; the first one settles the probe.
    child.once('error', (error) => finish({ answered: false, detail: describeSpawnFailure(pingCommand, error) }));
    child.once('close', (exitCode, signal) => {
      if (timedOut) finish({ answered: false, detail: `timed out after ${formatSeconds(spec.timeout_seconds)}` });
      else if (exitCode === 0) finish({ answered: true, detail: 'replied' });
      else if (exitCode === 1) finish({ answered: false, detail: `no reply (${pingCommand} exited 1)` });
      else if (exitCode !== null)
        finish({ answered: false, detail: withReason(`${pingCommand} exited ${exitCode}`, stderr) });
      else finish({ answered: false, detail: `${pingCommand} was killed by ${signal ?? 'a signal'}` });
    });
  });
}

function describeSpawnFailure(command: string, error: Error): string {
  const code = systemErrorCode(error);
  if (code === 'ENOENT') return `${command} not found (install iputils-ping)`;
  if (code === 'EACCES') return `${command} is not executable (EACCES)`;
  return `could not run ${command}: ${describeError(error)}`;
}

/** `what: <first line ping printed on stderr>`, e.g. `ping exited 2: ping: nas.lan: Name or service not known`. */
function withReason(what: string, stderr: string): string {
  const line = stderr
    .split('\n')
    .map((text) => text.trim())
    .find((text) => text !== '');
  return line === undefined ? what : `${what}: ${line}`;
}
