import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serializeHeartbeat } from '../src/serialize-heartbeat.js';

const record = {
  process_key: 'my_server',
  pid: 12345,
  timestamp: '2026-02-05T06:17:29.601000+00:00',
  status: 'running',
  iteration: 42,
};

test('serializeHeartbeat: the Python json.dumps layout, keys in order', () => {
  assert.equal(
    serializeHeartbeat(record),
    '{"process_key": "my_server", "pid": 12345, "timestamp": "2026-02-05T06:17:29.601000+00:00", "status": "running", "iteration": 42}',
  );
});

test('serializeHeartbeat: non-ASCII is escaped as json.dumps does (ensure_ascii)', () => {
  const text = serializeHeartbeat({ ...record, process_key: 'pompe_é', status: 'ärger 🔥' });
  assert.match(text, /^[\x20-\x7e]*$/);
  assert.ok(text.includes('"process_key": "pompe_\\u00e9"'), text);
  assert.ok(text.includes('"status": "\\u00e4rger \\ud83d\\udd25"'), text);
  assert.deepEqual(JSON.parse(text), { ...record, process_key: 'pompe_é', status: 'ärger 🔥' });
});

test('serializeHeartbeat: quotes and control characters stay valid JSON', () => {
  const status = 'say "hi"\n\\ok';
  assert.equal((JSON.parse(serializeHeartbeat({ ...record, status })) as { status: string }).status, status);
});

const CLASSIC =
  '{"process_key": "my_server", "pid": 12345, "timestamp": "2026-02-05T06:17:29.601000+00:00", "status": "running", "iteration": 42';
const BOOT_ID = 'c56eb81d-1067-4a71-a9b6-3578e853042b';

test('serializeHeartbeat: the identity keys follow the five, pid_start_ticks then boot_id', () => {
  assert.equal(
    serializeHeartbeat({ ...record, pid_start_ticks: 1061811, boot_id: BOOT_ID }),
    `${CLASSIC}, "pid_start_ticks": 1061811, "boot_id": "${BOOT_ID}"}`,
  );
  // The object's own key order does not matter: the file's order is fixed.
  assert.equal(
    serializeHeartbeat({ boot_id: BOOT_ID, pid_start_ticks: 1061811, ...record }),
    `${CLASSIC}, "pid_start_ticks": 1061811, "boot_id": "${BOOT_ID}"}`,
  );
});

test('serializeHeartbeat: each identity key is written only when present', () => {
  assert.equal(serializeHeartbeat({ ...record, pid_start_ticks: 0 }), `${CLASSIC}, "pid_start_ticks": 0}`);
  assert.equal(serializeHeartbeat({ ...record, boot_id: BOOT_ID }), `${CLASSIC}, "boot_id": "${BOOT_ID}"}`);
});

test('serializeHeartbeat: without the identity keys (or with them undefined) the bytes are as before', () => {
  assert.equal(serializeHeartbeat(record), `${CLASSIC}}`);
  assert.equal(serializeHeartbeat({ ...record, pid_start_ticks: undefined, boot_id: undefined }), `${CLASSIC}}`);
});
