// A file system entry's `off` killed after it recorded the flag and before it told: the next
// tick closes its incident (docs/notifications.md, "Incidents"), as it does a process's.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validateConfig } from '../../src/config/validate-config.js';
import { readHeartbeatFile } from '../../src/heartbeat/read-heartbeat-file.js';
import { notifierFor } from '../../src/notify/queue/queue-event.js';
import { directWriter } from '../../src/store/audit-writer.js';
import { readOpenIncident } from '../../src/store/incidents.js';
import { openStore } from '../../src/store/open-store.js';
import { setOff } from '../../src/store/process-control.js';
import { runCheckTick } from '../../src/tick/run-check-tick.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import { everySectionConfig } from '../helpers/config-numbers.js';
import { FAKE_NOW_MS, fakeSystem } from '../helpers/fake-system.js';
import { recordingLogger } from '../helpers/recording-logger.js';
import { makeTempDir } from '../helpers/temp-dir.js';

describe('an incident of a file system entry left open by a killed off', () => {
  it('the next tick closes the incident of a file system entry found off', async () => {
    const dir = makeTempDir();
    const raw = everySectionConfig() as Record<string, unknown>;
    delete raw.network;
    raw.processes = {};
    const { config, errors } = validateConfig(raw, join(dir, 'config.json'), () => undefined, {});
    assert.deepEqual(errors, []);
    assert.ok(config !== undefined);
    const at = formatUtcTimestamp(new Date(FAKE_NOW_MS - 120_000));
    const db = openStore(config.db_path);
    const raise = notifierFor(config.notify, {
      audit: directWriter(db),
      host: () => 'device',
      now: () => new Date(FAKE_NOW_MS - 120_000),
      logger: recordingLogger(),
    });
    raise({ kind: 'gave_up', at, processKey: 'logs', summary: 'logs: gave up', details: {} });
    assert.ok(readOpenIncident(db, 'process_state', 'logs') !== undefined);
    // `watchdog off logs` recorded the flag, then was killed before it told.
    setOff(db, 'logs', at, 'alice');
    db.close();

    const outcome = await runCheckTick(config, {
      system: fakeSystem(),
      readHeartbeat: readHeartbeatFile,
      logger: recordingLogger(),
      readFilesystem: (path) => ({
        kind: 'read',
        figures: {
          folder: path,
          mountPoint: path,
          fsType: 'tmpfs',
          sizeBytes: 1024 ** 3,
          freeBytes: 1024 ** 3,
          readOnly: false,
          rootFilesystem: false,
        },
      }),
      hostname: 'device',
      notifyEnv: {},
    });
    assert.equal(outcome.kind, 'ran');
    if (outcome.kind === 'ran')
      assert.deepEqual(
        outcome.filesystems?.checks.map((check) => [check.filesystem.key, check.verdict.state]),
        [['logs', 'off']],
      );
    const after = openStore(config.db_path);
    try {
      assert.equal(
        readOpenIncident(after, 'process_state', 'logs'),
        undefined,
        'incident still open while the entry is off',
      );
    } finally {
      after.close();
    }
  });
});
