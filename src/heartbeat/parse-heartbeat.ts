import { normalizeBootId } from '../system/boot-info.js';
import { describeJson } from './describe-json.js';
import { parseTimestamp } from './parse-timestamp.js';

/**
 * A heartbeat that passed every check: the five keys of the Python Watchdog's format.
 * `status` is not checked here: it says whether the app is well, not whether the heartbeat
 * can be trusted, so whatever it holds is judged by the health rule (`judgeStatus`).
 */
export interface Heartbeat {
  process_key: string;
  pid: number;
  /** As written in the file. */
  timestamp: string;
  /** `timestamp` as milliseconds since the epoch. */
  epochMs: number;
  /** As written: a string from every writer that follows the format; `undefined` when the key is absent. */
  status: unknown;
  iteration: number;
  /** The writer's start time in clock ticks since boot, when the writer records it (HeartbeatWriter does). */
  pid_start_ticks: number | undefined;
  /** The boot the heartbeat was written in, when the writer records it: in lower case, as boot ids are compared. */
  boot_id: string | undefined;
}

export type HeartbeatParse =
  { ok: true; heartbeat: Heartbeat } | { ok: false; reason: string; pid?: number | undefined };

/**
 * Keys without which the heartbeat cannot be trusted. Not `status`: the Python Watchdog
 * reads it with `data.get("status")`, so a heartbeat without one is an app that has not
 * said it is running (`error_status`), its PID as sound as any other's.
 */
const REQUIRED_KEYS = ['process_key', 'pid', 'timestamp', 'iteration'] as const;

/** Linux never hands out PIDs above this (PID_MAX_LIMIT on 64-bit). */
export const PID_MAX = 4_194_304;

/**
 * Checks a heartbeat file's text. Its contents are untrusted input (an app can write
 * anything, and a crash mid-write leaves anything): every problem becomes a reason.
 * Extra keys are allowed and ignored.
 */
export function parseHeartbeat(text: string): HeartbeatParse {
  if (text.trim() === '') return { ok: false, reason: 'heartbeat file is empty' };

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'heartbeat file is not valid JSON (truncated or corrupt)' };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, reason: `heartbeat is not a JSON object (got ${describeJson(data)})` };
  }
  const record = data as Record<string, unknown>;

  const missing = REQUIRED_KEYS.filter((key) => !Object.hasOwn(record, key));
  if (missing.length > 0) return { ok: false, reason: `heartbeat lacks ${missing.join(', ')}` };

  const { process_key, pid, timestamp, status, iteration } = record;
  if (!isPid(pid)) {
    return {
      ok: false,
      reason: `heartbeat pid must be an integer between 2 and ${PID_MAX} (got ${describeJson(pid)})`,
    };
  }
  // From here on the PID is sound, so it is reported with the failure.
  const fail = (reason: string): HeartbeatParse => ({ ok: false, reason, pid });
  if (typeof process_key !== 'string')
    return fail(`heartbeat process_key must be a string (got ${describeJson(process_key)})`);
  if (typeof iteration !== 'number' || !Number.isSafeInteger(iteration) || iteration < 0) {
    return fail(`heartbeat iteration must be a non-negative integer (got ${describeJson(iteration)})`);
  }
  if (typeof timestamp !== 'string')
    return fail(`heartbeat timestamp must be a string (got ${describeJson(timestamp)})`);
  const parsed = parseTimestamp(timestamp);
  if (!parsed.ok) return fail(`heartbeat ${parsed.reason}`);
  // The identity keys are optional (the Python tool's writers have none), but when present
  // they decide who may be signalled: a malformed one makes the heartbeat untrusted.
  // null (Python's None) is a writer saying it does not know: the same as leaving the key out.
  const pid_start_ticks = record.pid_start_ticks ?? undefined;
  const boot_id = record.boot_id ?? undefined;
  if (
    pid_start_ticks !== undefined &&
    !(typeof pid_start_ticks === 'number' && Number.isSafeInteger(pid_start_ticks) && pid_start_ticks >= 0)
  ) {
    return fail(`heartbeat pid_start_ticks must be a non-negative integer (got ${describeJson(pid_start_ticks)})`);
  }
  if (boot_id !== undefined && !(typeof boot_id === 'string' && /^(?=.*[0-9a-f])[0-9a-f-]{1,64}$/i.test(boot_id))) {
    return fail(
      `heartbeat boot_id must be a boot id such as /proc/sys/kernel/random/boot_id holds (got ${describeJson(boot_id)})`,
    );
  }

  return {
    ok: true,
    heartbeat: {
      process_key,
      pid,
      timestamp,
      epochMs: parsed.epochMs,
      status,
      iteration,
      pid_start_ticks,
      boot_id: boot_id === undefined ? undefined : normalizeBootId(boot_id),
    },
  };
}

function isPid(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 1 && value <= PID_MAX;
}
