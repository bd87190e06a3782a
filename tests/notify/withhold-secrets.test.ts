import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../src/config/validate-config.js';
import { secretNamesOf, withoutVariables } from '../../src/notify/withhold-secrets.js';

function configOf(extra: Record<string, unknown>) {
  const { config, errors } = validateConfig({ processes: {}, ...extra }, '/x/config.json', () => undefined, {});
  assert.deepEqual(errors, [], 'the config is valid');
  assert.ok(config !== undefined, 'a config');
  return config;
}

describe('secretNamesOf', () => {
  it('names every variable referenced by webhook URLs and headers, SMTP logins and ping_url', () => {
    const config = configOf({
      notify: {
        channels: {
          hook: {
            type: 'webhook',
            url: 'https://h.example/${HOOK_ID}/x',
            headers: { Authorization: 'Bearer ${HOOK_TOKEN}', 'X-Plain': 'nothing' },
          },
          mail: {
            type: 'email',
            host: 'smtp.example',
            user: '${SMTP_USER}',
            password: '${SMTP_PASSWORD}',
            from: 'a@b',
            to: ['c@d'],
          },
          sms: { type: 'command', command: 'send-sms ${NOT_A_SECRET}' },
        },
      },
      ping_url: 'https://hc.example/${PING_UUID}',
    });
    assert.deepEqual([...secretNamesOf(config)].sort(), [
      'HOOK_ID',
      'HOOK_TOKEN',
      'PING_UUID',
      'SMTP_PASSWORD',
      'SMTP_USER',
    ]);
  });

  it('is empty without notify and ping_url', () => {
    assert.equal(secretNamesOf(configOf({})).size, 0);
  });
});

describe('withoutVariables', () => {
  it('leaves out exactly the variables named, and changes nothing given none', () => {
    const env = { PATH: '/usr/bin', SMTP_PASSWORD: 'hunter2', HOME: '/root' };
    assert.deepEqual(withoutVariables(env, new Set(['SMTP_PASSWORD', 'NOT_SET'])), { PATH: '/usr/bin', HOME: '/root' });
    assert.equal(withoutVariables(env, new Set()), env);
    assert.equal(env.SMTP_PASSWORD, 'hunter2', 'the original is not changed');
  });
});
