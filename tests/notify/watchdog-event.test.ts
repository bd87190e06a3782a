import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PAYLOAD_VERSION, payloadOf, subjectOf, type WatchdogEvent } from '../../src/notify/watchdog-event.js';

const AT = '2026-06-30T12:00:00.000000+00:00';

describe('payloadOf', () => {
  it('gives every field in snake_case, drops undefined details and keeps nulls', () => {
    const event: WatchdogEvent = {
      kind: 'recovery_failed',
      at: AT,
      processKey: 'web',
      displayName: 'The web app',
      summary: 'web: recovery #3 failed',
      details: { recovery_id: 3, started_pid: null, problem: undefined, ok: false, reason: 'timed out' },
    };
    const payload = payloadOf(event, 'gateway-17');
    assert.deepEqual(payload, {
      version: PAYLOAD_VERSION,
      event: 'recovery_failed',
      time: AT,
      host: 'gateway-17',
      process_key: 'web',
      display_name: 'The web app',
      interface: null,
      zone: null,
      summary: 'web: recovery #3 failed',
      details: { recovery_id: 3, started_pid: null, ok: false, reason: 'timed out' },
    });
    assert.ok(!Object.hasOwn(payload.details, 'problem'), 'an undefined detail is left out, not sent as null');
    assert.equal(
      JSON.stringify(payload.details),
      '{"recovery_id":3,"started_pid":null,"ok":false,"reason":"timed out"}',
    );
  });

  it('says null for the process and display name of an event about the interface', () => {
    const payload = payloadOf(
      { kind: 'network_healed', at: AT, interface: 'eth0', summary: 'network eth0 up', details: {} },
      'host',
    );
    assert.deepEqual(
      [payload.process_key, payload.display_name, payload.interface, payload.details],
      [null, null, 'eth0', {}],
    );
  });

  it('names the thermal zone of an event about one, and says null for the others', () => {
    const payload = payloadOf(
      { kind: 'network_healed', at: AT, zone: 'thermal_zone0', summary: 'cool again', details: {} },
      'host',
    );
    assert.deepEqual([payload.process_key, payload.interface, payload.zone], [null, null, 'thermal_zone0']);
  });

  it('is version 1', () => {
    assert.equal(PAYLOAD_VERSION, 1);
  });
});

describe('subjectOf', () => {
  it('is the process, else the interface, else the thermal zone, else empty', () => {
    assert.equal(subjectOf({ processKey: 'web', interface: 'eth0' }), 'web');
    assert.equal(subjectOf({ interface: 'eth0' }), 'eth0');
    assert.equal(subjectOf({ zone: 'thermal_zone0' }), 'thermal_zone0');
    assert.equal(subjectOf({}), '');
  });
});
