import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../../src/config/validate-config.js';
import type { ChannelConfig } from '../../../src/notify/config/notify-types.js';
import { sendToChannel } from '../../../src/notify/send-to-channel.js';
import type { EventPayload } from '../../../src/notify/watchdog-event.js';
import { checkTemplate, fillTemplate } from '../../../src/notify/webhook/webhook-template.js';
import { secretNamesOf } from '../../../src/notify/withhold-secrets.js';
import { startHttpRecorder } from '../../helpers/loopback-http.js';
import { WEBHOOK_DEFAULTS, channelDefaults } from '../../helpers/notify-channel.js';

const PAYLOAD: EventPayload & { notification_id: number } = {
  version: 1,
  event: 'recovery_failed',
  time: '2026-11-22T03:12:56.607000+00:00',
  host: 'gateway-17',
  process_key: 'modbus_gateway',
  display_name: null,
  interface: null,
  zone: null,
  summary: 'modbus_gateway: recovery #12 failed',
  details: { recovery_id: 12, started_pid: null, kind: 'recovery' },
  notification_id: 57,
};

describe('checkTemplate', () => {
  it('accepts the payload’s fields and details.<name>, with or without spaces inside the braces', () => {
    assert.deepEqual(
      checkTemplate(
        {
          text: '{{ summary }} on {{host}} at {{time}}',
          id: '{{notification_id}}',
          fields: ['{{details.recovery_id}}', '{{details}}', '{{display_name}}', 42, null, true],
        },
        'notify.channels.x.template',
      ),
      [],
    );
  });

  it('names every unknown reference, stray brace and filled key with its path', () => {
    assert.deepEqual(
      checkTemplate(
        { text: '{{sumary}}', list: ['ok', '{{details.}}'], open: 'a {{ b', '{{key}}': 'v', deep: { x: '{{$' } },
        't',
      ),
      [
        't.text: unknown reference {{sumary}}; a template may refer to {{version}}, {{event}}, {{time}}, {{host}}, {{process_key}}, {{display_name}}, {{interface}}, {{zone}}, {{summary}}, {{details}}, {{notification_id}} and {{details.<name>}}',
        't.list[1]: unknown reference {{details.}}; a template may refer to {{version}}, {{event}}, {{time}}, {{host}}, {{process_key}}, {{display_name}}, {{interface}}, {{zone}}, {{summary}}, {{details}}, {{notification_id}} and {{details.<name>}}',
        't.open: a "{{" or "}}" that is not part of a reference such as {{summary}}',
        't.{{key}}: a key is not filled; put references in values',
        't.deep.x: a "{{" or "}}" that is not part of a reference such as {{summary}}',
      ],
    );
  });
});

describe('fillTemplate', () => {
  it('gives a string that is one reference the field’s JSON value, and puts fields as text inside longer ones', () => {
    const body = JSON.parse(
      fillTemplate(
        {
          routing_key: '${PD_KEY}',
          summary: '{{summary}} ({{host}})',
          id: '{{notification_id}}',
          pid: '{{details.started_pid}}',
          pid_text: 'pid={{details.started_pid}}',
          missing: '{{details.nope}}',
          details: '{{details}}',
          count: 3,
        },
        PAYLOAD,
        (text) => text.replace('${PD_KEY}', 'key-123'),
      ),
    ) as Record<string, unknown>;
    assert.deepEqual(body, {
      routing_key: 'key-123',
      summary: 'modbus_gateway: recovery #12 failed (gateway-17)',
      id: 57,
      pid: null,
      pid_text: 'pid=',
      missing: null,
      details: PAYLOAD.details,
      count: 3,
    });
  });

  it('stays valid JSON whatever an app put in its text, and never fills ${NAME} from an event’s value', () => {
    const summary =
      'quote " backslash \\ newline \n NUL \u0000 ${SMTP_PASSWORD} {{host}} \ud800 "}, "admin": true, "x": "';
    const text = fillTemplate({ text: 'app says: {{summary}}', raw: '{{summary}}' }, { ...PAYLOAD, summary }, (t) =>
      t.replaceAll('${SMTP_PASSWORD}', 'LEAKED'),
    );
    const body = JSON.parse(text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['text', 'raw'], 'no key injected');
    assert.equal(body.raw, summary, 'the whole text, lone surrogate and all, as a JSON string');
    assert.equal(body.text, `app says: ${summary}`);
    assert.ok(!text.includes('LEAKED'), 'an app’s ${NAME} is text, not a reference');
  });

  it('fills a detail the event does not have, such as Object’s constructor or __proto__, with null', () => {
    const template = {
      constructor: '{{details.constructor}}',
      proto: '{{details.__proto__}}',
      has: '{{ details.hasOwnProperty }}',
      text: 'x={{details.constructor}}{{details.toString}}',
    };
    assert.deepEqual(checkTemplate(template, 'notify.channels.t.template'), []);
    const body = fillTemplate(template, PAYLOAD, (text) => text);
    assert.deepEqual(JSON.parse(body), { constructor: null, proto: null, has: null, text: 'x=' }, body);
  });
});

describe('webhook format template (a real HTTP server on 127.0.0.1)', () => {
  it('POSTs the filled template, its ${NAME} from the environment', async () => {
    const server = await startHttpRecorder();
    const channel: ChannelConfig = {
      ...channelDefaults(),
      ...WEBHOOK_DEFAULTS,
      name: 'pager',
      type: 'webhook',
      url: `http://127.0.0.1:${server.port}/v2/enqueue`,
      headers: {},
      format: 'template',
      template: {
        routing_key: '${PD_KEY}',
        event_action: 'trigger',
        dedup_key: '{{host}}/{{process_key}}',
        payload: { summary: '{{summary}}', source: '{{host}}', severity: 'critical' },
      },
    };
    const outcome = await sendToChannel(channel, PAYLOAD, 5000, {
      env: { PD_KEY: 'pd-routing-key' },
      cwd: '/',
      runShellCommand: () => Promise.reject(new Error('no command')),
    });
    assert.equal(outcome.kind, 'delivered');
    assert.deepEqual(JSON.parse(server.requests[0]?.body ?? ''), {
      routing_key: 'pd-routing-key',
      event_action: 'trigger',
      dedup_key: 'gateway-17/modbus_gateway',
      payload: { summary: PAYLOAD.summary, source: 'gateway-17', severity: 'critical' },
    });
    assert.deepEqual([...secretNamesOf({ notify: { channels: [channel] } as never, ping: undefined })], ['PD_KEY']);
    await server.close();
  });
});

describe('the template in the config', () => {
  const configWith = (channel: Record<string, unknown>): unknown => ({
    processes: {},
    notify: { channels: { hook: { type: 'webhook', url: 'https://hooks.example.com/x', ...channel } } },
  });

  it('is checked when the config loads: unknown references and misplaced templates are errors', () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ format: 'template' }, ['notify.channels.hook.template: is required with "format": "template"']],
      [
        { format: 'slack', template: { text: '{{summary}}' } },
        ['notify.channels.hook.template: is only used with "format": "template" (the format is "slack")'],
      ],
      [
        { template: 'x' },
        ['notify.channels.hook.template: is only used with "format": "template" (the format is "json")'],
      ],
      [{ format: 'template', template: { text: '{{summary}}' } }, []],
    ];
    for (const [channel, errors] of cases) {
      assert.deepEqual(validateConfig(configWith(channel), '/etc/watchdog/config.json', undefined, {}).errors, errors);
    }
    const [unknown] = validateConfig(
      configWith({ format: 'template', template: { text: '{{summry}}' } }),
      '/etc/watchdog/config.json',
      undefined,
      {},
    ).errors;
    assert.match(unknown ?? '', /^notify\.channels\.hook\.template\.text: unknown reference \{\{summry\}\}; /);
  });

  it('refuses an unknown format, and a signature_secret written in the config', () => {
    assert.deepEqual(validateConfig(configWith({ format: 'msteams' }), '/c.json', undefined, {}).errors, [
      'notify.channels.hook.format: must be one of json, slack, discord, teams, template',
    ]);
    assert.deepEqual(validateConfig(configWith({ signature_secret: 'plain' }), '/c.json', undefined, {}).errors, [
      'notify.channels.hook.signature_secret: write a reference to an environment variable, such as "${HOOK_SECRET}": a secret is not kept in the config',
    ]);
    assert.deepEqual(
      validateConfig(configWith({ signature_secret: '${HOOK_SECRET}' }), '/c.json', undefined, { HOOK_SECRET: 's' })
        .errors,
      [],
    );
  });
});
