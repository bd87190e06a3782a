// An incident open when the notify section goes (no channel left to tell): no event is raised
// any more, so it would stay open and its process_recovered be told stale, days later, when
// a channel comes back. The tick forgets it instead. Real database, real notifier.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validateConfig } from '../../src/config/validate-config.js';
import { readHeartbeatFile } from '../../src/heartbeat/read-heartbeat-file.js';
import { notifierFor } from '../../src/notify/queue/queue-event.js';
import { directWriter } from '../../src/store/audit-writer.js';
import { readOpenIncident } from '../../src/store/incidents.js';
import { openStore } from '../../src/store/open-store.js';
import { forgetUntoldIncidents } from '../../src/tick/forget-untold-incidents.js';
import { runCheckTick } from '../../src/tick/run-check-tick.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import { onCleanup } from '../helpers/cleanup.js';
import { everySectionConfig } from '../helpers/config-numbers.js';
import { FAKE_NOW_MS, fakeSystem } from '../helpers/fake-system.js';
import { recordingLogger } from '../helpers/recording-logger.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const AT = formatUtcTimestamp(new Date(FAKE_NOW_MS - 120_000));

/** The config every section sets (a notify section with channels), as loaded; `without` drops sections. */
function loaded(dir: string, without: string[]): ReturnType<typeof validateConfig>['config'] & object {
  const raw = Object.fromEntries(
    Object.entries(everySectionConfig() as Record<string, unknown>).filter(([key]) => !without.includes(key)),
  );
  raw.processes = {};
  const { config, errors } = validateConfig(raw, join(dir, 'config.json'), () => undefined, {});
  assert.deepEqual(errors, []);
  assert.ok(config !== undefined);
  return config;
}

/** Opens an incident for process `web` and interface `eth9`, as a tick with channels does. */
function openIncidents(dbPath: string, notify: Parameters<typeof notifierFor>[0]): void {
  const db = openStore(dbPath);
  try {
    const raise = notifierFor(notify, {
      audit: directWriter(db),
      host: () => 'device',
      now: () => new Date(FAKE_NOW_MS - 120_000),
      logger: recordingLogger(),
    });
    raise({ kind: 'gave_up', at: AT, processKey: 'web', summary: 'web: gave up', details: {} });
    raise({ kind: 'network_degraded', at: AT, interface: 'eth9', summary: 'eth9 down', details: {} });
    assert.ok(readOpenIncident(db, 'process_state', 'web') !== undefined);
    assert.ok(readOpenIncident(db, 'network_state', 'eth9') !== undefined);
  } finally {
    db.close();
  }
}

describe('forgetUntoldIncidents', () => {
  it('forgets the open incidents of processes and interfaces; with none open it writes nothing', () => {
    const dir = makeTempDir();
    const config = loaded(dir, ['network']);
    openIncidents(config.db_path, config.notify);
    const db = openStore(config.db_path);
    onCleanup(() => db.close());
    assert.equal(forgetUntoldIncidents(directWriter(db)), 2);
    assert.equal(readOpenIncident(db, 'process_state', 'web'), undefined);
    assert.equal(readOpenIncident(db, 'network_state', 'eth9'), undefined);
    const changes = db.prepare<[], { n: number }>('SELECT total_changes() AS n').get()?.n;
    assert.equal(forgetUntoldIncidents(directWriter(db)), 0);
    assert.equal(db.prepare<[], { n: number }>('SELECT total_changes() AS n').get()?.n, changes, 'nothing written');
  });

  it('is what a tick does once the notify section is gone, and only then', async () => {
    for (const without of [['network', 'notify'], ['network']]) {
      const dir = makeTempDir();
      const withChannels = loaded(dir, ['network']);
      openIncidents(withChannels.db_path, withChannels.notify);
      const config = loaded(dir, without);
      const outcome = await runCheckTick(config, {
        system: fakeSystem(),
        readHeartbeat: readHeartbeatFile,
        logger: recordingLogger(),
        hostname: 'device',
        notifyEnv: {},
      });
      assert.equal(outcome.kind, 'ran');
      const db = openStore(config.db_path);
      try {
        // The interface's (no section checks it now: only the missing channels can close it).
        const open = readOpenIncident(db, 'network_state', 'eth9') !== undefined;
        assert.equal(open, config.notify !== undefined, `without ${without.join(', ')}`);
      } finally {
        db.close();
      }
    }
  });
});
