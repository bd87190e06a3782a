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
