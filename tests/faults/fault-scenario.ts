// What the fault cases share: a fresh folder and a PID namespace per case, a config whose
// start command is a harmless stub, a bystander that records every signal it gets, the
// built watchdog run inside the namespace, and readers of the audit database.
//
// Every case that lets the watchdog signal or start anything runs it inside the namespace
// (tests/helpers/pid-namespace.ts): whatever a bug signals, it can only reach processes
// the case started there. The cases that should start nothing run there too, in case a bug
// does.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { findOwnCgroupFolder } from '../../src/system/command-cgroup.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import {
  readSentinelRecord,
  startPidNamespace,
  startSentinel,
  type NsRunResult,
  type PidNamespace,
} from '../helpers/pid-namespace.js';
import { WATCHDOG_BIN } from '../helpers/run-watchdog.js';
import { onCleanup } from '../helpers/cleanup.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { checksIn, recoveriesIn } from '../helpers/watchdog-in-namespace.js';
import type { CheckHistoryRow, RecoveryWithActions } from '../../src/store/read-state.js';

/**
 * A start command that only says it ran: one line, the process key, in `started.log` in
 * the config's folder (the commands' working directory). Exits 0, so the start succeeds.
 */
export const STUB_START = `printf '%s\\n' "$WATCHDOG_PROCESS_KEY" >> started.log`;

/** One process of a fault config; the fields given override the defaults of {@link writeFaultConfig}. */
/** A process's fields; `heartbeat_path` may be left out by one checked another way (`health`). */
export type FaultProcess = Record<string, unknown> & { heartbeat_path?: string };

/**
 * Writes `dir/config.json` (mode 0644) in the new format: every process gets a display
 * name, a 30 s timeout, the stub start, the pipeline kill → start, a 1 s kill_timeout,
 * and the top level a 0.5 s verify_delay and no cleanup_args. `topLevel` and each process's
 * fields override these.
 */
export function writeFaultConfig(
  dir: string,
  processes: Record<string, FaultProcess>,
  topLevel: Record<string, unknown> = {},
): string {
  const config = {
    consecutive_failures_threshold: 2,
    kill_timeout: 1,
    verify_delay: 0.5,
    cleanup_args: [],
    ...topLevel,
    processes: Object.fromEntries(
      Object.entries(processes).map(([key, fields]) => [
        key,
        {
          display_name: `The ${key} app`,
          timeout_seconds: 30,
          enabled: true,
          commands: { start: STUB_START },
          recovery_actions: ['kill', 'start'],
          ...fields,
        },
      ]),
    ),
  };
  const path = join(dir, 'config.json');
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  // Explicitly, whatever the umask: a config writable by others is refused.
  chmodSync(path, 0o644);
  return path;
}

/** A case's world: its folder, its PID namespace, a bystander in it, and the watchdog. */
export interface FaultWorld {
  dir: string;
  ns: PidNamespace;
  configPath: string;
  dbPath: string;
  /** A sentinel (tests/fixtures/sentinel.mjs) started inside the namespace: no one may signal it. */
  bystander: { pid: number; recordFile: string };
  /** Runs `watchdog ARGS -c CONFIG` inside the namespace, from `/` as cron does. */
  watchdog: (args: readonly string[], options?: WatchdogRunOptions) => Promise<NsRunResult>;
}

export interface WatchdogRunOptions {
  /** A command the watchdog runs under (e.g. setpriv with fewer capabilities). */
  wrapper?: readonly string[];
  /** A hang guard, not an assertion: the run is SIGKILLed and rejects after this long (default 30 s). */
  timeoutMs?: number;
}

/** Makes a temp folder and a PID namespace with a bystander in it; both go when the test ends. */
export async function startFaultWorld(prefix: string): Promise<FaultWorld> {
  const dir = makeTempDir(`watchdog-fault-${prefix}-`);
  // Registered first, so it runs once the namespace is gone: a watchdog SIGKILLed there mid-command leaves its command's cgroup.
  const started: { ns?: PidNamespace } = {};
  onCleanup(() => removeCommandCgroupsOf(started.ns?.namespaceId));
  const ns = await startPidNamespace();
  started.ns = ns;
  const recordFile = join(dir, 'bystander.signals');
  // Detached: it leads its own process group, as an app the watchdog must not touch would.
  const pid = await startSentinel(ns, recordFile, { detached: true });
  const configPath = join(dir, 'config.json');
  return {
    dir,
    ns,
    configPath,
    dbPath: join(dir, 'watchdog.db'),
    bystander: { pid, recordFile },
    watchdog: (args, { wrapper = [], timeoutMs } = {}) =>
      ns.run([...wrapper, process.execPath, WATCHDOG_BIN, ...args, '-c', configPath], {
        cwd: '/',
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      }),
  };
}

/**
 * Removes the empty cgroups the watchdogs of a PID namespace made for their commands
 * (`watchdog-cmd-<namespace inode>-*`, see src/system/command-cgroup.ts); a populated one stays.
 */
function removeCommandCgroupsOf(namespaceId: string | undefined): void {
  const inode = /^pid:\[(\d+)\]$/.exec(namespaceId ?? '')?.[1];
  const home = findOwnCgroupFolder();
  if (inode === undefined || home === undefined) return;
  for (const name of readdirSync(home)) {
    if (!name.startsWith(`watchdog-cmd-${inode}-`)) continue;
    try {
      rmdirSync(join(home, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EBUSY') throw error;
    }
  }
}

/**
 * Mounts a small tmpfs at `path` (made mode 0700) in the case's own mount namespace, so the
 * machine never sees it: a disk that fills (`size`) or a read-only one (`readOnly`).
 */
export async function mountSmallTmpfs(
  world: Pick<FaultWorld, 'ns'>,
  path: string,
  { size, readOnly = false }: { size: string; readOnly?: boolean },
): Promise<void> {
  const options = `size=${size},mode=0700${readOnly ? ',ro' : ''}`;
  const made = await world.ns.run(
    ['sh', '-c', 'mkdir -m 700 "$1" && mount -t tmpfs -o "$2" tmpfs "$1"', 'sh', path, options],
    { cwd: '/' },
  );
  assert.equal(made.code, 0, `mount a tmpfs (${options}) at ${path}: ${made.stderr}`);
}

/** A start command that always fails, after noting the attempt in `attempts.log`. */
export const FAILING_START = 'echo attempt >> attempts.log; exit 1';

/** How many times {@link FAILING_START} ran in the world's folder. */
export function startAttempts(world: Pick<FaultWorld, 'dir'>): number {
  const path = join(world.dir, 'attempts.log');
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).length : 0;
}

/** Writes a heartbeat file (mode 0644 unless given) with the given text or bytes. */
export function writeHeartbeat(path: string, contents: string | Buffer, mode = 0o644): void {
  writeFileSync(path, contents);
  chmodSync(path, mode);
}

/** A heartbeat in the Python Watchdog's format, written now, with any field overridden. */
export function heartbeatJson(fields: Record<string, unknown>): string {
  return JSON.stringify({ timestamp: formatUtcTimestamp(new Date()), status: 'running', iteration: 1, ...fields });
}

/** A group from /etc/group: name and gid. */
export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

function groupsOfSystem(): GroupEntry[] {
  return readFileSync('/etc/group', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .filter((fields) => fields.length >= 4 && /^\d+$/.test(fields[2] ?? ''))
    .map((fields) => ({
      name: fields[0] ?? '',
      gid: Number(fields[2]),
      members: (fields[3] ?? '').split(',').filter(Boolean),
    }));
}

/**
 * A group that is not root's private group (docs/configuration.md: "writable by group" does
 * not count for the owner's private group): a file of root's with this group and mode 0664 is
 * writable by other users. `users` when it exists, else the first group other than gid 0.
 */
export function sharedGroup(): GroupEntry {
  const groups = groupsOfSystem().filter((group) => group.gid !== 0);
  const chosen = groups.find((group) => group.name === 'users') ?? groups[0];
  if (chosen === undefined) throw new Error('/etc/group lists no group other than gid 0');
  return chosen;
}

/**
 * Whether gid 0 is root's private group as docs/configuration.md defines one: no other member
 * listed in /etc/group, root's primary group, and no other account's primary group. The cases that
 * rely on it check this first, so a machine set up otherwise fails with this reason.
 */
export function rootGroupIsPrivate(): boolean {
  const root = groupsOfSystem().find((group) => group.gid === 0);
  const accounts = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .filter((fields) => fields.length >= 7);
  const rootAccount = accounts.find((fields) => fields[2] === '0');
  return (
    root !== undefined &&
    root.members.every((member) => member === rootAccount?.[0]) &&
    rootAccount?.[3] === '0' &&
    accounts.every((fields) => fields[3] !== '0' || fields[2] === '0')
  );
}

/** What the bystanders saw: the sentinel's signals, its state, and the signals the namespace's init got. */
export interface BystanderReport {
  signals: string[];
  state: string;
  initState: string;
  initSignals: string[];
}

export async function bystanderReport(world: FaultWorld): Promise<BystanderReport> {
  return {
    signals: readSentinelRecord(world.bystander.recordFile).filter((line) => line !== 'ready'),
    state: await world.ns.state(world.bystander.pid),
    initState: await world.ns.state(1),
    initSignals: await world.ns.hostSignals(),
  };
}

/** The usual sentence about the bystanders, for the Observed column. */
export function describeBystanders(report: BystanderReport): string {
  return `bystander ${report.state} (signals: ${report.signals.join(',') || 'none'}), init ${report.initState} (signals: ${report.initSignals.join(',') || 'none'})`;
}

/** Asserts that neither the bystander nor the namespace's init was signalled, and both live. */
export function assertBystandersUntouched(report: BystanderReport): void {
  assert.deepEqual(
    report,
    { signals: [], state: 'alive', initState: 'alive', initSignals: [] },
    'no bystander was signalled, and both are alive',
  );
}

/** The lines the stub start wrote: one process key per start. */
export function stubStarts(dir: string): string[] {
  const path = join(dir, 'started.log');
  return existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
    : [];
}

/** Every check, oldest first; none when there is no database. */
export function checksOf(dbPath: string): CheckHistoryRow[] {
  return existsSync(dbPath) ? checksIn(dbPath) : [];
}

/** Every recovery with its actions, oldest first; none when there is no database. */
export function recoveriesOf(dbPath: string): RecoveryWithActions[] {
  return existsSync(dbPath) ? recoveriesIn(dbPath) : [];
}

/** The `audit_events` rows, oldest first. */
export function auditEventsOf(dbPath: string): { kind: string; process_key: string | null; detail: string | null }[] {
  if (!existsSync(dbPath)) return [];
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare<[], { kind: string; process_key: string | null; detail: string | null }>(
        'SELECT kind, process_key, detail FROM audit_events ORDER BY id',
      )
      .all();
  } finally {
    db.close();
  }
}

/** A process's `process_state` row as a plain record (the columns this suite reads). */
export function processRowOf(dbPath: string, key: string): Record<string, unknown> | undefined {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[string], Record<string, unknown>>('SELECT * FROM process_state WHERE process_key = ?').get(key);
  } finally {
    db.close();
  }
}

/** Each action of a recovery as `name: outcome`. */
export function actionOutcomes(recovery: RecoveryWithActions | undefined): string[] {
  return (recovery?.actions ?? []).map((action) => `${action.action}: ${action.outcome}`);
}

/** A run's result in a few words: `exit 0`, or `killed by SIGKILL`, with stderr's first line if any. */
export function describeRun(result: NsRunResult): string {
  const how = result.signal === null ? `exit ${String(result.code)}` : `killed by ${result.signal}`;
  const firstErr = result.stderr.split('\n').find((line) => line.trim() !== '');
  if (firstErr === undefined) return how;
  return `${how} (stderr: ${firstErr.length > 120 ? `${firstErr.slice(0, 117)}...` : firstErr})`;
}
