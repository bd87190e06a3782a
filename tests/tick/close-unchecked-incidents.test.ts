// A process taken out of the config (disabled or removed) while its incident is open: the
// tick closes the incident with process_off carrying its id, as a person's `off` would, so
// a pager does not keep it open for an app nobody watches. Real database, real notifier.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { normalizeNotify } from '../../src/notify/config/normalize-notify.js';
import { notifierFor } from '../../src/notify/queue/queue-event.js';
import { directWriter } from '../../src/store/audit-writer.js';
import { readOpenIncident } from '../../src/store/incidents.js';
import { openStore } from '../../src/store/open-store.js';
import { setOff } from '../../src/store/process-control.js';
import { closeUncheckedIncidents } from '../../src/tick/close-unchecked-incidents.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import { onCleanup } from '../helpers/cleanup.js';
import { processConfig } from '../helpers/process-config.js';
import { recordingLogger } from '../helpers/recording-logger.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const AT = formatUtcTimestamp(new Date('2026-12-07T03:00:00.000Z'));

describe('closeUncheckedIncidents', () => {
  it('closes the incidents of processes disabled, removed or found off, with process_off and their ids; leaves the others', () => {
    const db = openStore(join(makeTempDir(), 'watchdog.db'));
    onCleanup(() => db.close());
    const audit = directWriter(db);
    const notify = normalizeNotify({ channels: { ops: { type: 'command', command: 'true' } } }, '/etc/watchdog');
    const raise = notifierFor(notify, {
      audit,
      host: () => 'gw-17',
      now: () => new Date(AT),
      logger: recordingLogger(),
    });
    for (const key of ['kept', 'disabled', 'gone', 'off'])
      raise({ kind: 'gave_up', at: AT, processKey: key, summary: `${key}: gave up`, details: {} });
    const opened = new Map(
      ['kept', 'disabled', 'gone', 'off'].map((key) => [key, readOpenIncident(db, 'process_state', key)?.id]),
    );
    const config = {
      processes: [
        processConfig({ key: 'kept' }),
        processConfig({ key: 'disabled', enabled: false }),
        processConfig({ key: 'off' }),
      ],
      filesystems: [],
    };

    // `off` is off: its `off` command was killed after it recorded the flag, before it told.
    setOff(db, 'off', AT, 'alice');
    closeUncheckedIncidents(config, AT, db, raise);
    closeUncheckedIncidents(config, AT, db, raise);

    const offs = db
      .prepare<[], { subject: string; payload: string }>(
        "SELECT subject, payload FROM notifications WHERE event = 'process_off' ORDER BY id",
      )
      .all()
      .map((row) => {
        const { details } = JSON.parse(row.payload) as { details: Record<string, unknown> };
        return [row.subject, details.incident_id, details.result];
      });
    assert.deepEqual(offs, [
      ['disabled', opened.get('disabled'), 'disabled in the config'],
      ['gone', opened.get('gone'), 'removed from the config'],
      ['off', opened.get('off'), 'turned off'],
    ]);
    assert.ok(typeof opened.get('kept') === 'string');
    assert.equal(
      readOpenIncident(db, 'process_state', 'kept')?.id,
      opened.get('kept'),
      'a checked process keeps its incident',
    );
    assert.equal(readOpenIncident(db, 'process_state', 'gone'), undefined);
  });
});
