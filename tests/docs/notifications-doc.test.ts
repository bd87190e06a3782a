// The examples of docs/notifications.md work as written: the template and ping examples
// load, and the Python receiver accepts what the watchdog signs and refuses the rest.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { validateConfig } from '../../src/config/validate-config.js';
import { signatureHeadersOf } from '../../src/notify/webhook/sign-webhook.js';

const TEXT = readFileSync(new URL('../../docs/notifications.md', import.meta.url), 'utf8');

/** The fenced blocks of one language, in order. */
function blocks(language: string): string[] {
  return [...TEXT.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((match) => match[1] ?? '');
}

function errorsOf(config: unknown): string[] {
  return validateConfig(config, '/etc/watchdog/config.json', undefined, {}).errors;
}

describe('docs/notifications.md', () => {
  it('has a template example that loads', () => {
    const pager = blocks('json').find((block) => block.startsWith('"pager"'));
    assert.ok(pager !== undefined, 'the template example');
    const channels = JSON.parse(`{${pager}}`) as Record<string, unknown>;
    assert.deepEqual(errorsOf({ processes: {}, notify: { channels } }), []);
  });

  it('has a ping example that loads', () => {
    const ping = blocks('json').find((block) => block.startsWith('"ping"'));
    assert.ok(ping !== undefined, 'the ping example');
    assert.deepEqual(errorsOf({ processes: {}, ...(JSON.parse(`{${ping}}`) as object) }), []);
  });

  it('has a Python receiver that accepts a signed body, answers 503 for a stale one, 401 for the rest, and never raises', () => {
    const [verify] = blocks('python');
    assert.ok(verify !== undefined);
    const secret = 'hook secret';
    const body = Buffer.from('{"event":"gave_up","summary":"caf\u00e9 \ud83d\udd25"}');
    const now = Math.floor(Date.now() / 1000);
    const signed = signatureHeadersOf(secret, now, body);
    /** The status the docs' `verify` answers to these headers (named as a receiver's framework gives them) and body. */
    const run = (headers: Record<string, string>, sent: Buffer): string =>
      execFileSync(
        'python3',
        [
          '-c',
          `${verify}\nimport json, sys\nh = json.loads(sys.argv[1])\nnames = {"x-watchdog-timestamp": "X-Watchdog-Timestamp", "x-watchdog-signature": "X-Watchdog-Signature"}\nprint(verify(b"hook secret", {names.get(k, k): v for k, v in h.items()}, sys.stdin.buffer.read()))`,
          JSON.stringify(headers),
        ],
        { input: sent },
      )
        .toString()
        .trim();
    const signedWith = (timestamp: string): Record<string, string> => ({
      'x-watchdog-timestamp': timestamp,
      'x-watchdog-signature': `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`,
    });
    assert.equal(run(signed, body), '200');
    assert.equal(run(signed, Buffer.concat([body, Buffer.from(' ')])), '401', 'a changed body');
    assert.equal(run(signatureHeadersOf('another', now, body), body), '401', 'another secret');
    assert.equal(run(signatureHeadersOf(secret, now - 3600, body), body), '503', 'an hour old: stale, retried');
    assert.equal(run(signatureHeadersOf(secret, now - 6 * 3600, body), body), '503', 'a clock not yet set');
    assert.equal(run({}, body), '401', 'no headers');
    assert.equal(run({ 'x-watchdog-timestamp': String(now) }, body), '401', 'no signature');
    assert.equal(run({ 'x-watchdog-signature': signed['x-watchdog-signature'] ?? '' }, body), '401', 'no timestamp');
    assert.equal(run({ ...signed, 'x-watchdog-timestamp': 'yesterday' }, body), '401', 'a garbage timestamp');
    assert.equal(run({ ...signed, 'x-watchdog-signature': 'sha256=caf\u00e9' }, body), '401', 'a signature not ASCII');
    assert.equal(run(signedWith('yesterday'), body), '401', 'a signed garbage timestamp');
    assert.equal(run(signedWith('9'.repeat(400)), body), '401', 'a signed timestamp past any float');
  });
});
