import type { PidFileRead } from '../system/read-pid-file.js';
import type { ProcessLiveness } from '../system/process-table.js';
import type { ProcessUids } from '../system/process-owner.js';
import type { UserAccount } from '../system/lookup-user.js';
import type { StartedInstance } from '../store/process-control.js';
import { USER_HZ } from '../system/proc-stat.js';
import { pollDelayMs } from '../time/poll-delay.js';
import type { System } from '../system/system.js';

/** What the process table says of a PID a daemon may be. */
export interface DaemonFacts {
  liveness: ProcessLiveness;
  /** Its start time in clock ticks since boot. */
  startTicks: number | undefined;
  uids: ProcessUids | undefined;
}

/** Who may be taken for the daemon: started by the start command, as the app's user, never the watchdog's own line. */
export interface DaemonRules {
  /** Clock ticks since boot just before the start command ran: the daemon cannot be older. */
  notBeforeTicks: number;
  user: UserAccount | undefined;
  /**
   * The owner of the PID file the PID was read from (none for a session member). Without
   * `user`, whoever owns the file may have written any PID into it: only a process running
   * as that owner is taken, so a file the app's user owns never names a root process.
   */
  fileOwnerUid?: number | undefined;
  ownPid: number;
  ancestors: ReadonlySet<number>;
  /** The start command's PID: it exited and was reaped, so whatever holds that PID now is another process. */
  starterPid?: number | undefined;
}

/**
 * Whether a PID (from a PID file the app's user may write, or the start command's session)
 * may be taken as the daemon the start left: an integer > 1 naming a live process (not a
 * zombie, not a thread) that started at or after the start command, whose real and
 * effective user are one (not a set-user-ID program), that runs as the process's `user`
 * when it has one and else, read from a PID file, as the file's owner, and that is neither
 * the watchdog nor one of its ancestors. Anything else is a stranger: never taken, so never signalled.
 */
export function judgeDaemonPid(
  pid: number,
  facts: DaemonFacts,
  rules: DaemonRules,
): { ok: true } | { ok: false; why: string } {
  const no = (why: string): { ok: false; why: string } => ({ ok: false, why: `PID ${pid} ${why}` });
  if (!Number.isSafeInteger(pid) || pid <= 1) return no('is never taken (only PIDs above 1 are)');
  if (pid === rules.ownPid || rules.ancestors.has(pid)) return no('is the watchdog or one of its ancestors');
  if (pid === rules.starterPid) return no("is the start command's, which has exited: another process took it");
  if (facts.liveness !== 'alive')
    return no(
      facts.liveness === 'zombie'
        ? 'has exited (zombie)'
        : facts.liveness === 'thread'
          ? 'is a thread, not a process'
          : 'is not running',
    );
  if (facts.startTicks === undefined) return no('has no readable start time');
  // One tick of slack: the boot clock read before the start is rounded to 10 ms.
  if (facts.startTicks < rules.notBeforeTicks - 1)
    return no('started before the start command: another program, not its daemon');
  if (facts.uids === undefined) return no('is not running');
  if (facts.uids.real !== facts.uids.effective)
    return no(
      `runs with real uid ${facts.uids.real} and effective uid ${facts.uids.effective} (set-user-ID): not its daemon`,
    );
  if (rules.user !== undefined) {
    if (facts.uids.effective !== rules.user.uid)
      return no(`runs as uid ${facts.uids.effective}, not as ${rules.user.name}`);
  } else if (rules.fileOwnerUid !== undefined && facts.uids.effective !== rules.fileOwnerUid) {
    return no(
      `runs as uid ${facts.uids.effective}, not as uid ${rules.fileOwnerUid} that owns the PID file (who could write any PID there)`,
    );
  }
  return { ok: true };
}

/** Where to look for the daemon a start command that exited 0 left. */
export interface DaemonSearch {
  pidFile: string | undefined;
  /** The start command's PID: its session and process group (it led both) may hold what it left. */
  starterPid: number;
  /** Seconds since boot just before the start command ran. */
  startedUptimeSeconds: number;
  /**
   * Seconds since boot once the start command's exit was seen. A session member that started
   * later may be a stranger's: once the start command is reaped and its session empty, another
   * process may take its PID and lead a session with that ID.
   */
  exitedUptimeSeconds: number;
  user: UserAccount | undefined;
  /** Wait this long for the PID file to name a live daemon (it may write it after its parent exits). */
  waitMs: number;
}

export interface DaemonFound {
  daemon: StartedInstance | undefined;
  /** One line for the audit log: what was found, or why nothing was taken. */
  note: string;
}

/** How often the PID file is read again while the daemon comes up. */
const PID_FILE_POLL_MS = 50;

/**
 * Finds the daemon a start command left when it exited 0: the PID in `pid_file`, else the
 * oldest live process left in the command's session or process group (a daemon that forked
 * without `setsid`) that started before the command's exit was seen (the session ID stays
 * the command's only while a member born before then carries it). Its identity (PID, start ticks, boot) is what the next `kill` stops.
 */
export async function findDaemon(
  search: DaemonSearch,
  system: Pick<System, 'processes' | 'readPidFile' | 'monotonicMs' | 'sleep' | 'ownPid' | 'ancestors' | 'signal'>,
): Promise<DaemonFound> {
  const rules: DaemonRules = {
    notBeforeTicks: Math.floor(search.startedUptimeSeconds * USER_HZ),
    user: search.user,
    ownPid: system.ownPid,
    ancestors: system.ancestors(),
    starterPid: search.starterPid,
  };
  const exitedTicks = Math.ceil(search.exitedUptimeSeconds * USER_HZ);
  const bootId = system.processes.bootId();
  /**
   * One look at a PID, its start time read before and after its state and user: the same
   * both times, every fact is of one process (a PID reused between two reads would mix two).
   */
  const factsOf = (pid: number): DaemonFacts => {
    if (!Number.isSafeInteger(pid) || pid <= 1) return { liveness: 'dead', startTicks: undefined, uids: undefined };
    const before = system.processes.stat(pid)?.startTime;
    const liveness = system.processes.liveness(pid);
    const uids = system.processes.uids(pid);
    const after = system.processes.stat(pid)?.startTime;
    if (before !== after) return { liveness: 'dead', startTicks: undefined, uids: undefined };
    return { liveness, startTicks: after, uids };
  };
  /** The daemon when `pid` may be taken, judged and recorded from one look; else why not. */
  const take = (
    pid: number,
    from: string,
    foundBy: 'pid_file' | 'session',
    fileOwnerUid?: number,
  ): DaemonFound | { why: string } => {
    const facts = factsOf(pid);
    const verdict = judgeDaemonPid(pid, facts, { ...rules, fileOwnerUid });
    if (!verdict.ok) return { why: verdict.why };
    if (facts.startTicks === undefined) return { why: `PID ${pid} has no readable start time` };
    return {
      daemon: { pid, startTicks: facts.startTicks, bootId, foundBy },
      note: `daemon PID ${pid} (${from}) recorded`,
    };
  };

  let refused: string | undefined;
  if (search.pidFile !== undefined) {
    const deadline = system.monotonicMs() + search.waitMs;
    for (let attempt = 0; ; attempt += 1) {
      const read: PidFileRead = system.readPidFile(search.pidFile);
      if (read.kind === 'pid') {
        const found = take(read.pid, `from ${search.pidFile}`, 'pid_file', read.ownerUid);
        if ('daemon' in found) return found;
        refused = `${search.pidFile} names ${found.why}: not taken`;
      } else {
        refused = read.kind === 'missing' ? `${search.pidFile} was not written` : `${read.reason}: not taken`;
      }
      // Asked to stop, the watchdog looks no longer for the file: the session and group still name the daemon.
      if (system.monotonicMs() >= deadline || system.signal?.aborted === true) break;
      await system.sleep(pollDelayMs(attempt, PID_FILE_POLL_MS));
    }
  }
  const left = new Set([
    ...system.processes.sessionMembers(search.starterPid),
    ...system.processes.groupMembers(search.starterPid),
  ]);
  const candidates = [...left]
    .map((pid) => ({ pid, facts: factsOf(pid) }))
    // One tick of slack, as for notBeforeTicks: the boot clock is read rounded.
    .filter(
      ({ pid, facts }) =>
        judgeDaemonPid(pid, facts, rules).ok && facts.startTicks !== undefined && facts.startTicks <= exitedTicks + 1,
    )
    .sort((a, b) => (a.facts.startTicks ?? 0) - (b.facts.startTicks ?? 0) || a.pid - b.pid);
  const oldest = candidates[0];
  const prefix = refused === undefined ? '' : `${refused}; `;
  if (oldest !== undefined) {
    const found = take(oldest.pid, `left in the start command's session`, 'session');
    if ('daemon' in found) return { ...found, note: `${prefix}${found.note}` };
  }
  return {
    daemon: undefined,
    note: `${prefix}no daemon found in its session${search.pidFile === undefined ? ' (set pid_file if it detaches with setsid)' : ''}`,
  };
}
