import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { missingVariables, outcomeOfStatus, type SendOutcome } from '../../../src/notify/channels/send-outcome.js';

const REDIRECT = '(a redirect; give the final URL, redirects are not followed)';

describe('outcomeOfStatus', () => {
  const table: [number, SendOutcome][] = [
    [200, { kind: 'delivered', detail: 'HTTP 200' }],
    [202, { kind: 'delivered', detail: 'HTTP 202' }],
    [204, { kind: 'delivered', detail: 'HTTP 204' }],
    [408, { kind: 'retry', detail: 'HTTP 408' }],
    [425, { kind: 'retry', detail: 'HTTP 425' }],
    [429, { kind: 'retry', detail: 'HTTP 429' }],
    [500, { kind: 'retry', detail: 'HTTP 500' }],
    [502, { kind: 'retry', detail: 'HTTP 502' }],
    [503, { kind: 'retry', detail: 'HTTP 503' }],
    [301, { kind: 'refused', detail: `HTTP 301 ${REDIRECT}` }],
    [302, { kind: 'refused', detail: `HTTP 302 ${REDIRECT}` }],
    [307, { kind: 'refused', detail: `HTTP 307 ${REDIRECT}` }],
    [400, { kind: 'refused', detail: 'HTTP 400' }],
    [401, { kind: 'refused', detail: 'HTTP 401' }],
    [403, { kind: 'refused', detail: 'HTTP 403' }],
    [404, { kind: 'refused', detail: 'HTTP 404' }],
    [410, { kind: 'refused', detail: 'HTTP 410' }],
  ];
  for (const [status, expected] of table) {
    it(`HTTP ${status} is ${expected.kind}`, () => {
      assert.deepEqual(outcomeOfStatus(status), expected);
    });
  }
});

describe('missingVariables', () => {
  it('is a retry naming each missing variable once', () => {
    assert.deepEqual(missingVariables(['TOKEN', 'HOOK', 'TOKEN']), {
      kind: 'retry',
      detail: 'environment variables TOKEN, HOOK not set (referenced in the config)',
    });
  });
});
