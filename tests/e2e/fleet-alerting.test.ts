// End-to-end test of the shipped alerting with the real engines from Debian's packages, all
// on 127.0.0.1: the built watchdog ticks (inside a PID namespace) and writes its textfile,
// node_exporter serves it, Prometheus scrapes it every second and evaluates
// deploy/prometheus/watchdog-rules.yml as shipped, and Alertmanager, with
// deploy/prometheus/alertmanager.yml (its receivers' URLs pointed at a webhook in this test,
// its group waits shortened), posts to that webhook. An app that gives up pages; `watchdog on`
// with a healthy app resolves the page. And the shipped inhibitions, by alerts posted to
// Alertmanager directly.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startHttpRecorder, type HttpRecorder } from '../helpers/loopback-http.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import {
  boundAddresses,
  startAlertmanager,
  startNodeExporter,
  startPrometheus,
  type Engine,
} from '../helpers/prometheus-stack.js';
import { demoAppCommand, outputLogText, startScenario, type Scenario } from '../helpers/watchdog-in-namespace.js';

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));
const RULES = join(REPOSITORY, 'deploy/prometheus/watchdog-rules.yml');
const ALERTMANAGER = join(REPOSITORY, 'deploy/prometheus/alertmanager.yml');
const PAGER_URL = 'https://pager.example.com/alertmanager/watchdog';
const CHAT_URL = 'https://chat.example.com/hooks/watchdog';
/** How long each step may take: ticks every ~0.5 s, scrapes and evaluations every 1 s, Prometheus' first scrape after ~5 s. */
const STEP_LIMIT_MS = 30_000;
const TICK_PAUSE_MS = 500;

/** One notification of Alertmanager's webhook, the parts this test reads. */
interface WebhookMessage {
  path: string;
  receiver: string;
  status: string;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
}

/**
 * The shipped Alertmanager config with its receivers' URLs pointed at `webhook`
 * (`/pager`, `/chat`) and `group_wait`, `group_interval` shortened to 1 s: all this test
 * changes, which `changedLines` checks.
 */
function alertmanagerForTest(shipped: string, webhook: HttpRecorder): string {
  const base = `http://127.0.0.1:${webhook.port}`;
  return shipped
    .replace(PAGER_URL, `${base}/pager`)
    .replace(CHAT_URL, `${base}/chat`)
    .replace(/^(\s*group_wait:) 30s$/m, '$1 1s')
    .replace(/^(\s*group_interval:) 5m$/m, '$1 1s');
}

/** The lines of `copy` that differ from `shipped`'s, each as `shipped → copy`; the two must have as many lines. */
function changedLines(shipped: string, copy: string): string[] {
  const before = shipped.split('\n');
  const after = copy.split('\n');
  assert.equal(after.length, before.length, 'the copy has the shipped file’s lines');
  return before.flatMap((line, index) =>
    line === after[index] ? [] : [`${line.trim()} → ${(after[index] ?? '').trim()}`],
  );
}

function messagesOf(webhook: HttpRecorder): WebhookMessage[] {
  return webhook.requests.map((request) => ({
    path: request.url,
    ...(JSON.parse(request.body) as Omit<WebhookMessage, 'path'>),
  }));
}

/** Runs cron's `watchdog check` again and again (one at a time) until stopped; keeps every result. */
function tickEvery(scenario: Scenario): { results: { code: number | null; stderr: string }[]; stop(): Promise<void> } {
  const results: { code: number | null; stderr: string }[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const result = await scenario.watchdog(['check']);
      results.push({ code: result.code, stderr: result.stderr });
      await sleep(TICK_PAUSE_MS);
    }
  })();
  return {
    results,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

async function waitUntil(condition: () => boolean, what: string, engines: readonly Engine[]): Promise<void> {
  const deadline = Date.now() + STEP_LIMIT_MS;
  while (!condition()) {
    if (Date.now() > deadline) {
      const logs = engines.map((engine) => `--- ${engine.name}:\n${engine.log().slice(-2000)}`).join('\n');
      throw new Error(`gave up waiting until ${what}\n${logs}`);
    }
    await sleep(100);
  }
}

describe('the shipped alerting, with node_exporter, Prometheus and Alertmanager on loopback', () => {
  it('pages when an app is given up on, and resolves the page once `watchdog on` brings it back healthy', async () => {
    // The app starts only once the file `healthy` exists; until then its start fails at once.
    // One failed check is due for recovery, one failed recovery in the window gives up.
    const scenario = await startScenario(
      { commands: { start: `test -e healthy && ${demoAppCommand()}` }, recovery_actions: ['kill', 'start'] },
      {
        consecutive_failures_threshold: 1,
        max_recoveries: 1,
        recovery_backoff_seconds: 0,
        metrics: { textfile_path: 'prom/watchdog.prom' },
      },
    );
    const promDir = join(scenario.dir, 'prom');
    mkdirSync(promDir, { mode: 0o755 });
    const webhook = await startHttpRecorder();
    const shippedAlertmanager = readFileSync(ALERTMANAGER, 'utf8');
    const alertmanagerConfig = alertmanagerForTest(shippedAlertmanager, webhook);
    assert.deepEqual(changedLines(shippedAlertmanager, alertmanagerConfig), [
      'group_wait: 30s → group_wait: 1s',
      'group_interval: 5m → group_interval: 1s',
      `- url: ${PAGER_URL} → - url: http://127.0.0.1:${webhook.port}/pager`,
      `- url: ${CHAT_URL} → - url: http://127.0.0.1:${webhook.port}/chat`,
    ]);

    const engineDir = join(scenario.dir, 'engines');
    mkdirSync(engineDir);
    const exporter = await startNodeExporter({ textfileDir: promDir });
    const alertmanager = await startAlertmanager({ dir: engineDir, config: alertmanagerConfig });
    const prometheus = await startPrometheus({
      dir: engineDir,
      targets: [exporter.address],
      ruleFiles: [RULES],
      alertmanagers: [alertmanager.address],
    });
    const engines = [exporter, prometheus, alertmanager];
    for (const engine of engines) {
      const bound = boundAddresses(engine.pid);
      assert.ok(bound.includes(engine.address), `${engine.name} listens on ${engine.address}: ${bound.join(', ')}`);
      assert.deepEqual(
        bound.filter((address) => !address.startsWith('127.')),
        [],
        `${engine.name} binds only loopback: ${bound.join(', ')}`,
      );
    }

    const ticks = tickEvery(scenario);
    try {
      const firing = (message: WebhookMessage): boolean => message.status === 'firing';
      await waitUntil(() => messagesOf(webhook).some(firing), 'the webhook received a firing alert', engines);
      // Prometheus has evaluated every shipped rule on real samples, each without an error.
      const rules = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as {
        data: { groups: { name: string; rules: { name: string; health: string; lastError?: string }[] }[] };
      };
      const evaluated = rules.data.groups.flatMap((group) => group.rules);
      assert.deepEqual(
        evaluated
          .filter((rule) => rule.health !== 'ok')
          .map((rule) => `${rule.name}: ${rule.health} ${rule.lastError}`),
        [],
      );
      assert.deepEqual(
        evaluated.map((rule) => rule.name).sort(),
        [...readFileSync(RULES, 'utf8').matchAll(/^\s+- alert: (\S+)$/gm)].map((match) => match[1]).sort(),
      );
      const paged = messagesOf(webhook).find(firing);
      assert.equal(paged?.path, '/pager', 'a critical alert goes to the pager receiver');
      assert.equal(paged.receiver, 'pager');
      assert.deepEqual(
        paged.alerts.map((alert) => ({ status: alert.status, labels: alert.labels })),
        [
          {
            status: 'firing',
            labels: {
              alertname: 'WatchdogAppGaveUp',
              severity: 'critical',
              instance: exporter.address,
              job: 'node',
              process: 'app',
              state: 'gave_up',
            },
          },
        ],
      );
      assert.equal(
        paged.alerts[0]?.annotations.summary,
        `The watchdog gave up on app on ${exporter.address}`,
        'the annotations are the shipped templates, filled in',
      );
      assert.ok(
        ticks.results.some((result) => result.code === 1 && /gave up|gave_up|giving up/i.test(result.stderr)),
        `a tick said it gave up: ${JSON.stringify(ticks.results)}`,
      );

      writeFileSync(join(scenario.dir, 'healthy'), '');
      const on = await scenario.watchdog(['on', 'app']);
      assert.equal(on.code, 0, `${on.stdout}${on.stderr}\napp output log:\n${outputLogText(scenario)}`);

      const resolved = (message: WebhookMessage): boolean => message.status === 'resolved';
      await waitUntil(() => messagesOf(webhook).some(resolved), 'the webhook received the resolution', engines);
      const closed = messagesOf(webhook).find(resolved);
      assert.equal(closed?.path, '/pager');
      assert.deepEqual(
        closed.alerts.map((alert) => ({ status: alert.status, alertname: alert.labels.alertname })),
        [{ status: 'resolved', alertname: 'WatchdogAppGaveUp' }],
      );
      // The failed recovery (its series' first value, on a device new to Prometheus) is news,
      // held back by the page until it resolved, then told in chat.
      const failing = (message: WebhookMessage): boolean =>
        message.alerts.some((alert) => alert.labels.alertname === 'WatchdogRecoveriesFailing');
      await waitUntil(
        () => messagesOf(webhook).some(failing),
        'the webhook received WatchdogRecoveriesFailing',
        engines,
      );
      const told = messagesOf(webhook).findIndex(failing);
      assert.equal(messagesOf(webhook)[told]?.path, '/chat');
      assert.ok(told > messagesOf(webhook).indexOf(closed), 'held back while the page was firing');
    } finally {
      await ticks.stop();
    }
    // Nothing else fired on the way: no down alert (its `for` is 5 minutes), no silent watchdog.
    assert.deepEqual(
      [
        ...new Set(messagesOf(webhook).flatMap((message) => message.alerts.map((alert) => alert.labels.alertname))),
      ].sort(),
      ['WatchdogAppGaveUp', 'WatchdogRecoveriesFailing'],
    );
  });

  it('holds back what the shipped inhibitions say: down apps of a silent or rebooted device, failed recoveries of an app given up on', async () => {
    const dir = makeTempDir();
    const webhook = await startHttpRecorder();
    const alertmanager = await startAlertmanager({
      dir,
      config: alertmanagerForTest(readFileSync(ALERTMANAGER, 'utf8'), webhook),
    });
    const alert = (alertname: string, severity: string, labels: Record<string, string>) => ({
      labels: { alertname, severity, job: 'node', ...labels },
      annotations: { summary: alertname },
      startsAt: new Date().toISOString(),
    });
    const posted = await fetch(`${alertmanager.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        alert('WatchdogSilent', 'critical', { instance: 'gw-1:9100' }),
        alert('WatchdogAppDown', 'warning', { instance: 'gw-1:9100', process: 'web' }),
        alert('WatchdogAppDown', 'warning', { instance: 'gw-2:9100', process: 'web' }),
        alert('WatchdogRebooted', 'info', { instance: 'gw-3:9100', interface: 'wwan0' }),
        alert('WatchdogAppDown', 'warning', { instance: 'gw-3:9100', process: 'web' }),
        alert('WatchdogAppGaveUp', 'critical', { instance: 'gw-4:9100', process: 'web', state: 'gave_up' }),
        alert('WatchdogRecoveriesFailing', 'warning', { instance: 'gw-4:9100', process: 'web' }),
        alert('WatchdogRecoveriesFailing', 'warning', { instance: 'gw-4:9100', process: 'db' }),
      ]),
    });
    assert.equal(posted.status, 200, await posted.text());

    const delivered = (): string[] =>
      messagesOf(webhook)
        .flatMap((message) =>
          message.alerts.map(
            (sent) => `${message.path} ${sent.labels.alertname} ${sent.labels.instance} ${sent.labels.process ?? ''}`,
          ),
        )
        .sort();
    const expected = [
      '/chat WatchdogAppDown gw-2:9100 web',
      '/chat WatchdogRecoveriesFailing gw-4:9100 db',
      '/pager WatchdogAppGaveUp gw-4:9100 web',
      '/pager WatchdogSilent gw-1:9100 ',
    ];
    await waitUntil(() => delivered().length >= expected.length, 'four alerts were delivered', [alertmanager]);
    // Three more group intervals: whatever was held back would have gone out by now.
    await sleep(3000);
    assert.deepEqual(delivered(), expected);
  });
});
