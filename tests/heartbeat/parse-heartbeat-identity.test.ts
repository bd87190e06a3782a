// The optional identity keys a heartbeat may carry (pid_start_ticks, boot_id): accepted
// and returned when sound, refused with a reason when present but malformed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHeartbeat } from '../../src/heartbeat/parse-heartbeat.js';

const GOOD = {
  process_key: 'my_server',
  pid: 12345,
  timestamp: '2026-02-05T06:17:29.601049+00:00',
  status: 'running',
  iteration: 42,
};
const EPOCH_MS = Date.UTC(2026, 1, 5, 6, 17, 29, 601);
const BOOT_ID = 'c56eb81d-1067-4a71-a9b6-3578e853042b';

const beat = (overrides: Record<string, unknown>): string => JSON.stringify({ ...GOOD, ...overrides });

describe('parseHeartbeat: identity keys accepted', () => {
  const cases: [string, Record<string, unknown>, number | undefined, string | undefined][] = [
    ['both, as HeartbeatWriter writes them', { pid_start_ticks: 1061811, boot_id: BOOT_ID }, 1061811, BOOT_ID],
    ['start ticks only', { pid_start_ticks: 1061811 }, 1061811, undefined],
    ['boot id only', { boot_id: BOOT_ID }, undefined, BOOT_ID],
    ['start ticks 0', { pid_start_ticks: 0 }, 0, undefined],
    ['the largest safe integer', { pid_start_ticks: Number.MAX_SAFE_INTEGER }, Number.MAX_SAFE_INTEGER, undefined],
    [
      'a boot id in upper case (kept in lower case, as compared)',
      { boot_id: BOOT_ID.toUpperCase() },
      undefined,
      BOOT_ID,
    ],
    ['a boot id of 64 characters', { boot_id: 'a'.repeat(64) }, undefined, 'a'.repeat(64)],
    ['neither (the Python writers)', {}, undefined, undefined],
  ];
  for (const [name, overrides, ticks, bootId] of cases) {
    it(name, () => {
      assert.deepEqual(parseHeartbeat(beat(overrides)), {
        ok: true,
        heartbeat: { ...GOOD, epochMs: EPOCH_MS, pid_start_ticks: ticks, boot_id: bootId },
      });
    });
  }
});

describe('parseHeartbeat: malformed identity keys make the heartbeat untrusted', () => {
  const ticksReason = (got: string) => `heartbeat pid_start_ticks must be a non-negative integer (got ${got})`;
  const bootReason = (got: string) =>
    `heartbeat boot_id must be a boot id such as /proc/sys/kernel/random/boot_id holds (got ${got})`;
  const cases: [string, Record<string, unknown>, string][] = [
    ['start ticks as a string', { pid_start_ticks: '1061811' }, ticksReason('"1061811"')],
    ['negative start ticks', { pid_start_ticks: -1 }, ticksReason('-1')],
    ['fractional start ticks', { pid_start_ticks: 10.5 }, ticksReason('10.5')],
    ['start ticks true', { pid_start_ticks: true }, ticksReason('true')],
    ['start ticks an object', { pid_start_ticks: { ticks: 1 } }, ticksReason('{"ticks":1}')],
    ['start ticks beyond a safe integer', { pid_start_ticks: 2 ** 60 }, ticksReason(String(2 ** 60))],
    ['a boot id that is a number', { boot_id: 42 }, bootReason('42')],
    ['an empty boot id', { boot_id: '' }, bootReason('""')],
    ['a boot id of 65 characters', { boot_id: 'a'.repeat(65) }, bootReason(`"${'a'.repeat(36)}...`)],
    ['a boot id that is not hex', { boot_id: 'not-a-boot-id' }, bootReason('"not-a-boot-id"')],
    ['a boot id with a path in it', { boot_id: '../../etc/passwd' }, bootReason('"../../etc/passwd"')],
    ['a boot id with a newline', { boot_id: `${BOOT_ID}\n` }, bootReason(JSON.stringify(`${BOOT_ID}\n`))],
    ['a boot id with spaces', { boot_id: 'c56e b81d' }, bootReason('"c56e b81d"')],
    ['a boot id of dashes only', { boot_id: '----' }, bootReason('"----"')],
    ['a boot id array', { boot_id: [BOOT_ID] }, bootReason(`["${BOOT_ID}"]`)],
  ];
  for (const [name, overrides, reason] of cases) {
    it(name, () => {
      // The PID is sound, so it is reported with the failure (for the audit log, never for kill).
      assert.deepEqual(parseHeartbeat(beat({ pid_start_ticks: 1061811, boot_id: BOOT_ID, ...overrides })), {
        ok: false,
        reason,
        pid: 12345,
      });
    });
  }

  it("null (Python's None) is a writer that does not know: read as if the key were left out", () => {
    const parsed = parseHeartbeat(beat({ pid_start_ticks: null, boot_id: null }));
    assert.equal(parsed.ok, true, 'a heartbeat with null identity keys is accepted');
    if (parsed.ok) {
      assert.equal(parsed.heartbeat.pid_start_ticks, undefined);
      assert.equal(parsed.heartbeat.boot_id, undefined);
    }
  });

  it('the start ticks are judged before the boot id', () => {
    assert.deepEqual(parseHeartbeat(beat({ pid_start_ticks: -1, boot_id: 7 })), {
      ok: false,
      reason: ticksReason('-1'),
      pid: 12345,
    });
  });

  it('the five classic keys are judged first', () => {
    const result = parseHeartbeat(beat({ iteration: -1, pid_start_ticks: -1 }));
    assert.equal(result.ok, false, 'refused');
    assert.match(result.ok ? '' : result.reason, /^heartbeat iteration /);
  });
});
