// An outage of the uplink is one incident: network_degraded opens it, every event of it
// (the reboot's too) carries its id, and network_healed closes it, also when the device
// rebooted in between (the id is kept in network_state, on the card). Real database, the
// real notifier; a fake network system (nothing touches the machine).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { normalizeNetwork } from '../../src/network/config/normalize-network.js';
import { runNetworkTick } from '../../src/network/run-network-tick.js';
import { normalizeNotify } from '../../src/notify/config/normalize-notify.js';
import { notifierFor } from '../../src/notify/queue/queue-event.js';
import { directWriter } from '../../src/store/audit-writer.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { fakeNetworkSystem, type FakeNetworkSystem } from '../helpers/fake-network-system.js';
import { recordingLogger } from '../helpers/recording-logger.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const MINUTE = 60_000;
const REBOOT_COMMAND = './reboot-stub.sh';

/** One run of the watchdog: the database opened, the network tick with the real notifier, closed. */
async function runOnce(dir: string, fake: FakeNetworkSystem): Promise<void> {
  const db = openStore(join(dir, 'state', 'watchdog.db'));
  try {
    const audit = directWriter(db);
    const logger = recordingLogger();
    const network = normalizeNetwork(
      {
        interface: 'eth0',
        interval_minutes: 0,
        consecutive_failures_threshold: 1,
        max_failures: 1,
        ladder: [{ type: 'bounce' }],
        reboot: { command: REBOOT_COMMAND },
      },
      dir,
    );
    const notify = normalizeNotify({ channels: { ops: { type: 'command', command: 'true' } } }, dir);
    await runNetworkTick(network, {
      audit,
      system: fake,
      logger,
      configPath: join(dir, 'config.json'),
      raise: notifierFor(notify, { audit, host: () => 'gw-17', now: () => fake.now(), logger }),
    });
  } finally {
    db.close();
  }
}

function toldIn(dir: string): [string, unknown][] {
  const db: Store = openStore(join(dir, 'state', 'watchdog.db'));
  try {
    return db
      .prepare<[], { event: string; payload: string }>('SELECT event, payload FROM notifications ORDER BY id')
      .all()
      .map((row) => [row.event, (JSON.parse(row.payload) as { details: Record<string, unknown> }).details.incident_id]);
  } finally {
    db.close();
  }
}

describe('network incidents', () => {
  it('network_healed after a reboot carries the id of its network_degraded and reboot_done', async () => {
    const dir = makeTempDir();
    const fake = fakeNetworkSystem({ link: { carrier: false } });
    await runOnce(dir, fake);
    assert.deepEqual(
      fake.shellCommands.map((command) => command.command),
      [REBOOT_COMMAND],
      'the stub reboot ran',
    );
    // The device is back: a new boot, the link up.
    fake.startNewBoot('0b0e1d00-0000-4000-8000-000000000002');
    fake.advance(5 * MINUTE);
    fake.link.carrier = true;
    await runOnce(dir, fake);
    // The next outage is an incident of its own.
    fake.advance(MINUTE);
    fake.link.carrier = false;
    await runOnce(dir, fake);

    const told = toldIn(dir);
    const id = told[0]?.[1];
    assert.ok(typeof id === 'string' && id.length > 0, `an id: ${String(id)}`);
    assert.deepEqual(told.slice(0, 3), [
      ['network_degraded', id],
      ['reboot_done', id],
      ['network_healed', id],
    ]);
    assert.equal(told[3]?.[0], 'network_degraded');
    assert.ok(typeof told[3]?.[1] === 'string' && told[3]?.[1] !== id, 'a new outage, a new id');
  });
});
