import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatEmail } from '../../../src/notify/channels/format-email.js';
import type { EventPayload } from '../../../src/notify/watchdog-event.js';

const PAYLOAD: EventPayload = {
  version: 1,
  event: 'recovery_failed',
  time: '2026-06-30T12:00:00.000000+00:00',
  host: 'gateway-17',
  process_key: 'modbus',
  display_name: 'Modbus gateway',
  interface: null,
  zone: null,
  summary: 'modbus: recovery #12 failed after 2.1s',
  details: { recovery_id: 12, started_pid: null, problem: 'start failed' },
};

/** The last line of the text: the event as JSON. */
const jsonLineOf = (text: string): string => text.trimEnd().split('\n').at(-1) ?? '';

describe('formatEmail', () => {
  it('makes the subject `<prefix> <host>: <summary>`', () => {
    assert.equal(
      formatEmail(PAYLOAD, '[watchdog]').subject,
      '[watchdog] gateway-17: modbus: recovery #12 failed after 2.1s',
    );
  });

  it('puts no space in front of the subject when the prefix is empty', () => {
    assert.equal(formatEmail(PAYLOAD, '').subject, 'gateway-17: modbus: recovery #12 failed after 2.1s');
  });

  it('keeps the subject on one line when the summary has line breaks', () => {
    const { subject } = formatEmail(
      { ...PAYLOAD, summary: 'modbus: start failed:\r\n  Error: boom\n\tat main' },
      '[wd]',
    );
    assert.equal(subject, '[wd] gateway-17: modbus: start failed: Error: boom at main');
    assert.doesNotMatch(subject, /[\r\n]/);
  });

  it('cuts a long subject at 200 characters', () => {
    const { subject } = formatEmail({ ...PAYLOAD, summary: 'x'.repeat(500) }, '[watchdog]');
    assert.equal(subject, `[watchdog] gateway-17: ${'x'.repeat(500)}`.slice(0, 200));
    assert.equal(subject.length, 200);
  });

  it('writes the summary, the facts and each detail as lines, then the JSON', () => {
    const { text } = formatEmail(PAYLOAD, '[watchdog]');
    assert.equal(
      text,
      [
        'modbus: recovery #12 failed after 2.1s',
        '',
        'event: recovery_failed',
        'time: 2026-06-30T12:00:00.000000+00:00',
        'host: gateway-17',
        'process: modbus (Modbus gateway)',
        'recovery_id: 12',
        'started_pid: null',
        'problem: start failed',
        '',
        '-- the event as JSON:',
        JSON.stringify(PAYLOAD),
        '',
      ].join('\n'),
    );
  });

  it('names the interface of a network event, and no process', () => {
    const { text } = formatEmail(
      { ...PAYLOAD, event: 'network_degraded', process_key: null, display_name: null, interface: 'eth0', details: {} },
      '',
    );
    const lines = text.split('\n');
    assert.ok(lines.includes('interface: eth0'), text);
    assert.ok(!lines.some((line) => line.startsWith('process:')), text);
  });

  it('names the thermal zone of an event about one', () => {
    const { text } = formatEmail({ ...PAYLOAD, process_key: null, display_name: null, zone: 'thermal_zone0' }, '');
    const lines = text.split('\n');
    assert.ok(lines.includes('zone: thermal_zone0'), text);
    assert.ok(!lines.some((line) => line.startsWith('process:')), text);
  });

  it('names the process without parentheses when it has no display name', () => {
    const { text } = formatEmail({ ...PAYLOAD, display_name: null }, '');
    assert.ok(text.split('\n').includes('process: modbus'), text);
  });

  it('ends with JSON that parses back to the payload', () => {
    const payload: EventPayload = {
      ...PAYLOAD,
      summary: 'multi\nline "quoted" summary',
      details: { output: 'a\nb', n: 1.5, ok: true },
    };
    assert.deepEqual(JSON.parse(jsonLineOf(formatEmail(payload, '[watchdog]').text)), payload);
  });
});
