import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ProbeSpec } from '../../src/probes/probe.js';
import { runIcmpProbe } from '../../src/probes/run-icmp-probe.js';
import { runProbe } from '../../src/probes/run-probe.js';
import { noIpv6Loopback } from '../helpers/free-port.js';
import { createNetworkPair } from '../helpers/network-namespace.js';
import { isGone, killProcessOnCleanup, readPidFile } from '../helpers/owned-processes.js';
import { probeFromDevice, unusedAddress } from '../helpers/probe-from-device.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** Stops a test that hangs instead of letting it block the run; never an assertion on speed. */
const hangGuard = { timeout: 60_000 };

/** The system folders the probe adds to PATH, in order. */
const SYSTEM_PATH = '/usr/sbin:/sbin:/usr/bin:/bin';

/** Writes an executable shell script named `ping` into a fresh temp folder; returns the folder. */
function writeFakePing(body: string): string {
  const dir = makeTempDir();
  writeFileSync(join(dir, 'ping'), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return dir;
}

function icmp(host: string, timeoutSeconds = 5): Extract<ProbeSpec, { type: 'icmp' }> {
  return { type: 'icmp', host, timeout_seconds: timeoutSeconds };
}

const noIpv6 = await noIpv6Loopback();

describe('runIcmpProbe with the system ping, on loopback', () => {
  it('answers for 127.0.0.1', hangGuard, async () => {
    const result = await runProbe(icmp('127.0.0.1'));
    assert.deepEqual([result.probe, result.answered, result.detail], ['icmp 127.0.0.1', true, 'replied']);
  });

  it('answers for ::1', { ...hangGuard, skip: noIpv6 }, async () => {
    const result = await runIcmpProbe(icmp('::1'));
    assert.deepEqual(result, { answered: true, detail: 'replied' });
  });

  it("finds ping with cron's PATH, which lacks the sbin folders, or with none at all", hangGuard, async () => {
    for (const env of [{ PATH: '/usr/bin:/bin' }, { PATH: '/nonexistent-watchdog-test-folder' }, {}]) {
      assert.deepEqual(
        await runIcmpProbe(icmp('127.0.0.1'), { env }),
        { answered: true, detail: 'replied' },
        JSON.stringify(env),
      );
    }
  });
});

describe('runIcmpProbe with a stand-in ping', () => {
  it(
    'runs `ping -n -q -c 1 -W <seconds rounded up> <host>`, looked up on the given PATH with the system folders after it',
    hangGuard,
    async () => {
      const dir = writeFakePing('printf "%s\\n" "$@" > "$ARGS_FILE"; printf "%s" "$PATH" > "$PATH_FILE"');
      const files = { ARGS_FILE: join(dir, 'args'), PATH_FILE: join(dir, 'path') };
      for (const [timeoutSeconds, wait] of [
        [1.5, '2'],
        [0.3, '1'],
        [4, '4'],
      ] as const) {
        const result = await runIcmpProbe(icmp('127.0.0.1', timeoutSeconds), {
          env: { PATH: `${dir}:/usr/bin`, ...files },
        });
        assert.deepEqual(result, { answered: true, detail: 'replied' });
        assert.deepEqual(readFileSync(files.ARGS_FILE, 'utf8').split('\n'), [
          '-n',
          '-q',
          '-c',
          '1',
          '-W',
          wait,
          '127.0.0.1',
          '',
        ]);
      }
      assert.equal(readFileSync(files.PATH_FILE, 'utf8'), `${dir}:/usr/bin:/usr/sbin:/sbin:/bin`);
    },
  );

  it('adds every system folder to a PATH that has none of them', hangGuard, async () => {
    const dir = writeFakePing('printf "%s" "$PATH" > "$PATH_FILE"');
    const pathFile = join(dir, 'path');
    await runIcmpProbe(icmp('127.0.0.1'), { env: { PATH: dir, PATH_FILE: pathFile } });
    assert.equal(readFileSync(pathFile, 'utf8'), `${dir}:${SYSTEM_PATH}`);
  });

  const endings: [what: string, body: string, detail: string][] = [
    ['exit 1 (no reply)', 'exit 1', 'no reply (ping exited 1)'],
    [
      'exit 2, with the first line it printed on stderr',
      'echo >&2; echo "ping: unknown host nas.lan" >&2; echo "second line" >&2; exit 2',
      'ping exited 2: ping: unknown host nas.lan',
    ],
    ['exit 2 without a word', 'exit 2', 'ping exited 2'],
    ['a signal', 'kill -TERM $$', 'ping was killed by SIGTERM'],
  ];
  for (const [what, body, detail] of endings) {
    it(`reports ${what} as not answered`, hangGuard, async () => {
      const dir = writeFakePing(body);
      assert.deepEqual(await runIcmpProbe(icmp('127.0.0.1'), { env: { PATH: dir } }), { answered: false, detail });
    });
  }

  it('kills a ping still running a second past the timeout', hangGuard, async () => {
    const dir = writeFakePing('echo $$ > "$PID_FILE"; exec sleep 30');
    const pidFile = join(dir, 'pid');
    const probing = runIcmpProbe(icmp('127.0.0.1', 0.2), { env: { PATH: dir, PID_FILE: pidFile } });
    const pid = await readPidFile(pidFile);
    killProcessOnCleanup(pid);
    assert.deepEqual(await probing, { answered: false, detail: 'timed out after 0.2s' });
    assert.ok(isGone(pid), `the stand-in ping (PID ${pid}) is gone`);
  });

  it('explains a missing ping', hangGuard, async () => {
    const result = await runIcmpProbe(icmp('127.0.0.1'), { pingCommand: 'watchdog-test-no-such-ping' });
    assert.deepEqual(result, {
      answered: false,
      detail: 'watchdog-test-no-such-ping not found (install iputils-ping)',
    });
  });

  it('explains a ping that cannot be executed', hangGuard, async () => {
    const path = join(makeTempDir(), 'ping');
    writeFileSync(path, '#!/bin/sh\nexit 0\n', { mode: 0o644 });
    const result = await runIcmpProbe(icmp('127.0.0.1'), { pingCommand: path });
    assert.deepEqual(result, { answered: false, detail: `${path} is not executable (EACCES)` });
  });

  for (const host of ['-f', '-b', '']) {
    it(`never hands ping "${host}", which it would read as an option`, hangGuard, async () => {
      const dir = writeFakePing('echo ran > "$RAN_FILE"');
      const ranFile = join(dir, 'ran');
      const result = await runIcmpProbe(icmp(host), { env: { PATH: dir, RAN_FILE: ranFile } });
      assert.deepEqual(result, { answered: false, detail: `not a host name or address: "${host}"` });
      assert.equal(existsSync(ranFile), false, 'ping was not run');
    });
  }
});

describe('runIcmpProbe between network namespaces', () => {
  it('answers for the peer', hangGuard, async () => {
    const pair = createNetworkPair();
    const result = await probeFromDevice(pair, icmp(pair.peerAddress, 5));
    assert.deepEqual([result.probe, result.answered, result.detail], [`icmp ${pair.peerAddress}`, true, 'replied']);
  });

  it('gets no reply from an address nobody holds', hangGuard, async () => {
    const pair = createNetworkPair();
    const host = unusedAddress(pair, 9);
    const result = await probeFromDevice(pair, icmp(host, 1));
    assert.deepEqual(
      [result.probe, result.answered, result.detail],
      [`icmp ${host}`, false, 'no reply (ping exited 1)'],
    );
  });

  it('gets no reply from the peer once its link is down', hangGuard, async () => {
    const pair = createNetworkPair();
    pair.ip(pair.peer, 'link', 'set', 'dev', pair.peerInterface, 'down');
    const result = await probeFromDevice(pair, icmp(pair.peerAddress, 1));
    assert.deepEqual([result.answered, result.detail], [false, 'no reply (ping exited 1)']);
  });
});
