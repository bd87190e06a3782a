import { readFileSync } from 'node:fs';

/** This test process's identity, read from the real procfs independently of the library. */
export interface OwnIdentity {
  /** Field 22 of `/proc/<process.pid>/stat`. */
  startTicks: number;
  /** `/proc/sys/kernel/random/boot_id`, without its newline. */
  bootId: string;
}

export function readOwnIdentity(): OwnIdentity {
  const stat = readFileSync(`/proc/${String(process.pid)}/stat`, 'utf8');
  // Greedy: `.*\)` runs to the last ')', whatever the command name holds.
  const match = /^\d+ \(.*\) (.*)$/s.exec(stat.trimEnd());
  if (match?.[1] === undefined) throw new Error(`not a stat line: ${stat}`);
  // After the name come fields 3, 4, ...: field 22 is the 20th.
  const field22 = match[1].split(' ')[22 - 3];
  const startTicks = Number(field22);
  if (!Number.isSafeInteger(startTicks)) throw new Error(`field 22 is not an integer: ${String(field22)}`);
  return { startTicks, bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').replace(/\n$/, '') };
}
