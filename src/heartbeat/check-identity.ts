import type { UserAccount } from '../system/lookup-user.js';
import type { ObservedIdentity } from '../system/observe-identity.js';

/**
 * The ways a live PID is shown to be the app and not a process that reused its PID:
 * `start_time`, the writer's start time and boot recorded in the heartbeat;
 * `command_line`, the process's `match` pattern; `user`, the process's `user`.
 */
export type IdentityCheck = 'start_time' | 'command_line' | 'user';

/** What the app is known to be: from its heartbeat (start time, boot) and its config (`match`, `user`). */
export interface ExpectedIdentity {
  /** The writer's start time in clock ticks since boot, as its heartbeat records it. */
  startTicks?: number | undefined;
  /** The boot the heartbeat was written in. */
  bootId?: string | undefined;
  match?: RegExp | undefined;
  user?: UserAccount | undefined;
  /**
   * Without a `user`: the heartbeat file's owner, when it is an ordinary user (not root, not
   * the watchdog's own): the PID must run as it, so an unprivileged app cannot point root at
   * another user's process.
   */
  writerUid?: number | undefined;
}

export type IdentityVerdict =
  { ok: true; applied: IdentityCheck[] } | { ok: false; applied: IdentityCheck[]; reason: string };

/**
 * Whether the live process `pid` is the app. Every check that can apply does, and the
 * first that fails names why: a process that fails one is not the app, whatever the
 * others say, and is never signalled.
 */
export function checkIdentity(pid: number, expected: ExpectedIdentity, observed: ObservedIdentity): IdentityVerdict {
  const applied: IdentityCheck[] = [];
  const fail = (reason: string): IdentityVerdict => ({ ok: false, applied, reason });

  if (expected.startTicks !== undefined || expected.bootId !== undefined) {
    applied.push('start_time');
    const bootId = observed.bootId();
    if (expected.bootId !== undefined && bootId !== undefined && expected.bootId !== bootId) {
      return fail(
        `PID ${pid} is not the app: its heartbeat was written before the last reboot (boot ${expected.bootId}, now ${bootId})`,
      );
    }
    if (expected.startTicks !== undefined) {
      const startTicks = observed.startTicks();
      if (startTicks === undefined) return fail(`PID ${pid} is not running`);
      if (startTicks !== expected.startTicks) {
        return fail(
          `PID ${pid} is another process: it started at tick ${startTicks}, the heartbeat's writer at tick ${expected.startTicks} (PID reused)`,
        );
      }
    }
  }
  if (expected.user !== undefined) {
    applied.push('user');
    const uids = observed.uids();
    if (uids === undefined) return fail(`PID ${pid} is not running`);
    if (uids.real !== expected.user.uid || uids.effective !== expected.user.uid) {
      return fail(
        `PID ${pid} runs as uid ${uids.effective}, not as ${expected.user.name} (uid ${expected.user.uid}): not the app`,
      );
    }
  }
  if (expected.user === undefined && expected.writerUid !== undefined) {
    applied.push('user');
    const uids = observed.uids();
    if (uids === undefined) return fail(`PID ${pid} is not running`);
    if (uids.real !== expected.writerUid || uids.effective !== expected.writerUid) {
      return fail(
        `PID ${pid} runs as uid ${uids.effective}, but its heartbeat was written by uid ${expected.writerUid}: not the app`,
      );
    }
  }
  if (expected.match !== undefined) {
    applied.push('command_line');
    const commandLine = observed.commandLine() ?? '';
    if (!expected.match.test(commandLine)) {
      return fail(
        `PID ${pid} is not the app: its command line ${JSON.stringify(clip(commandLine))} does not match ${expected.match.source}`,
      );
    }
  }
  return { ok: true, applied };
}

/** How `status` names the checks that applied. */
export function describeIdentity(applied: readonly IdentityCheck[]): string {
  if (applied.length === 0) return 'PID only';
  return applied.map((check) => IDENTITY_WORDS[check]).join(' + ');
}

const IDENTITY_WORDS: Record<IdentityCheck, string> = {
  start_time: 'start time',
  command_line: 'command line',
  user: 'user',
};

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
