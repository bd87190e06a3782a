#!/usr/bin/env node
// @ts-check
// Screenshots of Prometheus's graph page with the watchdog's metrics, for docs/dashboard.md.
// Not part of `npm test`: run it by hand, as root, after `npm run build`, when the metrics or
// the pictures should change:
//
//   node scripts/screenshot-prometheus.mjs [--seconds 150] [--out docs/images]
//
// It runs the built watchdog (a `check` every 2 s, as cron would every minute) against a
// config in a fresh temporary folder with three demo apps: `worker` stays healthy, `web`
// crashes 20 s after each start (recovered three times, then the crash-loop guard gives up),
// `sensor` hangs 40 s after each start (recovered each time). Debian's
// prometheus-node-exporter serves the textfile and Debian's prometheus scrapes it every
// second, both on 127.0.0.1 only, with their data in the temporary folder. Then headless
// Chromium (Debian's `chromium`) opens the classic graph page and writes a PNG for each graph.
//
// Safety: nothing listens beyond 127.0.0.1, and Chromium runs with its background
// networking, updates and sync off, so no packet leaves loopback. The watchdog and the apps
// it starts run in a PID namespace of their own (`unshare --pid --kill-child`), so every app
// ends when the demo does; every other process this script starts is stopped before it
// exits, and the temporary folder is removed.
import { spawn, spawnSync } from 'node:child_process';
import { get } from 'node:http';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, URLSearchParams } from 'node:url';
import { parseArgs } from 'node:util';

const REPOSITORY = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WATCHDOG = join(REPOSITORY, 'dist', 'cli', 'bin.js');
const DEMO_APP = join(REPOSITORY, 'heartbeat-writer', 'examples', 'demo-app.mjs');
const TICK_MS = 2000;
const READY_MS = 15_000;
const CHROMIUM_TIMEOUT_MS = 60_000;
/** The device's name in the pictures, instead of node_exporter's 127.0.0.1:PORT. */
const INSTANCE = 'gateway-01';

/** The graphs: file name, expression, and what the picture is for. */
const GRAPHS = [
  { file: 'prometheus-process-up.png', expr: 'watchdog_process_up' },
  { file: 'prometheus-recoveries.png', expr: 'watchdog_recoveries_total{kind="recovery"}' },
  { file: 'prometheus-heartbeat-age.png', expr: 'watchdog_process_heartbeat_age_seconds' },
];

/** @param {string} message */
function fail(message) {
  console.error(`screenshot-prometheus: ${message}`);
  process.exit(1);
}

/** @param {string} name */
function findCommand(name) {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/** A TCP port on 127.0.0.1 that nothing listens on now. */
async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * The demo's config: three apps, each its own `demo-app.mjs`, the textfile in `promDir`.
 * @param {string} dir
 */
function writeDemoConfig(dir) {
  const app = (/** @type {string} */ key, /** @type {string} */ flags) => ({
    display_name: `Demo ${key}`,
    timeout_seconds: 6,
    heartbeat_path: `hb/${key}.json`,
    enabled: true,
    start_grace_seconds: 5,
    commands: { start: `exec node ${DEMO_APP} --heartbeat-dir hb --key ${key} --interval-ms 1000 ${flags}` },
    recovery_actions: ['kill', 'start'],
  });
  const config = {
    log_level: 'warn',
    db_path: 'state/watchdog.db',
    lock_path: 'state/watchdog.lock',
    log_dir: 'state/log',
    consecutive_failures_threshold: 2,
    kill_timeout: 3,
    verify_delay: 1,
    max_recoveries: 3,
    recovery_backoff_seconds: 1,
    metrics: { textfile_path: join(dir, 'prom', 'watchdog.prom') },
    processes: {
      // An upper bound on every app's life, should one outlive the namespace's end.
      worker: app('worker', '--exit-after 900'),
      web: app('web', '--exit-after 20'),
      sensor: { ...app('sensor', '--hang-after 40'), max_recoveries: 10 },
    },
  };
  for (const folder of ['hb', 'prom', 'state', 'run']) mkdirSync(join(dir, folder), { mode: 0o755 });
  const path = join(dir, 'config.json');
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

/**
 * Inside the PID namespace: start every app, tick for `seconds`.
 * @param {string} config @param {number} seconds
 */
async function runDemo(config, seconds) {
  const watchdog = (/** @type {string[]} */ args) => {
    const run = spawnSync(process.execPath, [WATCHDOG, ...args, '-c', config], {
      encoding: 'utf8',
      cwd: dirname(config),
      // Its waiting checks in the temporary folder, not in the machine's /run.
      env: { ...process.env, WATCHDOG_RUNTIME_DIR: join(dirname(config), 'run') },
    });
    if (run.status !== 0 && run.status !== 1)
      console.error(`watchdog ${args.join(' ')}: exit ${run.status}\n${run.stderr}`);
  };
  watchdog(['start-all']);
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    const started = Date.now();
    watchdog(['check']);
    await sleep(Math.max(0, TICK_MS - (Date.now() - started)));
  }
  // No stop-all: the apps end with the namespace, and the pictures show them as they ran.
}

/**
 * Starts `command` in a process group of its own, output to `log`; returns how to stop it.
 * @param {string} command @param {string[]} args @param {string} log
 */
function startOwned(command, args, log) {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'ignore'], detached: true });
  writeFileSync(log, '');
  const exited = once(child, 'exit');
  return {
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      process.kill(-child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Whether `url` answers 200 now.
 * @param {string} url
 * @returns {Promise<boolean>}
 */
function answers(url) {
  return new Promise((resolveAnswer) => {
    get(url, (response) => {
      response.resume();
      resolveAnswer(response.statusCode === 200);
    }).on('error', () => resolveAnswer(false));
  });
}

/**
 * Waits until `url` answers 200.
 * @param {string} url @param {string} what
 */
async function waitFor(url, what) {
  const until = Date.now() + READY_MS;
  while (Date.now() < until) {
    if (await answers(url)) return;
    await sleep(200);
  }
  throw new Error(`${what} did not answer at ${url}`);
}

/**
 * Headless Chromium's screenshot of `url`, with nothing reaching beyond loopback.
 * @param {string} chromium @param {string} profile @param {string} url @param {string} file
 */
async function screenshot(chromium, profile, url, file) {
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--disable-extensions',
    '--hide-scrollbars',
    `--user-data-dir=${profile}`,
    `--screenshot=${file}`,
    '--window-size=1400,900',
    // The classic graph page draws with JavaScript after its query returns.
    '--virtual-time-budget=10000',
    url,
  ];
  const child = spawn(chromium, args, { stdio: 'ignore', detached: true });
  const exited = once(child, 'exit');
  const timer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), CHROMIUM_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
  if (!existsSync(file)) throw new Error(`chromium wrote no ${file} (exit ${child.exitCode})`);
}

async function main() {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '150' },
      out: { type: 'string', default: join(REPOSITORY, 'docs', 'images') },
      'inside-namespace': { type: 'string' },
    },
  });
  const seconds = Number(values.seconds);
  if (!Number.isInteger(seconds) || seconds < 10) fail('--seconds must be an integer >= 10');
  if (values['inside-namespace'] !== undefined) {
    await runDemo(values['inside-namespace'], seconds);
    return;
  }
  if (!existsSync(WATCHDOG)) fail(`${WATCHDOG} is missing: run npm run build first`);
  if (process.geteuid?.() !== 0) fail('run it as root: the demo runs in a PID namespace of its own');
  /** @type {Record<string, string>} */
  const tools = {};
  for (const [name, pkg] of [
    ['prometheus', 'prometheus'],
    ['prometheus-node-exporter', 'prometheus-node-exporter'],
    ['chromium', 'chromium'],
    ['unshare', 'util-linux'],
  ]) {
    const found = findCommand(name);
    if (found === undefined) fail(`missing ${name}: apt-get install -y ${pkg}`);
    else tools[name] = found;
  }
  const out = resolve(values.out);
  mkdirSync(out, { recursive: true });

  const dir = mkdtempSync(join(tmpdir(), 'watchdog-screenshot-'));
  /** @type {(() => Promise<void>)[]} */
  const stops = [];
  try {
    const config = writeDemoConfig(dir);
    const exporterPort = await freePort();
    const exporter = startOwned(
      tools['prometheus-node-exporter'] ?? '',
      [
        `--web.listen-address=127.0.0.1:${exporterPort}`,
        '--collector.disable-defaults',
        '--collector.textfile',
        `--collector.textfile.directory=${join(dir, 'prom')}`,
      ],
      join(dir, 'node-exporter.log'),
    );
    stops.push(exporter.stop);
    await waitFor(`http://127.0.0.1:${exporterPort}/metrics`, 'node_exporter');

    const prometheusPort = await freePort();
    const prometheusConfig = join(dir, 'prometheus.yml');
    writeFileSync(
      prometheusConfig,
      JSON.stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        scrape_configs: [
          {
            job_name: 'node',
            static_configs: [{ targets: [`127.0.0.1:${exporterPort}`], labels: { instance: INSTANCE } }],
          },
        ],
      }),
    );
    const prometheus = startOwned(
      tools.prometheus ?? '',
      [
        `--config.file=${prometheusConfig}`,
        `--storage.tsdb.path=${join(dir, 'prometheus-data')}`,
        `--web.listen-address=127.0.0.1:${prometheusPort}`,
      ],
      join(dir, 'prometheus.log'),
    );
    stops.push(prometheus.stop);
    const base = `http://127.0.0.1:${prometheusPort}`;
    await waitFor(`${base}/-/ready`, 'prometheus');

    console.log(`screenshot-prometheus: the demo runs for ${seconds} s in ${dir}`);
    const demo = spawn(
      tools.unshare ?? '',
      [
        '--pid',
        '--fork',
        '--kill-child',
        '--mount-proc',
        process.execPath,
        fileURLToPath(import.meta.url),
        `--inside-namespace=${config}`,
        `--seconds=${seconds}`,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    const [code] = await once(demo, 'exit');
    if (code !== 0) throw new Error(`the demo exited ${code}`);
    // The last scrapes of the stopped apps.
    await sleep(3000);

    const profile = join(dir, 'chromium');
    const range = `${Math.ceil((seconds + 20) / 60)}m`;
    for (const graph of GRAPHS) {
      const query = new URLSearchParams({ 'g0.expr': graph.expr, 'g0.tab': '0', 'g0.range_input': range });
      const file = join(out, graph.file);
      await screenshot(tools.chromium ?? '', profile, `${base}/classic/graph?${query}`, file);
      console.log(`screenshot-prometheus: ${file} (${Math.round(statSync(file).size / 1024)} KB)`);
    }
  } finally {
    for (const stop of stops.reverse()) await stop();
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

await main();
