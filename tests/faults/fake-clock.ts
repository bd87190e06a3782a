// Stepping one process's wall clock with libfaketime (Debian package `faketime`), as NTP
// steps the clock of a device without a real-time clock. Only CLOCK_REALTIME is faked
// (FAKETIME_DONT_FAKE_MONOTONIC): the monotonic clock, timers and the kernel's own times
// (/proc/stat btime, /proc/PID/stat start ticks) stay real, as they do under a real step.
// A case that needs the library fails when it is missing: it is never skipped.
import { execFileSync } from 'node:child_process';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const KNOWN_PATHS = [
  '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/faketime/libfaketime.so.1',
];

let found: string | undefined;

/** The path of libfaketime.so.1: from `dpkg -L libfaketime`, else a known location. Throws when it is not installed. */
export function libfaketimePath(): string {
  if (found !== undefined) return found;
  let listed: string[] = [];
  try {
    listed = execFileSync('dpkg', ['-L', 'libfaketime'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).split('\n');
  } catch {
    // not a Debian system, or the package is missing: try the known paths
  }
  const path = [...listed.filter((line) => line.endsWith('/libfaketime.so.1')), ...KNOWN_PATHS].find((candidate) =>
    existsSync(candidate),
  );
  if (path === undefined)
    throw new Error(
      'libfaketime is not installed (Debian package `faketime`; .ci/run installs it): the clock-step cases cannot run',
    );
  found = path;
  return path;
}

/** The environment that runs a process on a wall clock `offset` from the real one (`+6h`, `-25s`, `+0`), fixed for its life. */
export function fixedOffsetEnv(offset: string): Record<string, string> {
  return { LD_PRELOAD: libfaketimePath(), FAKETIME: offset, FAKETIME_DONT_FAKE_MONOTONIC: '1' };
}

/**
 * A wall clock that can be stepped while the processes on it run: they read the offset from
 * a file at every look at the clock (FAKETIME_NO_CACHE), so rewriting the file is NTP stepping
 * their clock mid-run. Several processes on one file share one clock, as processes on one machine do.
 */
export interface SteppableClock {
  /** The environment of a process on this clock. */
  env: Record<string, string>;
  /** The same, as an `env NAME=VALUE...` prefix for a command line. */
  wrapper: string[];
  /** Steps the clock to `offset` from the real one (`+6h`, `-6h`, `+0`). */
  step(offset: string): void;
}

export function steppableClock(dir: string, name: string, offset = '+0'): SteppableClock {
  const file = join(dir, `${name}.faketime`);
  writeFileSync(file, `${offset}\n`);
  const env = {
    LD_PRELOAD: libfaketimePath(),
    FAKETIME_TIMESTAMP_FILE: file,
    FAKETIME_NO_CACHE: '1',
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
  };
  return {
    env,
    wrapper: envWrapper(env),
    // Replaced whole (a new file renamed over it): a process that read a file truncated
    // mid-rewrite could take the empty text for a clock, or crash (seen once: a tick died).
    step: (to) => {
      writeFileSync(`${file}.new`, `${to}\n`);
      renameSync(`${file}.new`, file);
    },
  };
}

/** `env NAME=VALUE...`: runs the command that follows with these variables. */
export function envWrapper(env: Record<string, string>): string[] {
  return ['env', ...Object.entries(env).map(([name, value]) => `${name}=${value}`)];
}
