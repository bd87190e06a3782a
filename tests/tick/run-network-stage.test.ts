// A tick whose audit log can be neither written nor journaled holds the network ladder (no
// reboot guard could hold), yet still sets up a link that a dead run left down: setting a
// link up needs no guard. A real database, locked by another connection; a real journal
// path that cannot be written; a fake network system.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { validateConfig } from '../../src/config/validate-config.js';
import { readHeartbeatFile } from '../../src/heartbeat/read-heartbeat-file.js';
import { recordNetworkEvent } from '../../src/network/store/record-network-event.js';
import { openStore } from '../../src/store/open-store.js';
import { runCheckTick } from '../../src/tick/run-check-tick.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import { FAKE_NOW_MS, fakeSystem } from '../helpers/fake-system.js';
import { fakeNetworkSystem } from '../helpers/fake-network-system.js';
import { recordingLogger } from '../helpers/recording-logger.js';
import { makeTempDir } from '../helpers/temp-dir.js';

describe('runCheckTick: the network held by an audit log that keeps nothing', () => {
  it('still sets up a link a dead run left down, and climbs no ladder', async () => {
    const dir = makeTempDir();
    // A regular file where the journal's folder should be: the journal cannot be written.
    writeFileSync(join(dir, 'not-a-folder'), '');
    const { config, errors } = validateConfig(
      {
        db_path: 'state/watchdog.db',
        journal_path: 'not-a-folder/journal.json',
        fallback_journal_path: 'not-a-folder/fallback.json',
        processes: {},
        network: { interface: 'eth0', consecutive_failures_threshold: 1, ladder: [{ type: 'bounce' }] },
      },
      join(dir, 'config.json'),
    );
    assert.deepEqual(errors, []);
    assert.ok(config !== undefined);
    const db = openStore(config.db_path);
    const stamp = { at: formatUtcTimestamp(new Date(FAKE_NOW_MS)), bootId: undefined, uptimeSeconds: undefined };
    const ladderId = recordNetworkEvent(db, stamp, { interface: 'eth0', kind: 'ladder_start', outcome: 'no_carrier' });
    recordNetworkEvent(db, stamp, {
      interface: 'eth0',
      kind: 'link_set_down',
      ladderId,
      outcome: 'down',
      detail: 'eth0',
    });
    db.close();
    // Another connection holds the database past the tick's busy wait.
    const holder = new Database(config.db_path);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const network = fakeNetworkSystem({ link: { carrier: false }, nowMs: FAKE_NOW_MS });
      const logger = recordingLogger();
      await runCheckTick(config, {
        system: fakeSystem(),
        readHeartbeat: readHeartbeatFile,
        logger,
        networkSystem: () => network,
        hostname: 'device',
        notifyEnv: {},
      });
      assert.deepEqual(network.setLinks, [['eth0', true]], 'set up again; never set down (no ladder)');
      assert.ok(
        logger.lines.some((line) => /network: not checked: the audit log cannot be read or cannot be kept/.test(line)),
        logger.lines.join('\n'),
      );
      assert.ok(
        logger.lines.some((line) => /set eth0 up again/.test(line)),
        logger.lines.join('\n'),
      );
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });
});
