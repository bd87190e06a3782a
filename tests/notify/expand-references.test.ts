import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandReferences, redact, referencesIn, SecretScope } from '../../src/notify/expand-references.js';

describe('expandReferences', () => {
  it('fills in a variable that is set, and counts its value as a secret', () => {
    assert.deepEqual(expandReferences('https://hooks.example/${HOOK_ID}/send', { HOOK_ID: 'abc123' }), {
      text: 'https://hooks.example/abc123/send',
      secrets: ['abc123'],
      missing: [],
    });
  });

  it('leaves a missing variable empty and names it', () => {
    assert.deepEqual(expandReferences('Bearer ${TOKEN}', {}), { text: 'Bearer ', secrets: [], missing: ['TOKEN'] });
  });

  it('counts a variable set to the empty string as missing', () => {
    assert.deepEqual(expandReferences('Bearer ${TOKEN}', { TOKEN: '' }), {
      text: 'Bearer ',
      secrets: [],
      missing: ['TOKEN'],
    });
  });

  it('fills in several references, in order, set and missing alike', () => {
    assert.deepEqual(
      expandReferences('${USER_NAME}:${PASS}@${HOST}/${USER_NAME}', { USER_NAME: 'ops', HOST: 'relay.lan' }),
      {
        text: 'ops:@relay.lan/ops',
        secrets: ['ops', 'relay.lan', 'ops'],
        missing: ['PASS'],
      },
    );
  });

  it('returns text without references as it is', () => {
    assert.deepEqual(expandReferences('https://hooks.example/static', { HOOK_ID: 'abc' }), {
      text: 'https://hooks.example/static',
      secrets: [],
      missing: [],
    });
  });

  it('finds only variables of the environment itself, not what every object inherits', () => {
    assert.deepEqual(expandReferences('Bearer ${constructor}${__proto__}${toString}${hasOwnProperty}', {}), {
      text: 'Bearer ',
      secrets: [],
      missing: ['constructor', '__proto__', 'toString', 'hasOwnProperty'],
    });
    // process.env is not a plain object, but inherits the same names.
    assert.deepEqual(expandReferences('Bearer ${constructor}', process.env).missing, ['constructor']);
    assert.deepEqual(expandReferences('${constructor}', { constructor: 'set-by-name' }).text, 'set-by-name');
  });

  it('leaves $NAME without braces alone, and what is not a variable name', () => {
    const env = { NAME: 'secret-value', '1BAD': 'x' };
    assert.deepEqual(expandReferences('$NAME ${1BAD} ${} $ {NAME} ${NAME', env), {
      text: '$NAME ${1BAD} ${} $ {NAME} ${NAME',
      secrets: [],
      missing: [],
    });
  });
});

describe('referencesIn', () => {
  it('names every variable referenced, in order, repeats included', () => {
    assert.deepEqual(referencesIn('${A}/${B_2}?x=${A}&y=$C'), ['A', 'B_2', 'A']);
  });

  it('finds none in text without references', () => {
    assert.deepEqual(referencesIn('https://example.com/$PATH'), []);
  });
});

describe('redact', () => {
  it('replaces every occurrence of a secret', () => {
    assert.equal(redact('token abc, again abc', ['abc']), 'token [redacted], again [redacted]');
  });

  it('replaces the longest secret first, so one that contains another leaves nothing of it', () => {
    assert.equal(redact('user=gw, pass=gw-secret-17', ['gw', 'gw-secret-17']), 'user=[redacted], pass=[redacted]');
  });

  it('leaves no whole secret behind when two secrets overlap in the text', () => {
    const secrets = ['abcd', 'cdef'];
    const redacted = redact('xx abcdef yy', secrets);
    assert.equal(redacted, 'xx [redacted]ef yy');
    for (const secret of secrets)
      assert.ok(!redacted.includes(secret), `"${secret}" must not be left in "${redacted}"`);
  });

  it('ignores an empty secret (it would match between every character)', () => {
    assert.equal(redact('nothing to hide', ['']), 'nothing to hide');
    assert.equal(redact('a key k3y', ['', 'k3y']), 'a key [redacted]');
  });

  it('returns the text as it is without secrets', () => {
    assert.equal(redact('plain', []), 'plain');
  });
});

describe('SecretScope', () => {
  it('collects the secrets and missing names of every expansion, and redacts them all', () => {
    const scope = new SecretScope({ HOOK: 'h00k', TOKEN: 't0ken' });
    assert.equal(scope.expand('https://x.example/${HOOK}'), 'https://x.example/h00k');
    assert.equal(scope.expand('Bearer ${TOKEN} ${MISSING}'), 'Bearer t0ken ');
    assert.deepEqual(scope.secrets, ['h00k', 't0ken']);
    assert.deepEqual(scope.missing, ['MISSING']);
    assert.equal(
      scope.redact('failed https://x.example/h00k with t0ken'),
      'failed https://x.example/[redacted] with [redacted]',
    );
  });

  it('redacts nothing before anything was expanded', () => {
    const scope = new SecretScope({ TOKEN: 't0ken' });
    assert.equal(scope.redact('t0ken'), 't0ken');
  });

  it('expandUrl: a reference inside a URL is percent-encoded (a secret with # or / stays one segment); one that starts it is the whole URL', () => {
    const scope = new SecretScope({ T: 'a#b/c?d', WHOLE: 'https://hooks.example/T0/B1?x=1' });
    assert.equal(scope.expandUrl('https://x.example/p/${T}'), 'https://x.example/p/a%23b%2Fc%3Fd');
    assert.equal(scope.expandUrl('${WHOLE}'), 'https://hooks.example/T0/B1?x=1');
    assert.equal(
      scope.redact('sent to https://x.example/p/a%23b%2Fc%3Fd'),
      'sent to https://x.example/p/[redacted]',
      'the encoded form is a secret too',
    );
  });
});
