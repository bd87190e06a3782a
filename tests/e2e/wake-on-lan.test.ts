// End-to-end test of a Wake-on-LAN recovery action: the built watchdog sends the magic
// packet to a UDP socket the test bound on 127.0.0.1 (never a broadcast address: the
// packet must not leave the machine), then starts the app.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createSocket } from 'node:dgram';
import { describe, it } from 'node:test';
import { killStartedAppsOnCleanup } from '../helpers/audit-rows.js';
import { writeConfig } from '../helpers/config-files.js';
import { runWatchdog } from '../helpers/run-watchdog.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { listenUdp } from '../helpers/udp-listener.js';
import { recoveriesIn } from '../helpers/watchdog-in-namespace.js';

const MAC = 'aa:bb:cc:dd:ee:ff';

/** Six 0xFF bytes, then the MAC sixteen times: written out here, not taken from the code under test. */
const EXPECTED_PACKET = Buffer.concat([
  Buffer.alloc(6, 0xff),
  ...Array.from({ length: 16 }, () => Buffer.from([0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff])),
]);

describe('a wake_on_lan recovery action (a UDP socket on 127.0.0.1)', () => {
  it('sends one magic packet for the MAC, records the action ok, and goes on to start the app', async () => {
    const dir = makeTempDir();
    const dbPath = join(dir, 'watchdog.db');
    const box = await listenUdp();
    writeConfig(
      dir,
      {
        app: {
          heartbeat_path: 'hb/app.json',
          commands: { start: 'exec sleep 300' },
          recovery_actions: ['wake_box', 'kill', 'start'],
          wake_on_lan: {
            wake_box: { mac: MAC.toUpperCase().replaceAll(':', '-'), broadcast: '127.0.0.1', port: box.port },
          },
        },
      },
      { consecutive_failures_threshold: 1, verify_delay: 0.2 },
    );

    const result = await runWatchdog(['check', '--verbose'], { cwd: dir });
    killStartedAppsOnCleanup(dbPath);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.match(
      result.stdout,
      new RegExp(`^ {2}wake_box: ok: sent a magic packet for ${MAC} to 127\\.0\\.0\\.1:${box.port}$`, 'm'),
    );

    const datagrams = await box.waitFor(1);
    assert.equal(
      datagrams.length,
      1,
      `exactly one packet: ${datagrams.map((datagram) => datagram.data.toString('hex')).join(', ')}`,
    );
    const [packet] = datagrams;
    assert.equal(packet?.data.length, 102);
    assert.deepEqual(packet?.data, EXPECTED_PACKET, 'six 0xFF bytes, then the MAC sixteen times');
    assert.equal(packet?.from.address, '127.0.0.1', 'sent over loopback');

    const [recovery, ...more] = recoveriesIn(dbPath);
    assert.equal(more.length, 0, 'one recovery');
    assert.equal(recovery?.outcome, 'succeeded', recovery?.detail ?? '');
    assert.deepEqual(
      recovery?.actions.map((action) => [action.action, action.outcome]),
      [
        ['wake_box', 'ok'],
        ['kill', 'nothing_to_kill'],
        ['start', 'ok'],
      ],
    );
    assert.equal(recovery?.actions[0]?.detail, `sent a magic packet for ${MAC} to 127.0.0.1:${box.port}`);
  });

  it('check --dry-run names the wake-up and sends no packet', async () => {
    const dir = makeTempDir();
    const box = await listenUdp();
    writeConfig(
      dir,
      {
        app: {
          heartbeat_path: 'hb/app.json',
          commands: { start: 'exec sleep 300' },
          recovery_actions: ['wake_box', 'kill', 'start'],
          wake_on_lan: { wake_box: { mac: MAC, broadcast: '127.0.0.1', port: box.port } },
        },
      },
      { consecutive_failures_threshold: 1 },
    );

    const dryRun = await runWatchdog(['check', '--dry-run'], { cwd: dir });
    assert.equal(dryRun.code, 0, dryRun.stderr);
    assert.match(dryRun.stdout, new RegExp(`^ {2}1\\. wake_box: .*${MAC}.*127\\.0\\.0\\.1:${box.port}`, 'm'));

    // A packet the dry run had sent would be queued before this one, which is sent after it exited.
    const marker = createSocket('udp4');
    await new Promise<void>((resolve, reject) =>
      marker.send('marker', box.port, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
    );
    marker.close();
    const datagrams = await box.waitFor(1);
    assert.deepEqual(
      datagrams.map((datagram) => datagram.data.toString()),
      ['marker'],
      'only the test’s own marker arrived',
    );
  });
});
