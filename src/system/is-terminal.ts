import { fstatSync } from 'node:fs';

/** Node's `tty.isatty`, loaded when asked: the module loads Node's net and stream modules (about 1.5 ms). */
function nodeIsatty(fd: number): boolean {
  return process.getBuiltinModule('node:tty').isatty(fd);
}

/**
 * Whether file descriptor `fd` is a terminal. A pipe (cron), a socket (systemd's journal),
 * a file and the memory devices (`> /dev/null`, major 1) are told apart by one `fstat`,
 * without loading Node's tty module; only another character device is asked of `isatty`.
 * A descriptor that cannot be read is no terminal.
 */
export function isTerminal(fd: number, isatty: (fd: number) => boolean = nodeIsatty): boolean {
  let stat;
  try {
    stat = fstatSync(fd);
  } catch {
    return false;
  }
  if (!stat.isCharacterDevice()) return false;
  const major = (stat.rdev >> 8) & 0xfff;
  return major === 1 ? false : isatty(fd);
}
