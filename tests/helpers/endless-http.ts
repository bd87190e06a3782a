import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { onCleanup } from './cleanup.js';

/** An HTTP server on 127.0.0.1, in a child process, whose answer never ends. */
export interface EndlessHttpServer {
  port: number;
  /** Kills the child (also done when the test file ends). */
  stop(): Promise<void>;
}

/**
 * Starts a server on 127.0.0.1 that answers every request 200 and then streams its body
 * without end, as fast as the client reads (64 KiB chunks). It runs in its own process, so
 * its writes do not take the event loop of the test that measures the client.
 */
export async function startEndlessHttpServer(): Promise<EndlessHttpServer> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const http = require('node:http');
       const chunk = Buffer.alloc(64 * 1024, 97);
       const server = http.createServer((q, r) => {
         q.resume();
         r.writeHead(200);
         const pump = () => { while (r.write(chunk)); r.once('drain', pump); };
         pump();
       });
       server.listen(0, '127.0.0.1', () => console.log(server.address().port));`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  };
  onCleanup(stop);
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  return { port: Number(line.toString().trim()), stop };
}
