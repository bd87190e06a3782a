// End-to-end tests of the webhook formats: the built watchdog's tick tells one HTTP server
// on 127.0.0.1 of a real recovery in each format, one of them signed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { killStartedAppsOnCleanup, notificationsIn } from '../helpers/audit-rows.js';
import { writeConfig, type ProcessEntry } from '../helpers/config-files.js';
import { heartbeatText, writeFileAt } from '../helpers/heartbeats.js';
import { killProcessOnCleanup } from '../helpers/owned-processes.js';
import { startHttpRecorder } from '../helpers/loopback-http.js';
import { runWatchdog } from '../helpers/run-watchdog.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** An app with no heartbeat whose start leaves a `sleep` running: a recovery that succeeds. */
const APP: ProcessEntry = {
  heartbeat_path: 'hb/app.json',
  commands: { start: 'exec sleep 300' },
  recovery_actions: ['kill', 'start'],
  start_grace_seconds: 3600,
};

const TICK = { consecutive_failures_threshold: 1, verify_delay: 0.2 };

describe('webhook formats (the built watchdog, a real HTTP server on 127.0.0.1)', () => {
  it('sends a real recovery to Slack, Discord, Teams and a template, the template signed', async () => {
    const dir = makeTempDir();
    const dbPath = join(dir, 'watchdog.db');
    const server = await startHttpRecorder();
    const secret = `sig-${randomUUID()}`;
    const hook = (path: string, fields: Record<string, unknown>) => ({
      type: 'webhook',
      url: `http://127.0.0.1:${server.port}/${path}`,
      retries: 0,
      timeout_seconds: 5,
      ...fields,
    });
    writeConfig(
      dir,
      { app: APP },
      {
        ...TICK,
        notify: {
          channels: {
            slack: hook('slack', { format: 'slack' }),
            discord: hook('discord', { format: 'discord' }),
            teams: hook('teams', { format: 'teams' }),
            pager: hook('pager', {
              format: 'template',
              template: { text: '{{event}}: {{summary}}', recovery: '{{details.recovery_id}}' },
              signature_secret: '${HOOK_SECRET}',
            }),
          },
        },
      },
    );
    const result = await runWatchdog(['check'], { cwd: dir, env: { HOOK_SECRET: secret } });
    killStartedAppsOnCleanup(dbPath);
    assert.deepEqual(result, { code: 0, stdout: '', stderr: '' });
    assert.deepEqual(
      notificationsIn(dbPath).map((row) => row.state),
      Array<string>(8).fill('delivered'),
    );
    const bodies = (path: string) =>
      server.requests
        .filter((request) => request.url === `/${path}`)
        .map((request) => JSON.parse(request.body) as Record<string, unknown>);

    const slack = bodies('slack');
    assert.equal(slack.length, 2);
    assert.match(String(slack[0]?.text), /^\*\[watchdog\] .*: recovery_started\*\napp: recovery #1 started/);
    const discord = bodies('discord');
    assert.deepEqual(discord[1]?.allowed_mentions, { parse: [] });
    assert.match(String(discord[1]?.content), /recovery\\_succeeded\*\*\n/);
    const teams = bodies('teams');
    assert.equal(teams[0]?.type, 'message');
    const pager = bodies('pager');
    assert.deepEqual(
      pager.map((body) => [String(body.text).split(':')[0], body.recovery]),
      [
        ['recovery_started', 1],
        ['recovery_succeeded', 1],
      ],
    );
    for (const request of server.requests.filter((candidate) => candidate.url === '/pager')) {
      const timestamp = String(request.headers['x-watchdog-timestamp']);
      const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(request.raw).digest('hex');
      assert.equal(request.headers['x-watchdog-signature'], `sha256=${expected}`);
    }
    for (const request of server.requests.filter((candidate) => candidate.url !== '/pager'))
      assert.equal(request.headers['x-watchdog-signature'], undefined, 'only the signed channel is signed');
    assert.ok(!readFileSync(join(dir, 'logs', 'watchdog.log'), 'utf8').includes(secret), 'the secret is never logged');
  });

  it('escapes what an attacker’s app wrote in its heartbeat before it reaches Slack and Discord', async () => {
    const dir = makeTempDir();
    const server = await startHttpRecorder();
    // A process of the test's own, alive, named by the heartbeat; no action signals it (no kill),
    // so the recovery is refused, and its event quotes the status.
    const sleeper = spawn('sleep', ['300'], { stdio: 'ignore' });
    assert.ok(sleeper.pid !== undefined);
    killProcessOnCleanup(sleeper.pid);
    const status = 'crashed <!channel> @everyone [login](https://evil.test) \x1b[2J';
    writeFileAt(join(dir, 'hb', 'app.json'), heartbeatText({ process_key: 'app', pid: sleeper.pid, status }));
    const hook = (path: string, format: string) => ({
      type: 'webhook',
      url: `http://127.0.0.1:${server.port}/${path}`,
      format,
      retries: 0,
      events: ['recovery_refused'],
    });
    writeConfig(
      dir,
      { app: { heartbeat_path: 'hb/app.json', commands: { start: 'exit 1' }, recovery_actions: ['start'] } },
      { ...TICK, notify: { channels: { slack: hook('slack', 'slack'), discord: hook('discord', 'discord') } } },
    );
    const result = await runWatchdog(['check'], { cwd: dir });
    assert.equal(result.code, 0, readFileSync(join(dir, 'logs', 'watchdog.log'), 'utf8'));
    const [slack, discord] = ['/slack', '/discord'].map((path) => {
      const request = server.requests.find((candidate) => candidate.url === path);
      assert.ok(request !== undefined, `${path} was told`);
      return JSON.parse(request.body) as { text?: string; content?: string; allowed_mentions?: unknown };
    });
    const slackText = slack?.text ?? '';
    assert.match(slackText, /crashed &lt;!channel&gt; @\u2060everyone \[login\]\u2060\(https:\/\/evil\.test\)/);
    assert.ok(!slackText.includes('<') && !slackText.includes('\x1b'));
    const content = discord?.content ?? '';
    assert.match(content, /crashed \\<!channel\\> \\@everyone \\\[login\\\]\\\(https\\:\/\/evil\.test\\\)/);
    assert.deepEqual(discord?.allowed_mentions, { parse: [] });
  });

  it('refuses a template with an unknown reference, with exit 78 and the line that names it', async () => {
    const dir = makeTempDir();
    writeConfig(
      dir,
      { app: APP },
      {
        notify: {
          channels: {
            pager: {
              type: 'webhook',
              url: 'http://127.0.0.1:1/x',
              format: 'template',
              template: { payload: { summary: '{{sumary}}' } },
            },
          },
        },
      },
    );
    const result = await runWatchdog(['validate'], { cwd: dir });
    assert.equal(result.code, 78);
    assert.match(
      result.stderr,
      /^ {2}notify\.channels\.pager\.template\.payload\.summary: unknown reference \{\{sumary\}\}; a template may refer to \{\{version\}\}, /m,
    );
  });
});
