import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What tells this process apart from a later one that reuses its PID: the two
 * optional last keys of a `HeartbeatRecord`. A key is absent when it could not be
 * read or parsed (no procfs: not Linux, or a sandbox without it).
 */
export interface ProcessIdentity {
  /** Field 22 (`starttime`) of `/proc/self/stat`: clock ticks from boot to the start of this process. */
  readonly pid_start_ticks?: number;
  /** `/proc/sys/kernel/random/boot_id`, trimmed: a UUID that changes at every boot. */
  readonly boot_id?: string;
}

// The `pid (comm) ` prefix of a stat line; the name itself is checked no further.
const STAT_PREFIX = /^\d+ \(/;
// One letter: R running, S sleeping, D disk sleep, Z zombie... (proc(5)).
const STATE = /^[A-Za-z]$/;
const DIGITS = /^\d+$/;
// The kernel prints lower-case hex; upper case is accepted all the same.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The start time (field 22, `starttime`, in clock ticks since boot) of a
 * `/proc/PID/stat` line, or `undefined` when the text is not such a line.
 *
 * The command name (field 2) is in parentheses and may itself hold spaces and `)`,
 * but nothing after it can hold a `)`: the fields are split after the LAST one, so
 * field 3 (the state) is the first token there and field 22 is token 19.
 *
 * @example
 * ```ts
 * parseStartTicks('42 (my app) S 1 42 42 0 -1 4194304 98 0 0 0 0 0 0 0 20 0 1 0 1061811 3133440 ...');
 * // => 1061811
 * parseStartTicks('not a stat line'); // => undefined
 * ```
 */
export function parseStartTicks(statText: string): number | undefined {
  const close = statText.lastIndexOf(')');
  if (!STAT_PREFIX.test(statText) || close < 0) return undefined;
  const fields = statText
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const state = fields[0];
  const startTicks = fields[19];
  if (state === undefined || !STATE.test(state) || startTicks === undefined || !DIGITS.test(startTicks)) {
    return undefined;
  }
  const value = Number(startTicks);
  return Number.isSafeInteger(value) ? value : undefined;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // Missing (not Linux, no procfs), unreadable, a folder...: the key is left out.
    return undefined;
  }
}

/**
 * Reads the identity of this process from procfs: two small reads, meant to be done
 * once per process (it cannot change while the process lives). Never throws: a key
 * that cannot be read or parsed is left out of the result.
 *
 * @param procRoot - where procfs is mounted; tests point it at a fake tree.
 *
 * @example
 * ```ts
 * readProcessIdentity(); // => { pid_start_ticks: 1061811, boot_id: 'c56eb81d-1067-4a71-a9b6-3578e853042b' }
 * ```
 */
export function readProcessIdentity(procRoot = '/proc'): ProcessIdentity {
  const statText = readText(join(procRoot, 'self', 'stat'));
  const startTicks = statText === undefined ? undefined : parseStartTicks(statText);
  const bootId = readText(join(procRoot, 'sys', 'kernel', 'random', 'boot_id'))?.trim();
  return {
    ...(startTicks !== undefined && { pid_start_ticks: startTicks }),
    ...(bootId !== undefined && UUID.test(bootId) && { boot_id: bootId }),
  };
}
