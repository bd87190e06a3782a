import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { WatchdogConfig } from '../../src/config/types.js';
import { validateConfig } from '../../src/config/validate-config.js';
import { directWriter } from '../../src/store/audit-writer.js';
import { openStore } from '../../src/store/open-store.js';
import { recordTickEnd } from '../../src/tick/record-tick-end.js';
import { onCleanup } from '../helpers/cleanup.js';
import { webProcessEntry } from '../helpers/process-config.js';
import { recordingLogger } from '../helpers/recording-logger.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const NOW = Date.parse('2026-06-30T12:00:00Z');

/** Runs the end of a tick with metrics into a fresh folder; the textfile's build_info line and the log. */
async function buildInfoAfter(readVersion?: () => string): Promise<{ line: string | undefined; log: string[] }> {
  const dir = makeTempDir();
  const path = join(dir, 'watchdog.prom');
  const root = { name: 'root', uid: 0, gid: 0, home: '/root' };
  const result = validateConfig(
    { processes: { web: webProcessEntry() }, metrics: { textfile_path: path } },
    join(dir, 'config.json'),
    (name) => (name === 'root' ? root : undefined),
    {},
  );
  assert.deepEqual(result.errors, []);
  const config = result.config as WatchdogConfig;
  const db = openStore(join(dir, 'watchdog.db'));
  onCleanup(() => db.close());
  const logger = recordingLogger();
  await recordTickEnd(
    config,
    { startedAtMs: NOW - 100, failed: false, stateUnknown: false },
    { audit: directWriter(db), system: { now: () => new Date(NOW) }, logger, readVersion },
  );
  const line = readFileSync(path, 'utf8')
    .split('\n')
    .find((candidate) => candidate.startsWith('watchdog_build_info'));
  return { line, log: logger.lines };
}

describe('recordTickEnd: watchdog_build_info', () => {
  it('carries the version the bin reads, and the Node.js it runs on', async () => {
    const { line } = await buildInfoAfter(() => '1.2.3');
    assert.equal(line, `watchdog_build_info{version="1.2.3",node_version="${process.versions.node}"} 1`);
  });

  it('says unknown, and writes the rest of the file, when the version cannot be read', async () => {
    const { line, log } = await buildInfoAfter(() => {
      throw new Error('ENOENT: package.json');
    });
    assert.equal(line, `watchdog_build_info{version="unknown",node_version="${process.versions.node}"} 1`);
    assert.ok(
      log.some((entry) => entry.startsWith('warn metrics:') && entry.includes('ENOENT')),
      log.join('\n'),
    );
    assert.equal((await buildInfoAfter(undefined)).line?.includes('version="unknown"'), true);
  });
});
