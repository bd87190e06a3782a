import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { onCleanup } from './cleanup.js';
import type { MountNamespace } from './mount-namespace.js';

/**
 * A FUSE server on /dev/fuse that answers INIT (opcode 26: a 64-byte fuse_init_out, 7.31,
 * max_write 4096) and nothing else: every later request (LOOKUP, GETATTR, STATFS) waits
 * forever, as on a FUSE daemon that hangs or a hard NFS mount whose server is gone.
 */
const SERVER = String.raw`
import os, struct, subprocess, sys
fd = os.open('/dev/fuse', os.O_RDWR)
subprocess.run(['mount', '-t', 'fuse.hang', '-o', 'fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other' % fd, 'watchdog-test-hang', sys.argv[1]], check=True, pass_fds=(fd,))
print('mounted', flush=True)
while True:
    data = os.read(fd, 1 << 17)
    length, opcode, unique = struct.unpack_from('<IIQ', data)
    if opcode == 26:
        out = struct.pack('<IIIIHHIIHHI', 7, 31, 0, 0, 0, 0, 4096, 0, 0, 0, 0).ljust(64, b'\0')
        os.write(fd, struct.pack('<IiQ', 16 + len(out), 0, unique) + out)
`;

/**
 * Mounts a FUSE file system that never answers on `point`, inside the namespace only. The
 * server is killed when the test ends, which ends the connection: the readers it left
 * waiting in the kernel then die.
 */
export async function mountHungFuse(ns: MountNamespace, point: string): Promise<void> {
  const [command = 'nsenter', ...args] = ns.wrapper;
  const server = spawn(command, [...args, 'python3', '-c', SERVER, point], { stdio: ['ignore', 'pipe', 'pipe'] });
  onCleanup(async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = once(server, 'exit');
    server.kill('SIGKILL');
    await exited;
  });
  let output = '';
  server.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    server.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (chunk.includes('mounted')) resolve();
    });
    server.on('exit', (code) => reject(new Error(`the FUSE server exited ${code} before mounting: ${output}`)));
  });
}
