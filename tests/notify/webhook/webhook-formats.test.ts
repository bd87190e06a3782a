// Each webhook format, sent by the real delivery code to a real HTTP server on 127.0.0.1,
// checked against what the receiving service documents, with an app's most hostile text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChannelConfig } from '../../../src/notify/config/notify-types.js';
import { sendToChannel } from '../../../src/notify/send-to-channel.js';
import type { EventPayload } from '../../../src/notify/watchdog-event.js';
import type { WebhookFormat } from '../../../src/notify/webhook/webhook-format.js';
import { startHttpRecorder, type ReceivedRequest } from '../../helpers/loopback-http.js';
import { WEBHOOK_DEFAULTS, channelDefaults } from '../../helpers/notify-channel.js';

type Payload = EventPayload & { notification_id: number };

const PAYLOAD: Payload = {
  version: 1,
  event: 'recovery_failed',
  time: '2026-11-22T03:12:56.607000+00:00',
  host: 'gateway-17',
  process_key: 'modbus_gateway',
  display_name: 'Modbus gateway',
  interface: null,
  zone: null,
  summary: 'modbus_gateway: recovery #12 failed after 2.1s: start failed: exited 1 after 0.2s',
  details: { recovery_id: 12, kind: 'recovery', trigger: 'timed_out', started_pid: null },
  notification_id: 57,
};

/**
 * What an attacker's app can put in a summary (a heartbeat's status is quoted in it):
 * every service's mention and link syntax, Markdown, an escape sequence, a bidirectional
 * override, a lone surrogate (what invalid UTF-8 leaves), and 10 kB of text.
 */
const HOSTILE =
  'status <!channel> <!here> <@U024BE7LH> <!subteam^S123> @everyone @here @channel @all <@&123456> <#C024BE7LR> ' +
  '[click me](https://evil.test/login) <https://evil.test|your bank> **bold** `code` ||spoiler|| # heading\n' +
  '- list & more {{DATE(2017-02-14T06:00:00Z, SHORT)}} \x1b[2J\x07 \u202egnp.exe \ud800 \u0000 end ' +
  'x'.repeat(10 * 1024);

function webhook(port: number, format: WebhookFormat): ChannelConfig {
  return {
    ...channelDefaults(),
    ...WEBHOOK_DEFAULTS,
    name: 'chat',
    type: 'webhook',
    url: `http://127.0.0.1:${port}/hook`,
    headers: {},
    format,
  };
}

const NO_COMMANDS = {
  env: {},
  cwd: '/',
  runShellCommand: () => Promise.reject(new Error('no command in this test')),
};

/** `payload` sent in `format` to a fresh loopback server: what it received. */
async function received(format: WebhookFormat, payload: Payload = PAYLOAD): Promise<ReceivedRequest> {
  const server = await startHttpRecorder();
  const outcome = await sendToChannel(webhook(server.port, format), payload, 5000, NO_COMMANDS);
  assert.deepEqual(outcome, { kind: 'delivered', detail: 'HTTP 200' });
  assert.equal(server.requests.length, 1);
  const [request] = server.requests;
  assert.ok(request !== undefined);
  assert.equal(request.headers['content-type'], 'application/json');
  await server.close();
  return request;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

/** Every string anywhere in a JSON value. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}

function assertShowable(body: unknown, what: string): void {
  for (const text of stringsIn(body)) {
    assert.ok(
      !CONTROL.test(text),
      `${what}: no control character reaches the receiver: ${JSON.stringify(text.slice(0, 80))}`,
    );
    assert.ok(!LONE_SURROGATE.test(text), `${what}: no lone surrogate`);
  }
}

describe('webhook format json', () => {
  it('POSTs the event JSON exactly as before', async () => {
    const request = await received('json');
    assert.equal(request.body, JSON.stringify(PAYLOAD));
  });
});

describe('webhook format slack (Slack, Mattermost, Rocket.Chat incoming webhooks)', () => {
  it('sends text, and one attachment coloured by severity with the facts as short fields', async () => {
    const body = JSON.parse((await received('slack')).body) as {
      text: string;
      attachments: { color: string; fallback: string; fields: { title: string; value: string; short: boolean }[] }[];
    };
    assert.deepEqual(Object.keys(body), ['text', 'attachments']);
    assert.equal(body.text, `*[watchdog] gateway-17: recovery_failed*\n${PAYLOAD.summary}`);
    assert.equal(body.attachments.length, 1);
    const [attachment] = body.attachments;
    assert.equal(attachment?.color, '#d92d20', 'a failure is red');
    assert.deepEqual(attachment?.fields.slice(0, 3), [
      { title: 'event', value: 'recovery_failed', short: true },
      { title: 'process', value: 'modbus_gateway (Modbus gateway)', short: true },
      { title: 'host', value: 'gateway-17', short: true },
    ]);
    assert.ok(attachment?.fields.some((field) => field.title === 'recovery_id' && field.value === '12'));
  });

  it('colours a recovery green and an event of no known severity blue', async () => {
    const good = JSON.parse((await received('slack', { ...PAYLOAD, event: 'recovery_succeeded' })).body) as {
      attachments: { color: string }[];
    };
    assert.equal(good.attachments[0]?.color, '#12b76a');
    const news = JSON.parse(
      (await received('slack', { ...PAYLOAD, event: 'something_new' as EventPayload['event'] })).body,
    ) as { attachments: { color: string }[] };
    assert.equal(news.attachments[0]?.color, '#2e90fa');
  });

  it('colours an incident: a reminder that the app is still down red, its recovery green', async () => {
    const colourOf = async (event: EventPayload['event']): Promise<string | undefined> =>
      (JSON.parse((await received('slack', { ...PAYLOAD, event })).body) as { attachments: { color: string }[] })
        .attachments[0]?.color;
    assert.equal(await colourOf('process_still_down'), '#d92d20');
    assert.equal(await colourOf('process_recovered'), '#12b76a');
  });

  it('escapes an app’s text: no mention, no link, no control character, cut to 3000 characters', async () => {
    const request = await received('slack', { ...PAYLOAD, summary: HOSTILE, host: 'gw <!channel>' });
    const body = JSON.parse(request.body) as { text: string; attachments: { fields: { value: string }[] }[] };
    assertShowable(body, 'slack');
    for (const text of stringsIn(body)) {
      // Slack: every control sequence starts with `<`; only the three entities may stand for it.
      assert.ok(!text.includes('<') && !text.includes('>'), `no < or > is sent raw: ${text.slice(0, 120)}`);
      assert.ok(!/&(?!amp;|lt;|gt;)/.test(text), 'every & starts one of the three entities');
      // Mattermost and Rocket.Chat: a mention is @ followed by a name; a Markdown link is ](.
      assert.ok(!/@[\p{L}\p{N}_.-]/u.test(text), `no @mention: ${text.slice(0, 200)}`);
      assert.ok(!text.includes(']('), 'no Markdown link');
    }
    assert.match(body.text, /&lt;!channel&gt;/);
    assert.match(body.text, /@\u2060everyone/);
    assert.match(body.text, /\\x1b\[2J\\x07/, 'the escape sequence is shown, inert');
    assert.ok(body.text.length <= 3000 + 100, `cut: ${body.text.length}`);
    assert.ok(body.text.endsWith('…'));
  });

  it('makes no Markdown reference-style link (Mattermost, Rocket.Chat) from an app’s text', async () => {
    const summary =
      'status: [update required][1] or [here][] or [1]\n\n[1]: https://evil.test/login\n[here]:https://evil.test';
    const request = await received('slack', { ...PAYLOAD, summary, details: { status: summary } });
    const body = JSON.parse(request.body) as { text: string };
    for (const text of stringsIn(body)) {
      // A reference link is `[text][label]` or `[label]`, with `[label]: URL` on a line of its own.
      assert.ok(!text.includes(']['), `no full or collapsed reference link: ${text}`);
      assert.ok(!text.includes(']:'), `no link reference definition: ${text}`);
    }
    assert.match(body.text, /\[update required\]\u2060\[1\]/, 'the text is kept, with a joiner');
    assert.match(body.text, /^\[1\]\u2060: https:\/\/evil\.test\/login$/m);
  });
});

describe('webhook format discord', () => {
  it('sends content within 2000 characters and allowed_mentions that parse nothing', async () => {
    const body = JSON.parse((await received('discord')).body) as {
      content: string;
      allowed_mentions: { parse: string[] };
    };
    assert.deepEqual(Object.keys(body), ['content', 'allowed_mentions']);
    assert.deepEqual(body.allowed_mentions, { parse: [] });
    const lines = body.content.split('\n');
    assert.equal(lines[0], '**\\[watchdog\\] gateway\\-17\\: recovery\\_failed**');
    assert.equal(
      lines[1],
      'modbus\\_gateway\\: recovery #12 failed after 2.1s\\: start failed\\: exited 1 after 0.2s'.replace('#', '\\#'),
    );
    assert.ok(lines.includes('recovery\\_id: 12'), body.content);
  });

  it('escapes every Markdown character of an app’s text and cuts it, emoji and all, within 2000', async () => {
    for (const summary of [HOSTILE, '🔥'.repeat(3000), '<'.repeat(5000)]) {
      const request = await received('discord', { ...PAYLOAD, summary });
      const body = JSON.parse(request.body) as { content: string; allowed_mentions: { parse: string[] } };
      assertShowable(body, 'discord');
      assert.deepEqual(body.allowed_mentions, { parse: [] }, 'no mention is ever parsed');
      assert.ok(body.content.length <= 2000, `UTF-16 length ${body.content.length}`);
      assert.ok([...body.content].length <= 2000, 'and in characters');
      const text = body.content.split('\n').slice(1).join('\n');
      // Every character Discord's Markdown reads is behind a backslash (pairs of backslashes are text).
      const bare = text.replace(/\\[\\*_~`|<>[\]()#@:-]/g, '');
      assert.ok(!/[\\*_~`|<>[\]()#@]/.test(bare), `nothing Discord acts on is left bare: ${bare.slice(0, 200)}`);
      assert.ok(!/\\$/.test(text.split('\n')[0] ?? ''), 'a cut never leaves half an escape');
    }
  });
});

describe('webhook format teams (a Workflows webhook)', () => {
  interface Card {
    type: string;
    attachments: {
      contentType: string;
      contentUrl: null;
      content: { type: string; version: string; body: { type: string; inlines: { type: string; text: string }[] }[] };
    }[];
  }

  it('sends a message with one Adaptive Card of text runs, heading coloured by severity', async () => {
    const body = JSON.parse((await received('teams')).body) as Card;
    assert.equal(body.type, 'message');
    assert.equal(body.attachments.length, 1);
    const [attachment] = body.attachments;
    assert.equal(attachment?.contentType, 'application/vnd.microsoft.card.adaptive');
    assert.equal(attachment?.contentUrl, null);
    assert.equal(attachment?.content.type, 'AdaptiveCard');
    assert.equal(attachment?.content.version, '1.4');
    const blocks = attachment?.content.body ?? [];
    assert.ok(
      blocks.every((block) => block.type === 'RichTextBlock' && block.inlines.every((run) => run.type === 'TextRun')),
      'only text runs: they read no Markdown',
    );
    assert.deepEqual(blocks[0]?.inlines[0], {
      type: 'TextRun',
      text: '[watchdog] gateway-17: recovery_failed',
      weight: 'Bolder',
      size: 'Medium',
      color: 'Attention',
    });
    assert.equal(blocks[1]?.inlines[0]?.text, PAYLOAD.summary);
    assert.ok(blocks.some((block) => block.inlines[0]?.text === 'recovery_id: 12'));
  });

  it('keeps an app’s text as text, below Teams’ 28 KB', async () => {
    const request = await received('teams', { ...PAYLOAD, summary: HOSTILE });
    const body = JSON.parse(request.body) as Card;
    assertShowable(body, 'teams');
    assert.ok(request.raw.length < 28 * 1024, `${request.raw.length} bytes`);
    const summary = body.attachments[0]?.content.body[1]?.inlines[0]?.text ?? '';
    assert.ok(summary.startsWith('status <!channel>'), 'shown as typed: a TextRun reads no Markdown');
    assert.ok(summary.endsWith('…'));
    assert.ok(!JSON.stringify(body).includes('"TextBlock"') && !JSON.stringify(body).includes('FactSet'));
  });

  it('stays below 28 KB at its largest: every field long, in characters of three UTF-8 bytes', async () => {
    const long = '漢'.repeat(10_000);
    const details = Object.fromEntries(
      Array.from({ length: 20 }, (_, index) => [`detail_${index}_${long.slice(0, 50)}`, long]),
    );
    const request = await received('teams', {
      ...PAYLOAD,
      summary: long,
      host: long,
      display_name: long,
      details,
    });
    assert.ok(request.raw.length < 28 * 1024, `${request.raw.length} bytes`);
  });
});
