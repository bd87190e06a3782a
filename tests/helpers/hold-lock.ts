import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** Another live process holding the tick lock, as a running tick would. Stop it with `release()`. */
export async function holdLockInChild(lockPath: string): Promise<{ child: ChildProcess; release: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `require('proper-lockfile').lock(process.argv[1], { lockfilePath: process.argv[1], realpath: false, stale: 30000 })
        .then(() => { console.log('locked'); setTimeout(() => {}, 60000); });`,
      lockPath,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  if (chunk.toString().trim() !== 'locked') throw new Error(`lock holder said ${chunk.toString()}`);
  return {
    child,
    release: async () => {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}
