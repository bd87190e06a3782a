/** The shells whose PID `watchdog beat` names when no `--pid` is given (`/proc/PID/comm`). */
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'ksh', 'mksh', 'lksh', 'oksh', 'pdksh', 'zsh', 'yash', 'busybox']);

export type CallerVerdict = { ok: true; pid: number } | { ok: false; reason: string };

/**
 * The PID a beat names when none is given: its caller's, the shell running the loop (what
 * `--pid $$` names there), but only when that caller is a shell. Run from a crontab line,
 * a systemd unit, `npx` or a program, the caller is cron, systemd, npm or that program,
 * and a heartbeat naming it would let a recovery kill it: then `--pid` is required. Pure.
 *
 * @param commandName the caller's `/proc/PID/comm`, `undefined` when it is gone.
 *
 * @example
 * judgeCallerPid(4242, 'bash'); // => { ok: true, pid: 4242 }
 * judgeCallerPid(812, 'cron');  // => { ok: false, reason: 'the caller, PID 812 (cron), is not a shell' }
 */
export function judgeCallerPid(ppid: number, commandName: string | undefined): CallerVerdict {
  if (ppid <= 1) return { ok: false, reason: `the caller is gone (parent PID ${ppid})` };
  if (commandName === undefined) return { ok: false, reason: `the caller, PID ${ppid}, is gone` };
  if (!SHELLS.has(commandName))
    return { ok: false, reason: `the caller, PID ${ppid} (${JSON.stringify(commandName)}), is not a shell` };
  return { ok: true, pid: ppid };
}
