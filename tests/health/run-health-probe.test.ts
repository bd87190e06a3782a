import assert from 'node:assert/strict';
import { readFileSync, realpathSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { HealthProbe } from '../../src/health/health-probe.js';
import { runHealthProbe, type ProbedProcess } from '../../src/health/run-health-probe.js';
import { createCommandCgroup } from '../../src/system/command-cgroup.js';
import { runShellCommand } from '../../src/system/run-shell-command.js';
import { realSystem } from '../../src/system/system.js';
import { onCleanup } from '../helpers/cleanup.js';
import { freePort, listenOnFreePort } from '../helpers/free-port.js';
import { isGone, readPidFile, waitUntil } from '../helpers/owned-processes.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { createThrowawayUser } from '../helpers/throwaway-users.js';

/** Stops a test that hangs instead of letting it block the run; never an assertion on speed. */
const hangGuard = { timeout: 60_000 };

const system = realSystem();
const deps = { env: process.env, runShellCommand: system.runShellCommand };

/** Whether a command can run in a cgroup of its own here (the one made to find out is given back). */
function probeCgroup(): ReturnType<typeof createCommandCgroup> {
  const cgroup = createCommandCgroup();
  if ('dir' in cgroup) cgroup.release();
  return cgroup;
}

function probed(health: HealthProbe, extra: Partial<ProbedProcess> = {}): ProbedProcess {
  return { key: 'app', health, cwd: makeTempDir(), env: {}, user: undefined, ...extra };
}

/** An HTTP server on 127.0.0.1 for this test, every connection of it kept to look at. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server: Server = createServer(handler);
  server.on('connection', (socket: Socket) => sockets.push(socket));
  const port = await listenOnFreePort(server);
  onCleanup(() => {
    server.closeAllConnections();
    server.close();
  });
  return { port, sockets };
}

describe('runHealthProbe over HTTP on loopback', () => {
  it('ends at once, not answered, when the watchdog is asked to stop while it waits', hangGuard, async () => {
    let asked = (): void => undefined;
    const requested = new Promise<void>((resolve) => (asked = resolve));
    const { port } = await serve(() => asked());
    const stop = new AbortController();
    const running = runHealthProbe(
      probed({ type: 'http', url: `http://127.0.0.1:${port}/`, expect_status: 200, timeout_seconds: 30 }),
      { ...deps, signal: stop.signal },
    );
    await requested;
    stop.abort('SIGTERM');
    const result = await running;
    assert.deepEqual([result.answered, result.detail], [false, 'interrupted: the watchdog was asked to stop']);
  });

  it('asks nothing over TCP once the watchdog was asked to stop', hangGuard, async () => {
    const stop = new AbortController();
    stop.abort('SIGTERM');
    const result = await runHealthProbe(probed({ type: 'tcp', host: '127.0.0.1', port: 1, timeout_seconds: 30 }), {
      ...deps,
      signal: stop.signal,
    });
    assert.deepEqual([result.answered, result.detail], [false, 'interrupted: the watchdog was asked to stop']);
  });

  it('answers on the expected status', hangGuard, async () => {
    const { port } = await serve((_request, response) => response.writeHead(200).end('ok'));
    const result = await runHealthProbe(
      probed({ type: 'http', url: `http://127.0.0.1:${port}/health`, expect_status: 200, timeout_seconds: 5 }),
      deps,
    );
    assert.deepEqual([result.answered, result.detail], [true, 'HTTP 200']);
    assert.equal(result.probe, `http http://127.0.0.1:${port}/health`);
  });

  it(
    'answers past Node’s 16 KB of response headers (many cookies): a big header is no failure',
    hangGuard,
    async () => {
      const { port } = await serve((_request, response) =>
        response.writeHead(200, { 'x-padding': 'a'.repeat(24 * 1024) }).end('ok'),
      );
      const result = await runHealthProbe(
        probed({ type: 'http', url: `http://127.0.0.1:${port}/`, expect_status: 200, timeout_seconds: 5 }),
        deps,
      );
      assert.deepEqual([result.answered, result.detail], [true, 'HTTP 200']);
    },
  );

  it('fails on another status and says which it got', hangGuard, async () => {
    const { port } = await serve((_request, response) => response.writeHead(503).end('busy'));
    const result = await runHealthProbe(
      probed({ type: 'http', url: `http://127.0.0.1:${port}/`, expect_status: 200, timeout_seconds: 5 }),
      deps,
    );
    assert.deepEqual([result.answered, result.detail], [false, 'HTTP 503, expected 200']);
  });

  it('gives up at its timeout on a server that never answers, and closes the connection', hangGuard, async () => {
    const { port, sockets } = await serve(() => {});
    const result = await runHealthProbe(
      probed({ type: 'http', url: `http://127.0.0.1:${port}/`, expect_status: 200, timeout_seconds: 0.3 }),
      deps,
    );
    assert.deepEqual([result.answered, result.detail], [false, 'timed out after 0.3s']);
    await waitUntil(
      () => sockets.every((socket) => socket.closed || socket.readableEnded),
      'the probe closed its connection',
    );
  });

  it('does not follow a redirect to another host', hangGuard, async () => {
    let asked = 0;
    const { port } = await serve((_request, response) => {
      asked += 1;
      // TEST-NET-1: never contacted, as the redirect is not followed.
      response.writeHead(302, { location: 'http://192.0.2.1/health' }).end();
    });
    const result = await runHealthProbe(
      probed({ type: 'http', url: `http://127.0.0.1:${port}/`, expect_status: 200, timeout_seconds: 5 }),
      deps,
    );
    assert.deepEqual([result.answered, result.detail, asked], [false, 'HTTP 302, expected 200', 1]);
  });

  it('reads no body: an endless one does not hold it past the status line', hangGuard, async () => {
    let written = 0;
    const { port, sockets } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = (): void => {
        while (!response.destroyed && response.write(chunk)) written += chunk.length;
        if (!response.destroyed) response.once('drain', pump);
      };
      response.on('close', () => response.removeAllListeners('drain'));
      pump();
    });
    const result = await runHealthProbe(
      probed({ type: 'http', url: `http://127.0.0.1:${port}/`, expect_status: 200, timeout_seconds: 5 }),
      deps,
    );
    assert.deepEqual([result.answered, result.detail], [true, 'HTTP 200']);
    await waitUntil(() => sockets.every((socket) => socket.destroyed || socket.closed), 'the probe hung up');
    // What the kernel's buffers took before the hang-up, not the endless body.
    assert.ok(written < 64 * 1024 * 1024, `${written} bytes written`);
  });

  it('masks a password in the URL it describes', hangGuard, async () => {
    const port = await freePort();
    const result = await runHealthProbe(
      probed({ type: 'http', url: `http://admin:s3cret@127.0.0.1:${port}/`, expect_status: 200, timeout_seconds: 5 }),
      deps,
    );
    assert.equal(result.answered, false);
    assert.equal(result.probe, `http http://***:***@127.0.0.1:${port}/`);
    assert.ok(!JSON.stringify(result).includes('s3cret'));
  });
});

describe('runHealthProbe over TCP on loopback', () => {
  it('answers when a listener accepts', hangGuard, async () => {
    const server = createTcpServer((socket) => socket.on('error', () => {}));
    const port = await listenOnFreePort(server);
    onCleanup(() => server.close());
    const result = await runHealthProbe(probed({ type: 'tcp', host: '127.0.0.1', port, timeout_seconds: 5 }), deps);
    assert.deepEqual([result.answered, result.detail, result.probe], [true, 'connected', `tcp 127.0.0.1:${port}`]);
  });

  it('fails on a closed port, by its error code', hangGuard, async () => {
    const port = await freePort();
    const result = await runHealthProbe(probed({ type: 'tcp', host: '127.0.0.1', port, timeout_seconds: 5 }), deps);
    assert.deepEqual([result.answered, result.detail], [false, 'ECONNREFUSED']);
  });
});

describe('runHealthProbe with a command', () => {
  it('answers on exit 0, run in the process’s cwd with its env and WATCHDOG_* variables', hangGuard, async () => {
    const cwd = makeTempDir();
    const result = await runHealthProbe(
      probed(
        {
          type: 'command',
          command: 'pwd > seen; echo "$APP_MODE $WATCHDOG_PROCESS_KEY $WATCHDOG_ACTION" >> seen',
          timeout_seconds: 5,
        },
        { cwd, env: { APP_MODE: 'edge' } },
      ),
      deps,
    );
    assert.equal(result.answered, true, result.detail);
    assert.match(result.detail, /^exited 0$/);
    assert.equal(readFileSync(join(cwd, 'seen'), 'utf8'), `${realpathSync(cwd)}\nedge app health\n`);
  });

  it('fails on exit 1 and quotes the end of its output, escaped on one line', hangGuard, async () => {
    const result = await runHealthProbe(
      probed({ type: 'command', command: "printf 'broker down\\n\\033]0;pwned\\007'; exit 1", timeout_seconds: 5 }),
      deps,
    );
    assert.equal(result.answered, false);
    assert.match(result.detail, /^exited 1: "broker down\\x0a\\x1b\]0;pwned\\x07"$/);
    assert.ok(![...result.detail].some((char) => char < ' '), 'no control character is left');
    assert.ok(result.probe.startsWith('command "printf'), result.probe);
  });

  it(
    'kills a command that hangs past its timeout with its whole group, leaving nothing behind',
    hangGuard,
    async () => {
      const dir = makeTempDir();
      const pidFile = join(dir, 'grandchild.pid');
      const result = await runHealthProbe(
        probed({ type: 'command', command: `sleep 600 & echo $! > ${pidFile}; sleep 600`, timeout_seconds: 0.5 }),
        deps,
      );
      const grandchild = await readPidFile(pidFile);
      assert.equal(result.answered, false);
      assert.match(result.detail, /^timed out after 0\.5s; its process group was killed$/);
      assert.equal(isGone(grandchild), true, `PID ${grandchild} (the background sleep) is gone`);
    },
  );

  for (const [name, useCgroup] of [
    ['in its cgroup', true],
    ['without a cgroup, by its session', false],
  ] as const) {
    it(`stops what a command that exits on its own left running, ${name}`, hangGuard, async () => {
      const dir = makeTempDir();
      const pidFile = join(dir, 'child.pid');
      const result = await runHealthProbe(
        probed({ type: 'command', command: `sleep 30 & echo $! > ${pidFile}; exit 0`, timeout_seconds: 5 }),
        { ...deps, runShellCommand: (options) => runShellCommand({ ...options, useCgroup }) },
      );
      const child = await readPidFile(pidFile);
      assert.equal(result.answered, true, result.detail);
      assert.equal(isGone(child), true, `PID ${child} (the background sleep) is gone`);
    });
  }

  it(
    'stops a child that left the session (setsid) when the command ran in a cgroup',
    { ...hangGuard, skip: 'dir' in probeCgroup() ? false : 'needs a cgroup of its own for the command' },
    async () => {
      const dir = makeTempDir();
      const pidFile = join(dir, 'child.pid');
      const result = await runHealthProbe(
        probed({ type: 'command', command: `setsid sleep 30 & echo $! > ${pidFile}; exit 0`, timeout_seconds: 5 }),
        deps,
      );
      const child = await readPidFile(pidFile);
      assert.equal(result.answered, true, result.detail);
      assert.equal(isGone(child), true, `PID ${child} (the setsid sleep) is gone`);
    },
  );

  it(
    'runs as the process’s user, with that user’s HOME and USER',
    { ...hangGuard, skip: process.getuid?.() === 0 ? false : 'needs root to run a command as another user' },
    async () => {
      const app = await createThrowawayUser('probe');
      const result = await runHealthProbe(
        probed(
          { type: 'command', command: 'echo "$(id -u):$(id -g):$USER:$HOME"; exit 1', timeout_seconds: 5 },
          { cwd: '/', user: { name: app.name, uid: app.uid, gid: app.gid, home: '/nonexistent' } },
        ),
        deps,
      );
      assert.match(result.detail, new RegExp(`: "${app.uid}:${app.gid}:${app.name}:/nonexistent"$`));
    },
  );

  it('fails, saying why, when the command cannot run', hangGuard, async () => {
    const result = await runHealthProbe(
      probed({ type: 'command', command: 'true', timeout_seconds: 5 }, { cwd: '/nonexistent/folder' }),
      deps,
    );
    assert.equal(result.answered, false);
    assert.match(result.detail, /^could not run: /);
  });
});
