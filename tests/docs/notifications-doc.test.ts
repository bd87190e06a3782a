// The examples of docs/notifications.md work as written: the template and ping examples
// load, and the Python receiver accepts what the watchdog signs and refuses the rest.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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

  it('has a Python receiver that accepts a signed body and refuses a changed, unsigned or stale one', () => {
    const [verify] = blocks('python');
    assert.ok(verify !== undefined);
    const secret = 'hook secret';
    const body = Buffer.from('{"event":"gave_up","summary":"caf\u00e9 \ud83d\udd25"}');
    const now = Math.floor(Date.now() / 1000);
    const signed = signatureHeadersOf(secret, now, body);
    const run = (headers: Record<string, string>, sent: Buffer): string =>
      execFileSync(
        'python3',
        [
          '-c',
          `${verify}\nimport json, sys\nh = json.loads(sys.argv[1])\nprint(verify(b"hook secret", {"X-Watchdog-Timestamp": h["x-watchdog-timestamp"], "X-Watchdog-Signature": h["x-watchdog-signature"]}, sys.stdin.buffer.read()))`,
          JSON.stringify(headers),
        ],
        { input: sent },
      )
        .toString()
        .trim();
    assert.equal(run(signed, body), 'True');
    assert.equal(run(signed, Buffer.concat([body, Buffer.from(' ')])), 'False', 'a changed body');
    assert.equal(run(signatureHeadersOf('another', now, body), body), 'False', 'another secret');
    assert.equal(run(signatureHeadersOf(secret, now - 3600, body), body), 'False', 'an hour old: a replay');
  });
});
