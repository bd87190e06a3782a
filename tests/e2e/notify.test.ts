// End-to-end tests of notifications and the ping_url dead man's switch: the built
// watchdog, run as cron or a person runs it, tells real servers on loopback (an HTTP
// server for webhooks and pings, an SMTP server for email) what happened. Apps the
// watchdog starts are `sleep`s without a heartbeat, killed with their process group when
// the test ends; without a heartbeat or an instance started earlier, `kill` has nothing to
// signal. The one test whose `off` does kill runs the watchdog inside a PID namespace.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { EventPayload } from '../../src/notify/watchdog-event.js';
import { openStore } from '../../src/store/open-store.js';
import { killStartedAppsOnCleanup, notificationsIn } from '../helpers/audit-rows.js';
import { writeConfig, type ProcessEntry } from '../helpers/config-files.js';
import { freePort } from '../helpers/free-port.js';
import { startHttpRecorder, type ReceivedRequest } from '../helpers/loopback-http.js';
import { runWatchdog, type RunResult } from '../helpers/run-watchdog.js';
import { startSmtpRecorder } from '../helpers/smtp-recorder.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { recoveriesIn, startScenario } from '../helpers/watchdog-in-namespace.js';

type Delivered = EventPayload & { notification_id: number };

/** An app with no heartbeat whose start leaves a `sleep` running: a recovery that succeeds. */
const APP: ProcessEntry = {
  heartbeat_path: 'hb/app.json',
  commands: { start: 'exec sleep 300' },
  recovery_actions: ['kill', 'start'],
  // No recovery of the started sleep (which writes no heartbeat) however slow the test runs.
  start_grace_seconds: 3600,
};

/** Recover at the first failed check; a start is verified quickly; everything logged. */
const TICK = { consecutive_failures_threshold: 1, verify_delay: 0.2, log_level: 'debug' };

/** The person at the keyboard, as the audit log and the events name them. */
const ALICE = { USER: 'alice', LOGNAME: 'alice', SUDO_USER: undefined };

/** Secrets the config refers to as `${NAME}`: only the environment holds them. */
function secrets(): { HOOK_PATH: string; HOOK_TOKEN: string } {
  return { HOOK_PATH: `path-${randomUUID()}`, HOOK_TOKEN: `token-${randomUUID()}` };
}

/** A webhook channel to 127.0.0.1:port whose path and bearer token come from the environment; one attempt per tick. */
function webhookChannel(port: number): Record<string, unknown> {
  return {
    type: 'webhook',
    url: `http://127.0.0.1:${port}/hook/\${HOOK_PATH}`,
    headers: { Authorization: 'Bearer ${HOOK_TOKEN}' },
    retries: 0,
    timeout_seconds: 2,
  };
}

function emailChannel(port: number, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'email',
    host: '127.0.0.1',
    port,
    tls: 'none',
    from: 'watchdog@device.test',
    to: ['ops@example.test'],
    retries: 0,
    timeout_seconds: 5,
    ...fields,
  };
}

function assertQuiet(result: RunResult, what: string): void {
  assert.deepEqual(
    result,
    { code: 0, stdout: '', stderr: '' },
    `${what}: a tick that did its job prints nothing and exits 0`,
  );
}

function bodiesOf(requests: readonly ReceivedRequest[]): Delivered[] {
  return requests.map((request) => JSON.parse(request.body) as Delivered);
}

function watchdogLog(dir: string): string {
  return readFileSync(join(dir, 'logs', 'watchdog.log'), 'utf8');
}

describe('webhook notifications (a real HTTP server on 127.0.0.1)', () => {
  it('POSTs recovery_started then recovery_succeeded of a real recovery, with the token, and never logs the secrets', async () => {
    const dir = makeTempDir();
    const dbPath = join(dir, 'watchdog.db');
    const env = secrets();
    const hook = await startHttpRecorder();
    writeConfig(dir, { app: APP }, { ...TICK, notify: { channels: { hook: webhookChannel(hook.port) } } });

    const result = await runWatchdog(['check'], { cwd: dir, env });
    const [startedPid] = killStartedAppsOnCleanup(dbPath);
    assertQuiet(result, 'the recovering tick');

    const [recovery, ...moreRecoveries] = recoveriesIn(dbPath);
    assert.ok(recovery, 'a recovery was recorded');
    assert.equal(moreRecoveries.length, 0, 'one recovery');
    assert.equal(recovery.outcome, 'succeeded', JSON.stringify(recovery));
    assert.ok(
      typeof startedPid === 'number' && startedPid === recovery.started_pid,
      `the start left a sleep running: ${String(startedPid)}`,
    );

    assert.equal(hook.requests.length, 2, `two POSTs: ${JSON.stringify(hook.requests)}`);
    for (const request of hook.requests) {
      assert.deepEqual(
        {
          method: request.method,
          url: request.url,
          type: request.headers['content-type'],
          authorization: request.headers.authorization,
        },
        {
          method: 'POST',
          url: `/hook/${env.HOOK_PATH}`,
          type: 'application/json',
          authorization: `Bearer ${env.HOOK_TOKEN}`,
        },
      );
    }
    const rows = notificationsIn(dbPath);
    assert.deepEqual(
      rows.map((row) => [row.channel, row.event, row.subject, row.state, row.attempts, row.last_error]),
      [
        ['hook', 'recovery_started', 'app', 'delivered', 1, null],
        ['hook', 'recovery_succeeded', 'app', 'delivered', 1, null],
      ],
    );

    const [started, succeeded] = bodiesOf(hook.requests);
    const common = {
      version: 1,
      host: hostname(),
      process_key: 'app',
      display_name: 'The app app',
      interface: null,
      zone: null,
    };
    assert.deepEqual(
      { ...started, summary: undefined, details: undefined },
      {
        ...common,
        event: 'recovery_started',
        time: recovery.started_at,
        notification_id: rows[0]?.id,
        summary: undefined,
        details: undefined,
      },
    );
    const incident = started?.details.incident_id;
    assert.match(String(incident), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(started?.details, {
      recovery_id: recovery.id,
      kind: 'recovery',
      requested_by: 'cron',
      trigger: 'no_heartbeat',
      reason: 'no heartbeat file',
      actions: 'kill → start',
      incident_id: incident,
    });
    assert.match(
      started?.summary ?? '',
      new RegExp(`^app: recovery #${recovery.id} started: no_heartbeat \\(no heartbeat file\\)$`),
    );
    assert.deepEqual(
      { ...succeeded, summary: undefined, details: undefined },
      {
        ...common,
        event: 'recovery_succeeded',
        time: rows[1]?.created_at,
        notification_id: rows[1]?.id,
        summary: undefined,
        details: undefined,
      },
    );
    assert.equal(succeeded?.details.recovery_id, recovery.id);
    assert.equal(succeeded?.details.incident_id, incident, 'one incident: the same id');
    assert.equal(succeeded?.details.started_pid, startedPid);
    assert.ok(
      Date.parse(succeeded?.time ?? '') >= Date.parse(started?.time ?? ''),
      `the recovery ends after it starts: ${started?.time} → ${succeeded?.time}`,
    );

    const log = watchdogLog(dir);
    assert.match(log, /notify: hook: sent recovery_started of \S+ \(app\): HTTP 200/);
    assert.ok(!log.includes(env.HOOK_TOKEN), 'the log never holds the bearer token');
    assert.ok(!log.includes(env.HOOK_PATH), 'the log never holds the URL’s secret path');
  });

  it('keeps the secrets the config refers to from the apps, scripts and notification-free commands it starts', async () => {
    const dir = makeTempDir();
    const dbPath = join(dir, 'watchdog.db');
    const env = { ...secrets(), UNRELATED_SETTING: 'kept' };
    const hook = await startHttpRecorder();
    const app: ProcessEntry = {
      ...APP,
      commands: { start: 'env > start.env; exec sleep 300', note: 'env > cleanup.env' },
      recovery_actions: ['kill', 'note', 'start'],
      cleanup_args: [],
    };
    writeConfig(dir, { app }, { ...TICK, notify: { channels: { hook: webhookChannel(hook.port) } } });

    const result = await runWatchdog(['check'], { cwd: dir, env });
    killStartedAppsOnCleanup(dbPath);
    assertQuiet(result, 'the recovering tick');
    assert.equal(hook.requests.length, 2, 'the webhook still had its secrets');
    for (const file of ['start.env', 'cleanup.env']) {
      const seen = readFileSync(join(dir, file), 'utf8');
      assert.ok(!seen.includes(env.HOOK_TOKEN) && !seen.includes(env.HOOK_PATH), `${file} holds no secret`);
      assert.ok(!/^HOOK_(TOKEN|PATH)=/m.test(seen), `${file} does not even name them`);
      assert.match(seen, /^UNRELATED_SETTING=kept$/m, `${file}: the rest of the environment is passed on`);
    }
  });

  it('keeps events raised while the receiver is down, in order, and delivers them with their original time once it is up', async () => {
    const dir = makeTempDir();
    const dbPath = join(dir, 'watchdog.db');
    const env = { ...secrets(), ...ALICE };
    const port = await freePort();
    writeConfig(dir, { app: APP }, { ...TICK, notify: { channels: { hook: webhookChannel(port) } } });

    // Nothing listens on the port: every attempt is refused.
    const off = await runWatchdog(['off', 'app'], { cwd: dir, env });
    assert.equal(off.code, 0, `a notification that cannot go out does not fail the command; stderr: ${off.stderr}`);
    assert.equal(off.stderr, '');
    assert.match(off.stdout, /^app: off: /m);
    const on = await runWatchdog(['on', 'app'], { cwd: dir, env });
    killStartedAppsOnCleanup(dbPath);
    assert.equal(on.code, 0, on.stderr);
    assert.equal(on.stderr, '');
    assert.match(on.stdout, /^app: start #\d+ succeeded \(started PID \d+\)$/m);
    assertQuiet(await runWatchdog(['check'], { cwd: dir, env }), 'a cron tick while the receiver is down');

    const waiting = notificationsIn(dbPath);
    assert.deepEqual(
      waiting.map((row) => [row.event, row.state]),
      [
        ['process_off', 'pending'],
        ['process_on', 'pending'],
      ],
    );
    const [head, behind] = waiting;
    assert.equal(head?.attempts, 3, 'the oldest was tried once by off, on and the tick');
    assert.match(head?.last_error ?? '', /ECONNREFUSED/);
    assert.ok(head?.last_attempt_at !== null, 'the last attempt is recorded');
    // A channel whose oldest notification cannot go out waits: nothing behind it overtakes it.
    assert.equal(behind?.attempts, 0, 'the newer one waits behind the oldest, never sent out of order');

    const status = await runWatchdog(['status'], { cwd: dir, env });
    assert.equal(status.code, 0, status.stderr);
    assert.match(
      status.stdout,
      new RegExp(
        `^notify hook: 2 notifications waiting since ${head?.created_at.replace(/[.+]/g, '\\$&')} \\(ECONNREFUSED[^)]*\\); none delivered yet$`,
        'm',
      ),
    );
    const statusJson = JSON.parse((await runWatchdog(['status', '--json'], { cwd: dir, env })).stdout) as {
      notifications: unknown;
    };
    assert.deepEqual(statusJson.notifications, [
      {
        channel: 'hook',
        pending: 2,
        oldest_pending_at: head?.created_at,
        last_error: head?.last_error,
        last_delivered_at: null,
        delivered: 0,
        failed: 0,
        dropped: 0,
        last_refusal: null,
      },
    ]);

    const upAt = Date.now();
    const hook = await startHttpRecorder({ port });
    assertQuiet(await runWatchdog(['check'], { cwd: dir, env }), 'the tick once the receiver is up');

    const bodies = bodiesOf(hook.requests);
    assert.deepEqual(
      bodies.map((body) => [body.event, body.notification_id, body.time]),
      waiting.map((row) => [row.event, row.id, row.created_at]),
      'both arrive, oldest first, each with the time it happened',
    );
    for (const body of bodies) {
      assert.ok(
        Date.parse(body.time) < upAt,
        `${body.event} keeps its own time (${body.time}), from before the receiver was up`,
      );
      assert.equal(body.details.requested_by, 'alice');
    }
    assert.deepEqual(
      notificationsIn(dbPath).map((row) => [
        row.event,
        row.state,
        row.attempts,
        row.last_error,
        row.delivered_at !== null,
      ]),
      [
        ['process_off', 'delivered', 4, null, true],
        ['process_on', 'delivered', 1, null, true],
      ],
    );
    const log = watchdogLog(dir);
    assert.match(log, /notify: hook: cannot send process_off of \S+ \(app\) yet .*ECONNREFUSED/);
    assert.ok(!log.includes(env.HOOK_TOKEN) && !log.includes(env.HOOK_PATH), 'no failure message holds a secret');
  });
});

describe('notifications that cannot go out yet, and a dry run (a real HTTP server on 127.0.0.1)', () => {
  it('keeps a notification whose secrets are not in the environment queued, sends nothing, and sends it once they are', async () => {
    const dir = makeTempDir();
    const dbPath = join(dir, 'watchdog.db');
    const env = secrets();
    const hook = await startHttpRecorder();
    writeConfig(dir, { app: APP }, { ...TICK, notify: { channels: { hook: webhookChannel(hook.port) } } });

    // As under cron, whose environment is not the shell's.
    const off = await runWatchdog(['off', 'app'], {
      cwd: dir,
      env: { ...ALICE, HOOK_PATH: undefined, HOOK_TOKEN: undefined },
    });
    assert.equal(off.code, 0, off.stderr);
    assert.match(
      off.stderr,
      /^config warning: notify\.channels\.hook\.headers\.Authorization: refers to \$\{HOOK_TOKEN\}, which is not set/m,
    );
    assert.equal(hook.requests.length, 0, 'nothing is sent with a blank path or token');
    const [waiting] = notificationsIn(dbPath);
    assert.deepEqual([waiting?.event, waiting?.state, waiting?.attempts], ['process_off', 'pending', 1]);
    assert.equal(waiting?.last_error, 'environment variables HOOK_PATH, HOOK_TOKEN not set (referenced in the config)');

    assertQuiet(await runWatchdog(['check'], { cwd: dir, env }), 'a tick that can see them');
    assert.deepEqual(
      hook.requests.map((request) => [
        request.url,
        request.headers.authorization,
        (JSON.parse(request.body) as Delivered).notification_id,
      ]),
      [[`/hook/${env.HOOK_PATH}`, `Bearer ${env.HOOK_TOKEN}`, waiting?.id]],
    );
    assert.equal(notificationsIn(dbPath)[0]?.state, 'delivered');
  });

  it('check --dry-run of a due recovery queues nothing, sends nothing and pings nothing', async () => {
    const dir = makeTempDir();
    const env = secrets();
    const hook = await startHttpRecorder();
    writeConfig(
      dir,
      { app: APP },
      {
        ...TICK,
        notify: { channels: { hook: webhookChannel(hook.port) } },
        ping_url: `http://127.0.0.1:${hook.port}/ping`,
      },
    );

    const dryRun = await runWatchdog(['check', '--dry-run'], { cwd: dir, env });
    assert.equal(dryRun.code, 0, dryRun.stderr);
    assert.match(dryRun.stdout, /^app: no_heartbeat \(.*\), failure 1\/1, recovery due → would run its recovery:$/m);
    assert.equal(hook.requests.length, 0, 'no webhook, no ping');

    const tick = await runWatchdog(['check'], { cwd: dir, env });
    killStartedAppsOnCleanup(join(dir, 'watchdog.db'));
    assertQuiet(tick, 'the real tick after it');
    assert.deepEqual(
      hook.requests.map((request) => [request.method, request.url.startsWith('/hook/') ? '/hook/…' : request.url]),
      [
        ['POST', '/hook/…'],
        ['POST', '/hook/…'],
        ['GET', '/ping'],
      ],
      'the real tick notifies, then pings',
    );
  });
});

describe('repeat_after_seconds (a real HTTP server on 127.0.0.1; the watchdog inside a PID namespace, since `off` kills)', () => {
  // A repeat is the same event with nothing that changed the story in between (REPEAT_RESET_BY):
  // off → on → off within the hour is three messages, and the receiver's last word is "off".
  it('tells off → on → off within the hour in full: the receiver’s last word is that the app is off', async () => {
    const hook = await startHttpRecorder();
    const env = { ...secrets(), ...ALICE };
    const { dbPath, watchdog } = await startScenario(
      { commands: { start: 'exec sleep 300' }, recovery_actions: ['kill', 'start'], start_grace_seconds: 3600 },
      { notify: { channels: { hook: webhookChannel(hook.port) } } },
    );

    for (const command of ['off', 'on', 'off']) {
      const result = await watchdog([command, 'app'], env);
      assert.equal(result.code, 0, `${command}: ${result.stderr}`);
    }

    assert.deepEqual(
      recoveriesIn(dbPath).map((recovery) => [recovery.kind, recovery.outcome]),
      [
        ['stop', 'succeeded'],
        ['start', 'succeeded'],
        ['stop', 'succeeded'],
      ],
      'off, on (which started the app) and off all ran',
    );
    assert.deepEqual(
      bodiesOf(hook.requests).map((body) => body.event),
      ['process_off', 'process_on', 'process_off'],
      `every change of state is told; queued: ${JSON.stringify(notificationsIn(dbPath).map((row) => [row.event, row.state]))}`,
    );
  });
});

describe('repeat_after_seconds of a channel told of only some events (a command channel)', () => {
  // The README's own `"sms": {"events": ["gave_up"]}`: a person's `on`, `reset` or `restart`
  // between two `gave_up`s changed the story, though sms is told of none of them (and
  // `reset` and `restart` raise no event at all). The gave_up message names `on` and `reset`.
  const exits = { on: 1, reset: 0, restart: 1 } as const;
  for (const command of ['on', 'reset', 'restart'] as const) {
    it(`texts a second gave_up within the hour after a person ran \`${command}\``, async () => {
      const dir = makeTempDir();
      const dbPath = join(dir, 'watchdog.db');
      writeConfig(
        dir,
        // A start that fails: nothing is ever started, so nothing is killed.
        { app: { heartbeat_path: 'hb/app.json', commands: { start: 'exit 1' }, recovery_actions: ['start'] } },
        {
          ...TICK,
          max_recoveries: 1,
          recovery_backoff_seconds: 0,
          notify: {
            repeat_after_seconds: 3600,
            channels: { sms: { type: 'command', command: 'cat >> sms.log', events: ['gave_up'], retries: 0 } },
          },
        },
      );
      const run = async (args: string[]): Promise<RunResult> => runWatchdog(args, { cwd: dir, env: ALICE });

      // A failed recovery, then the guard gives up.
      await run(['check']);
      await run(['check']);
      const resumed = await run([command, 'app']);
      assert.equal(
        resumed.code,
        exits[command],
        `${command} resumes recoveries (a start fails): ${JSON.stringify(resumed)}`,
      );
      // Counted from the command: a failed recovery, then the guard gives up again.
      await run(['check']);
      await run(['check']);

      const texts = readFileSync(join(dir, 'sms.log'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Delivered);
      assert.deepEqual(
        texts.map((text) => [text.event, text.process_key]),
        [
          ['gave_up', 'app'],
          ['gave_up', 'app'],
        ],
        `both gave_ups are texted; queued: ${JSON.stringify(notificationsIn(dbPath).map((row) => [row.event, row.state]))}\n${watchdogLog(dir)}`,
      );
      assert.deepEqual(
        notificationsIn(dbPath).map((row) => [row.channel, row.event, row.state]),
        [
          ['sms', 'gave_up', 'delivered'],
          ['sms', 'gave_up', 'delivered'],
        ],
        `the \`${command}\` was queued nowhere: sms is told of gave_up alone`,
      );
    });
  }
});

describe('email notifications (a real SMTP server on 127.0.0.1)', () => {
  it('sends `watchdog off` as an email: the envelope, the [watchdog] subject with the summary, the event JSON in the body, the login', async () => {
    const dir = makeTempDir();
    const dbPath = join(dir, 'watchdog.db');
    const password = `pw-${randomUUID()}`;
    const smtp = await startSmtpRecorder({ login: { user: 'watchdog', password } });
    writeConfig(
      dir,
      { app: APP },
      {
        ...TICK,
        notify: { channels: { mail: emailChannel(smtp.port, { user: 'watchdog', password: '${SMTP_PASSWORD}' }) } },
      },
    );

    const off = await runWatchdog(['off', 'app'], { cwd: dir, env: { ...ALICE, SMTP_PASSWORD: password } });
    assert.equal(off.code, 0, off.stderr);
    assert.equal(off.stderr, '');

    const [row, ...moreRows] = notificationsIn(dbPath);
    assert.equal(moreRows.length, 0, 'one notification');
    assert.deepEqual([row?.event, row?.state, row?.attempts, row?.last_error], ['process_off', 'delivered', 1, null]);
    assert.equal(smtp.mails.length, 1, `one email: ${JSON.stringify(smtp.mails.map((mail) => mail.raw))}`);
    const [mail] = smtp.mails;
    assert.deepEqual(
      { from: mail?.from, to: mail?.to, user: mail?.user, secure: mail?.secure },
      { from: 'watchdog@device.test', to: ['ops@example.test'], user: 'watchdog', secure: false },
    );
    assert.deepEqual(smtp.logins, [`watchdog:${password}`], 'logged in once, with the password from the environment');

    const [, json] = (mail?.text ?? '').split('\n-- the event as JSON:\n');
    const event = JSON.parse(json ?? 'null') as Delivered;
    assert.deepEqual(event, { ...(JSON.parse(row?.payload ?? '{}') as EventPayload), notification_id: row?.id });
    assert.deepEqual(
      [event.event, event.process_key, event.version, event.host],
      ['process_off', 'app', 1, hostname()],
    );
    assert.match(event.summary, /^app: turned off by alice \(off\): off: /);
    const subject = mail?.headers.get('subject') ?? '';
    assert.ok(subject.startsWith('[watchdog] '), `the subject starts with the prefix: ${subject}`);
    assert.ok(subject.includes(event.summary), `the subject holds the summary: ${subject}`);
    assert.ok(mail?.text.startsWith(`${event.summary}\n`), `the body starts with the summary: ${mail?.text}`);
    assert.match(mail?.text ?? '', /^event: process_off$/m);
    assert.ok(!watchdogLog(dir).includes(password), 'the log never holds the SMTP password');
  });

  it('marks a notification whose recipient the server refuses (550) failed, and never tries it again', async () => {
    const dir = makeTempDir();
    const dbPath = join(dir, 'watchdog.db');
    const smtp = await startSmtpRecorder({ refuse: ['ops@example.test'] });
    const textfile = join(dir, 'watchdog.prom');
    writeConfig(
      dir,
      { app: APP },
      { ...TICK, metrics: { textfile_path: textfile }, notify: { channels: { mail: emailChannel(smtp.port) } } },
    );

    const off = await runWatchdog(['off', 'app'], { cwd: dir, env: ALICE });
    assert.equal(off.code, 0, `a refused notification does not fail the command; stderr: ${off.stderr}`);
    assert.equal(off.stderr, '');
    const [refused] = notificationsIn(dbPath);
    assert.deepEqual([refused?.event, refused?.state, refused?.attempts], ['process_off', 'failed', 1]);
    assert.match(refused?.last_error ?? '', /550/);
    assert.deepEqual(smtp.recipients, ['ops@example.test']);
    assert.deepEqual(smtp.mails, [], 'nothing was accepted');

    assertQuiet(await runWatchdog(['check'], { cwd: dir, env: ALICE }), 'the next cron tick');
    assert.deepEqual(smtp.recipients, ['ops@example.test'], 'not tried again');
    assert.deepEqual(
      notificationsIn(dbPath).map((row) => [row.state, row.attempts]),
      [['failed', 1]],
    );
    assert.match(watchdogLog(dir), /notify: mail: process_off of \S+ \(app\) refused, not retried: .*550/);

    // Not silent: counted in the metrics, and `status` tells the refusal.
    const metrics = readFileSync(textfile, 'utf8');
    for (const [outcome, value] of [
      ['delivered', 0],
      ['failed', 1],
      ['dropped', 0],
    ] as const)
      assert.match(
        metrics,
        new RegExp(`^watchdog_notifications_total\\{channel="mail",outcome="${outcome}"\\} ${value}$`, 'm'),
      );
    assert.doesNotMatch(metrics, /watchdog_notification_last_delivery_timestamp_seconds/, 'none delivered yet');
    const status = await runWatchdog(['status'], { cwd: dir });
    const refusedAt = notificationsIn(dbPath)[0]?.last_attempt_at ?? '?';
    assert.match(status.stdout, /^notify mail: nothing waiting; none delivered yet; 1 refused in all$/m);
    const refusalLine = status.stdout.split('\n').find((line) => line.startsWith('notify mail: last refused'));
    assert.equal(
      refusalLine?.slice(0, `notify mail: last refused ${refusedAt}: process_off of app (raised `.length),
      `notify mail: last refused ${refusedAt}: process_off of app (raised `,
      status.stdout,
    );
    assert.match(refusalLine ?? '', /\): .*550/);
    const json = JSON.parse((await runWatchdog(['status', '--json'], { cwd: dir })).stdout) as {
      notifications: {
        failed: number;
        dropped: number;
        last_refusal: { event: string; subject: string; error: string };
      }[];
    };
    const [mail] = json.notifications;
    assert.deepEqual(
      [mail?.failed, mail?.dropped, mail?.last_refusal.event, mail?.last_refusal.subject],
      [1, 0, 'process_off', 'app'],
    );
    assert.match(mail?.last_refusal.error ?? '', /550/);
  });
});

describe('a refusal kept in the journal (the database write-locked; a real HTTP server on 127.0.0.1)', () => {
  it('shows in status as the metrics of the same tick count it', async () => {
    const hook = await startHttpRecorder({ status: 401 });
    try {
      const dir = makeTempDir();
      const textfile = join(dir, 'watchdog.prom');
      writeConfig(
        dir,
        { app: { heartbeat_path: 'hb/app.json', commands: { start: 'exit 1' }, recovery_actions: ['start'] } },
        {
          ...TICK,
          metrics: { textfile_path: textfile },
          notify: {
            channels: {
              ops: { type: 'webhook', url: `http://127.0.0.1:${hook.port}/hook`, retries: 0, timeout_seconds: 2 },
            },
          },
        },
      );
      const dbPath = join(dir, 'watchdog.db');
      openStore(dbPath).close(); // the database, migrated
      const holder = new Database(dbPath);
      holder.exec('BEGIN IMMEDIATE');
      let tick: RunResult;
      let json: RunResult;
      let text: RunResult;
      try {
        tick = await runWatchdog(['check'], { cwd: dir, env: ALICE });
        json = await runWatchdog(['status', '--json'], { cwd: dir, env: ALICE });
        text = await runWatchdog(['status'], { cwd: dir, env: ALICE });
      } finally {
        holder.exec('ROLLBACK');
        holder.close();
      }
      const refused = hook.requests.length;
      assert.ok(refused >= 2, `recovery_started and recovery_failed were refused: ${JSON.stringify(tick)}`);
      assert.deepEqual(notificationsIn(dbPath), [], 'the database took nothing: the rows are in the journal');
      assert.match(
        readFileSync(textfile, 'utf8'),
        new RegExp(`^watchdog_notifications_total\\{channel="ops",outcome="failed"\\} ${refused}$`, 'm'),
      );
      const [ops] = (
        JSON.parse(json.stdout) as {
          notifications: { channel: string; failed: number; last_refusal: { event: string; error: string } | null }[];
        }
      ).notifications;
      assert.deepEqual([ops?.channel, ops?.failed, ops?.last_refusal?.event], ['ops', refused, 'recovery_failed']);
      assert.match(ops?.last_refusal?.error ?? '', /401/);
      assert.match(
        text.stdout,
        new RegExp(`^notify ops: nothing waiting; none delivered yet; ${refused} refused in all$`, 'm'),
      );
      assert.match(text.stdout, /^notify ops: last refused .*: recovery_failed of app /m);
    } finally {
      await hook.close();
    }
  });
});

describe('ping_url (a real HTTP server on 127.0.0.1)', () => {
  /** An app that cannot start: the second failed check recovers it, and that recovery fails. */
  const BROKEN: ProcessEntry = {
    heartbeat_path: 'hb/app.json',
    commands: { start: 'echo cannot start >&2; exit 1' },
    recovery_actions: ['kill', 'start'],
  };

  it('GETs ping_url after a tick without failure and ping_url/fail after a tick whose recovery failed', async () => {
    const dir = makeTempDir();
    const secret = `ping-${randomUUID()}`;
    const monitor = await startHttpRecorder();
    const ping = { ping_url: `http://127.0.0.1:${monitor.port}/ping/\${PING_SECRET}`, ping_timeout_seconds: 5 };
    writeConfig(dir, { app: BROKEN }, { ...TICK, ...ping, consecutive_failures_threshold: 2 });
    const env = { PING_SECRET: secret };

    assertQuiet(await runWatchdog(['check'], { cwd: dir, env }), 'a first failed check, below the threshold');
    assert.deepEqual(
      monitor.requests.map((request) => [request.method, request.url, request.body]),
      [['GET', `/ping/${secret}`, '']],
    );

    const failing = await runWatchdog(['check'], { cwd: dir, env });
    assert.equal(failing.code, 1, `a failed recovery is exit 1; stderr: ${failing.stderr}`);
    assert.match(failing.stderr, /^watchdog: app: recovery #1 failed: start failed/m);
    assert.deepEqual(
      monitor.requests.map((request) => [request.method, request.url]),
      [
        ['GET', `/ping/${secret}`],
        ['GET', `/ping/${secret}/fail`],
      ],
    );
    assert.equal(monitor.requests[1]?.headers['user-agent'], 'watchdog');
    assert.ok(!watchdogLog(dir).includes(secret), 'the log never holds the ping URL’s secret');
  });

  it('a monitoring service that answers 503 is a warning in the log, never a failure of the tick', async () => {
    const dir = makeTempDir();
    const secret = `ping-${randomUUID()}`;
    const monitor = await startHttpRecorder({ status: 503 });
    writeConfig(
      dir,
      { app: { ...BROKEN, enabled: false } },
      { ...TICK, ping_url: `http://127.0.0.1:${monitor.port}/ping/\${PING_SECRET}` },
    );

    assertQuiet(
      await runWatchdog(['check'], { cwd: dir, env: { PING_SECRET: secret } }),
      'a tick whose ping is refused',
    );
    assert.deepEqual(
      monitor.requests.map((request) => request.url),
      [`/ping/${secret}`],
    );
    const log = watchdogLog(dir);
    assert.match(log, /warn +ping_url: the monitoring service did not take it: HTTP 503/);
    assert.ok(!log.includes(secret), 'the log never holds the ping URL’s secret');
  });
});
