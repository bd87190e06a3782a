import { closeSync, constants, fstatSync, openSync, readFileSync, unlinkSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { systemErrorCode } from '../errors.js';
import { PROCESS_LINK_TRUST, reachTrustedFolder } from '../system/open-file-safely.js';
import { replaceFile } from '../system/replace-file.js';
import { closeFolder, inFolder } from '../system/walk-path.js';
import type { Store } from './open-store.js';
import type { CheckHistoryRow, ProcessStateRow } from './read-state.js';
import { LAST_SUCCESSFUL_TICK_KEY, readMeta, writeMeta } from './watchdog-meta.js';

/**
 * Unchanged checks wait in a small file in memory (a tmpfs under /run) instead of the
 * database, and go to the database folded into one `check_history` row per run: a healthy
 * tick then writes nothing to the card (docs/storage-writes.md). Only checks that change
 * nothing the database holds are folded (`isUnchangedCheck`), so losing the file (a power
 * cut, a reboot) loses when those checks ran, never a state a decision rests on.
 */

/** A run of unchanged checks of one key, not yet in the database. */
export interface FoldedRun {
  /** The key's `process_state.last_check_at` when the run began: the flush updates the row only while it still says so. */
  after: string | null;
  /** When the first and the last check of the run were made. */
  first: string;
  last: string;
  /** How many checks the run stands for. */
  count: number;
  /** What the last check saw that changes at every check. */
  heartbeatTs: string | null;
  iteration: number | null;
  ageSeconds: number | null;
  reason: string;
  /** What the last check measured of an app with resource limits, and the CPU sample the next rate is taken from. */
  usage?: FoldedUsage | undefined;
}

/** A check's measure of an app (src/limits/usage-rows.ts `UsageRecord`), as a run keeps it. */
export interface FoldedUsage {
  memoryBytes: number | null;
  cpuPercent: number | null;
  descendants: number | null;
  sample?:
    | { pid: number; startTicks: number; bootId: string | undefined; cpuTicks: number; uptimeSeconds: number }
    | undefined;
}

/** A run as the file holds it: an array, not an object, so 1000 processes' runs take half the bytes. */
type StoredRun = [
  after: string | null,
  first: string,
  last: string,
  count: number,
  heartbeatTs: string | null,
  iteration: number | null,
  ageSeconds: number | null,
  reason: string,
  usage?: StoredUsage,
];

/** A measure as the file holds it: memory, CPU, descendants, then the sample (PID, start, boot, CPU ticks, uptime) or nulls. */
type StoredUsage = [
  memoryBytes: number | null,
  cpuPercent: number | null,
  descendants: number | null,
  pid: number | null,
  startTicks: number | null,
  bootId: string | null,
  cpuTicks: number | null,
  uptimeSeconds: number | null,
];

/** The file's content. */
export interface FoldedChecks {
  version: 1;
  /** The database the runs belong to. */
  db: string;
  /** The database's `folded_generation` the runs continue; a file of another generation was written already, or belongs to another file. */
  generation: number;
  runs: Record<string, FoldedRun>;
  /** When the last tick without a failure ended, when it is newer than the database's `last_successful_tick_at` (only kept with metrics). */
  goodTickAt?: string;
}

/** The `watchdog_meta` key of the generation: raised by every flush, in the flush's transaction. */
export const FOLDED_GENERATION_KEY = 'folded_generation';

/** The file is never larger: 1000 processes' runs take some 250 KB. */
const MAX_FOLDED_BYTES = 8 * 1024 * 1024;

export function foldedGenerationOf(db: Store): number {
  return Number(readMeta(db, FOLDED_GENERATION_KEY) ?? 0) || 0;
}

/** An empty set of runs continuing the database's generation. */
export function noFoldedChecks(dbPath: string, generation: number): FoldedChecks {
  return { version: 1, db: dbPath, generation, runs: {} };
}

/**
 * The runs waiting for the database at `dbPath` whose generation is `generation`; none
 * when the file is missing, unreadable, of another database or another generation (written
 * already: a run stopped between the flush and the file's removal), or not safe to read (a
 * folder others can write, a link): what it would add is only when unchanged checks ran.
 */
export function readFoldedChecks(path: string, dbPath: string, generation: number): FoldedChecks {
  return foldedOfGeneration(readFoldedFile(path, dbPath), dbPath, generation);
}

/** The runs of `read` when it continues `generation`, else none. */
export function foldedOfGeneration(read: FoldedChecks | undefined, dbPath: string, generation: number): FoldedChecks {
  return read !== undefined && read.generation === generation ? read : noFoldedChecks(dbPath, generation);
}

/**
 * The file as it is, whatever its generation; `undefined` when it cannot be read or is not
 * one of this database's. A reader that is not the tick (`status`) reads it before the
 * database, then keeps it only when the database's generation is the file's: a flush in
 * between has written its runs, which the database then shows.
 */
export function readFoldedFile(path: string, dbPath: string): FoldedChecks | undefined {
  const none = undefined;
  let text: string;
  try {
    const folder = reachTrustedFolder(dirname(path), { trust: PROCESS_LINK_TRUST });
    try {
      const fd = openInFolder(folder.fd, basename(path));
      try {
        if (fstatSync(fd).size > MAX_FOLDED_BYTES) return none;
        text = readFileSync(fd, 'utf8');
      } finally {
        closeSync(fd);
      }
    } finally {
      closeFolder(folder);
    }
  } catch {
    return none;
  }
  try {
    const data = JSON.parse(text) as Partial<FoldedChecks> | null;
    if (
      data === null ||
      typeof data !== 'object' ||
      data.version !== 1 ||
      data.db !== dbPath ||
      !Number.isSafeInteger(data.generation) ||
      typeof data.runs !== 'object' ||
      data.runs === null
    )
      return none;
    const runs: Record<string, FoldedRun> = {};
    for (const [key, stored] of Object.entries(data.runs as Record<string, unknown>)) {
      const run = runOf(stored);
      if (run !== undefined) runs[key] = run;
    }
    const read = { ...noFoldedChecks(dbPath, data.generation as number), runs };
    return typeof data.goodTickAt === 'string' ? { ...read, goodTickAt: data.goodTickAt } : read;
  } catch {
    return none;
  }
}

/** The file in an open folder, never through a link, never waiting on a FIFO; only a regular file. */
function openInFolder(folder: number, name: string): number {
  const fd = openSync(inFolder(folder, name), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new Error(`${name} is not a regular file`);
  }
  return fd;
}

/** The run an array of the file stands for; `undefined` when it is not one (written by hand, or by another version). */
function runOf(stored: unknown): FoldedRun | undefined {
  if (!Array.isArray(stored) || (stored.length !== 8 && stored.length !== 9)) return undefined;
  const [after, first, last, count, heartbeatTs, iteration, ageSeconds, reason, usage] = stored as unknown[];
  const maybe = (value: unknown, type: 'string' | 'number'): boolean => value === null || typeof value === type;
  if (
    !maybe(after, 'string') ||
    typeof first !== 'string' ||
    typeof last !== 'string' ||
    !Number.isSafeInteger(count) ||
    (count as number) < 1 ||
    !maybe(heartbeatTs, 'string') ||
    !maybe(iteration, 'number') ||
    !maybe(ageSeconds, 'number') ||
    typeof reason !== 'string'
  )
    return undefined;
  const measured = usage === undefined ? undefined : usageOf(usage);
  if (usage !== undefined && measured === undefined) return undefined;
  return {
    ...(measured === undefined ? {} : { usage: measured }),
    after: after as string | null,
    first,
    last,
    count: count as number,
    heartbeatTs: heartbeatTs as string | null,
    iteration: iteration as number | null,
    ageSeconds: ageSeconds as number | null,
    reason,
  };
}

/** The measure an array of the file stands for; `undefined` when it is not one. */
function usageOf(stored: unknown): FoldedUsage | undefined {
  if (!Array.isArray(stored) || stored.length !== 8) return undefined;
  const [memoryBytes, cpuPercent, descendants, pid, startTicks, bootId, cpuTicks, uptimeSeconds] = stored as unknown[];
  const numberOrNull = (value: unknown): value is number | null => value === null || typeof value === 'number';
  if (
    ![memoryBytes, cpuPercent, descendants, pid, startTicks, cpuTicks, uptimeSeconds].every(numberOrNull) ||
    !(bootId === null || typeof bootId === 'string')
  )
    return undefined;
  const usage: FoldedUsage = {
    memoryBytes: memoryBytes as number | null,
    cpuPercent: cpuPercent as number | null,
    descendants: descendants as number | null,
  };
  if (pid === null || startTicks === null || cpuTicks === null || uptimeSeconds === null) return usage;
  return {
    ...usage,
    sample: {
      pid: pid as number,
      startTicks: startTicks as number,
      bootId: (bootId as string | null) ?? undefined,
      cpuTicks: cpuTicks as number,
      uptimeSeconds: uptimeSeconds as number,
    },
  };
}

function storedOf(run: FoldedRun): StoredRun {
  const { usage } = run;
  const sample = usage?.sample;
  const measure: StoredUsage | undefined =
    usage === undefined
      ? undefined
      : [
          usage.memoryBytes,
          usage.cpuPercent,
          usage.descendants,
          sample?.pid ?? null,
          sample?.startTicks ?? null,
          sample?.bootId ?? null,
          sample?.cpuTicks ?? null,
          sample?.uptimeSeconds ?? null,
        ];
  const stored: StoredRun = [
    run.after,
    run.first,
    run.last,
    run.count,
    run.heartbeatTs,
    run.iteration,
    run.ageSeconds,
    run.reason,
  ];
  if (measure !== undefined) stored.push(measure);
  return stored;
}

/** Writes the runs, readable by root only, in a root-only folder made when missing; no fsync: the file is in memory. */
export function writeFoldedChecks(path: string, folded: FoldedChecks): void {
  const runs = Object.fromEntries(Object.entries(folded.runs).map(([key, run]) => [key, storedOf(run)]));
  replaceFile(path, JSON.stringify({ ...folded, runs }), 0o600, PROCESS_LINK_TRUST, { sync: false, createMode: 0o700 });
}

export function removeFoldedChecks(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (systemErrorCode(error) !== 'ENOENT') throw error;
  }
}

/**
 * Writes every run into `db` as one `check_history` row (the first check's time, the count,
 * the last check's time and what it saw; what did not change, from `process_state`), moves
 * each key's `process_state` to its last check, and raises the generation: all in the
 * caller's transaction, so the file, once removed or not, is never written twice. A run whose
 * key's row no longer says what the run continued (written since by a watchdog that does not
 * fold) is left out: its checks are lost rather than told with facts they did not see.
 *
 * @returns how many runs were written.
 */
export function flushFoldedChecks(db: Store, folded: FoldedChecks): number {
  const insert = db.prepare(`
    INSERT INTO check_history (process_key, checked_at, health, pid, heartbeat_ts, iteration, action_taken,
      reason, heartbeat_age_seconds, heartbeat_status, consecutive_failures, warning, identity, check_count, last_checked_at)
    SELECT process_key, @first, last_health, last_pid, @heartbeatTs, @iteration, NULL,
      @reason, @ageSeconds, last_heartbeat_status, consecutive_failures, last_warning, last_identity, @count, @lastOrNull
    FROM process_state WHERE process_key = @key AND last_check_at IS @after AND last_state_source = 'check'`);
  const update = db.prepare(`
    UPDATE process_state SET last_check_at = @last, last_heartbeat_ts = @heartbeatTs, last_iteration = @iteration,
      last_heartbeat_age_seconds = @ageSeconds, last_reason = @reason, last_state_at = @last,
      last_health_since = MIN(last_health_since, @first)
    WHERE process_key = @key AND last_check_at IS @after AND last_state_source = 'check'`);
  // The measure of an app with limits: the sample only when the check took one (else the kept one stays).
  const measure = db.prepare(`
    UPDATE process_state SET last_memory_bytes = @memoryBytes, last_cpu_percent = @cpuPercent,
      last_usage_descendants = @descendants,
      cpu_sample_pid = COALESCE(@pid, cpu_sample_pid), cpu_sample_start_ticks = COALESCE(@startTicks, cpu_sample_start_ticks),
      cpu_sample_boot_id = CASE WHEN @pid IS NULL THEN cpu_sample_boot_id ELSE @bootId END,
      cpu_sample_ticks = COALESCE(@cpuTicks, cpu_sample_ticks),
      cpu_sample_uptime_seconds = COALESCE(@uptimeSeconds, cpu_sample_uptime_seconds)
    WHERE process_key = @key AND last_check_at IS @after AND last_state_source = 'check'`);
  const entries = Object.entries(folded.runs);
  for (const [key, run] of entries) {
    const row = { ...run, key, lastOrNull: run.count > 1 ? run.last : null };
    insert.run(row);
    if (run.usage !== undefined) {
      const { sample } = run.usage;
      measure.run({
        key,
        after: run.after,
        memoryBytes: run.usage.memoryBytes,
        cpuPercent: run.usage.cpuPercent,
        descendants: run.usage.descendants,
        pid: sample?.pid ?? null,
        startTicks: sample?.startTicks ?? null,
        bootId: sample?.bootId ?? null,
        cpuTicks: sample?.cpuTicks ?? null,
        uptimeSeconds: sample?.uptimeSeconds ?? null,
      });
    }
    update.run(row);
  }
  if (folded.goodTickAt !== undefined) writeMeta(db, LAST_SUCCESSFUL_TICK_KEY, folded.goodTickAt);
  writeMeta(db, FOLDED_GENERATION_KEY, String(folded.generation + 1));
  return entries.length;
}

/** Whether `run` continues what `row` says: the row a reader shows is then the run's last check. */
function continuesRow(run: FoldedRun, row: Pick<ProcessStateRow, 'last_check_at' | 'last_state_source'>): boolean {
  return run.after === row.last_check_at && row.last_state_source === 'check';
}

/** Each key's state as its last check left it, the checks waiting in memory included (for `status` and the metrics). */
export function withFoldedChecks(
  states: Map<string, ProcessStateRow>,
  folded: FoldedChecks | undefined,
): Map<string, ProcessStateRow> {
  if (folded === undefined) return states;
  const shown = new Map(states);
  for (const [key, run] of Object.entries(folded.runs)) {
    const row = states.get(key);
    if (row === undefined || !continuesRow(run, row)) continue;
    shown.set(key, {
      ...row,
      last_check_at: run.last,
      last_state_at: run.last,
      last_health_since: earlierOf(row.last_health_since, run.first),
      last_heartbeat_ts: run.heartbeatTs,
      last_iteration: run.iteration,
      last_heartbeat_age_seconds: run.ageSeconds,
      last_reason: run.reason,
      ...(run.usage === undefined
        ? {}
        : {
            last_memory_bytes: run.usage.memoryBytes,
            last_cpu_percent: run.usage.cpuPercent,
            last_usage_descendants: run.usage.descendants,
          }),
    });
  }
  return shown;
}

/**
 * When the state began, given a run of checks that saw it: the run's first check when that is
 * earlier (the clock was set back since the state began). Not known stays not known.
 */
function earlierOf(since: string | null | undefined, first: string): string | null | undefined {
  return since != null && Date.parse(first) < Date.parse(since) ? first : since;
}

/**
 * The runs waiting in memory as the rows they will be (of one key, or of all), newest
 * first: `id` null, as they have none yet. For `history`, before the database's rows.
 */
export function waitingHistoryRows(
  folded: FoldedChecks | undefined,
  states: Map<string, ProcessStateRow>,
  processKey?: string,
): CheckHistoryRow[] {
  if (folded === undefined) return [];
  const rows: CheckHistoryRow[] = [];
  for (const [key, run] of Object.entries(folded.runs)) {
    const row = states.get(key);
    if ((processKey !== undefined && key !== processKey) || row === undefined || !continuesRow(run, row)) continue;
    rows.push({
      id: null,
      process_key: key,
      checked_at: run.first,
      health: row.last_health ?? 'healthy',
      pid: row.last_pid,
      heartbeat_ts: run.heartbeatTs,
      iteration: run.iteration,
      action_taken: null,
      reason: run.reason,
      heartbeat_age_seconds: run.ageSeconds,
      heartbeat_status: row.last_heartbeat_status,
      consecutive_failures: row.consecutive_failures,
      warning: row.last_warning,
      recovery_id: null,
      identity: row.last_identity,
      check_count: run.count,
      last_checked_at: run.count > 1 ? run.last : null,
    });
  }
  return rows.sort((a, b) => (a.checked_at < b.checked_at ? 1 : a.checked_at > b.checked_at ? -1 : 0));
}
