// The fleet's engines from Debian's packages, started for a test on 127.0.0.1 only:
// node_exporter (only its textfile collector), Prometheus and Alertmanager. Each gets a free
// loopback port, keeps its state in a folder of the test's, leads its own process group (so
// stopping it stops all it runs) and is stopped when the test file ends. No engine is given
// an address off loopback: Prometheus scrapes and alerts only the targets named here, and
// Alertmanager runs without its cluster (gossip) listener.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemErrorCode } from '../../src/errors.js';
import { onCleanup } from './cleanup.js';
import { requireOnPath } from './find-on-path.js';
import { freePort } from './free-port.js';

/** One running engine. */
export interface Engine {
  /** `node_exporter`, `prometheus` or `alertmanager`: what error messages call it. */
  name: string;
  /** `127.0.0.1:PORT`, as Prometheus names a target or an Alertmanager. */
  address: string;
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** The engine's PID, which leads its process group. */
  pid: number;
  /** The engine's own log (its standard error), the last 64 KiB: what a failure message shows. */
  log(): string;
  /** Stops the process group (SIGTERM, then SIGKILL after 5 s) and waits for the engine's exit. Idempotent. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 20_000;
const POLL_MS = 100;
const STOP_GRACE_MS = 5_000;
const LOG_LIMIT = 64 * 1024;

/**
 * node_exporter on a free loopback port, serving the `.prom` files of `textfileDir` and
 * nothing else of the machine (`--collector.disable-defaults --collector.textfile`).
 * Ready once `/metrics` answers.
 *
 * @example const exporter = await startNodeExporter({ textfileDir: promDir }); // exporter.url + '/metrics'
 */
export async function startNodeExporter({ textfileDir }: { textfileDir: string }): Promise<Engine> {
  const port = await freePort();
  return startEngine(
    'node_exporter',
    'prometheus-node-exporter',
    [
      `--web.listen-address=127.0.0.1:${port}`,
      '--collector.disable-defaults',
      '--collector.textfile',
      `--collector.textfile.directory=${textfileDir}`,
    ],
    port,
    '/metrics',
  );
}

export interface PrometheusOptions {
  /** A folder of the test's: the config and the TSDB go in it. */
  dir: string;
  /** `host:port` of each loopback target, scraped as one job. */
  targets: readonly string[];
  /** The job's name (the `job` label); default `node`, as a fleet's node_exporter job is usually called. */
  job?: string;
  /** Rule files, by absolute path. */
  ruleFiles?: readonly string[];
  /** `host:port` of each Alertmanager to send alerts to. */
  alertmanagers?: readonly string[];
  /** The scrape and the rule evaluation interval, in seconds (default 1). */
  intervalSeconds?: number;
}

/**
 * Prometheus on a free loopback port: scrapes `targets` and evaluates `ruleFiles` every
 * `intervalSeconds`, and sends alerts to `alertmanagers` at once (`resend-delay` 1 s).
 * Its config is JSON, which YAML reads as is. Ready once `/-/ready` answers 200.
 */
export async function startPrometheus({
  dir,
  targets,
  job = 'node',
  ruleFiles = [],
  alertmanagers = [],
  intervalSeconds = 1,
}: PrometheusOptions): Promise<Engine> {
  for (const address of [...targets, ...alertmanagers]) assertLoopback(address);
  const port = await freePort();
  const interval = `${intervalSeconds}s`;
  const config = {
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    rule_files: ruleFiles,
    scrape_configs: [{ job_name: job, static_configs: [{ targets }] }],
    alerting: { alertmanagers: alertmanagers.length === 0 ? [] : [{ static_configs: [{ targets: alertmanagers }] }] },
  };
  const configPath = join(dir, 'prometheus.yml');
  const dataDir = join(dir, 'prometheus-data');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  return startEngine(
    'prometheus',
    'prometheus',
    [
      `--config.file=${configPath}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=http://127.0.0.1:${port}/`,
      '--rules.alert.resend-delay=1s',
    ],
    port,
    '/-/ready',
  );
}

export interface AlertmanagerOptions {
  /** A folder of the test's: the config and the silences and notification log go in it. */
  dir: string;
  /** The configuration file's text (YAML). */
  config: string;
}

/**
 * Alertmanager on a free loopback port, with `config`, and without its cluster: an empty
 * `--cluster.listen-address` opens no gossip port and sends nothing to peers. Ready once
 * `/-/ready` answers 200.
 */
export async function startAlertmanager({ dir, config }: AlertmanagerOptions): Promise<Engine> {
  const port = await freePort();
  const configPath = join(dir, 'alertmanager.yml');
  const dataDir = join(dir, 'alertmanager-data');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(configPath, config);
  return startEngine(
    'alertmanager',
    'prometheus-alertmanager',
    [
      `--config.file=${configPath}`,
      `--storage.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=http://127.0.0.1:${port}/`,
      '--cluster.listen-address=',
    ],
    port,
    '/-/ready',
  );
}

/** One sample of an instant query's answer. */
export interface QueriedSample {
  metric: Record<string, string>;
  value: number;
}

/** Asks `prometheus` the instant query `expr` now. */
export async function queryPrometheus(prometheus: Engine, expr: string): Promise<QueriedSample[]> {
  const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await response.json()) as {
    status: string;
    error?: string;
    data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (body.status !== 'success' || body.data === undefined) {
    throw new Error(`prometheus query ${expr} failed: ${body.error ?? response.status}`);
  }
  return body.data.result.map((sample) => ({ metric: sample.metric, value: Number(sample.value[1]) }));
}

/**
 * The local addresses `pid` listens on (TCP) or has bound (UDP), as `ADDRESS:PORT` with
 * IPv6 in brackets, read from `/proc`: what shows an engine opened nothing off loopback.
 */
export function boundAddresses(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const socket = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
      if (socket !== undefined) inodes.add(socket);
    } catch {
      // closed meanwhile
    }
  }
  const found: string[] = [];
  for (const [table, listening] of [
    ['tcp', '0A'],
    ['tcp6', '0A'],
    ['udp', undefined],
    ['udp6', undefined],
  ] as const) {
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local, state, inode] = [fields[1], fields[3], fields[9]];
      if (local === undefined || inode === undefined || !inodes.has(inode)) continue;
      if (listening !== undefined && state !== listening) continue;
      found.push(decodeProcAddress(local));
    }
  }
  return found;
}

/** `0100007F:1F90` → `127.0.0.1:8080`; a 32-digit IPv6 address → `[x:x:...]:port` (`/proc/net` words are little-endian). */
function decodeProcAddress(text: string): string {
  const [hex = '', portHex = ''] = text.split(':');
  const port = parseInt(portHex, 16);
  const bytes = (hex.match(/../g) ?? []).map((pair) => parseInt(pair, 16));
  // Each 32-bit word is stored in host order (little-endian here).
  const ordered = bytes.flatMap((_, index) => (index % 4 === 0 ? bytes.slice(index, index + 4).reverse() : []));
  if (ordered.length === 4) return `${ordered.join('.')}:${port}`;
  const groups = [];
  for (let index = 0; index < 16; index += 2)
    groups.push((((ordered[index] ?? 0) << 8) | (ordered[index + 1] ?? 0)).toString(16));
  return `[${groups.join(':')}]:${port}`;
}

/** Refuses an address off loopback: nothing a test sends may leave it. */
function assertLoopback(address: string): void {
  if (!/^127\.\d+\.\d+\.\d+:\d+$/.test(address)) throw new RangeError(`not a loopback address: ${address}`);
}

async function startEngine(
  name: string,
  command: string,
  args: readonly string[],
  port: number,
  readyPath: string,
): Promise<Engine> {
  const binary = requireOnPath(command);
  // Detached: the engine leads its own process group, which stop() signals as a whole.
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    log = (log + chunk).slice(-LOG_LIMIT);
  });
  const exited = once(child, 'exit');
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopped ??= stopGroup(child, exited));
  onCleanup(stop);
  const address = `127.0.0.1:${port}`;
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  const engine: Engine = { name, address, url: `http://${address}`, pid: child.pid, log: () => log, stop };
  await waitReady(engine, child, readyPath);
  return engine;
}

async function waitReady(engine: Engine, child: ChildProcess, readyPath: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    try {
      if ((await fetch(`${engine.url}${readyPath}`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(POLL_MS);
  }
  throw new Error(
    `${engine.name} did not answer ${engine.url}${readyPath} (exit code ${String(child.exitCode)}):\n${engine.log()}`,
  );
}

async function stopGroup(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  signalGroup(pid, 'SIGTERM');
  const gone = await Promise.race([exited.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
  if (!gone) {
    signalGroup(pid, 'SIGKILL');
    await exited;
  }
}

/** Signals the group `pid` leads: the engine is not reaped until its exit event, so the group is still the test's own. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if (systemErrorCode(error) !== 'ESRCH') throw error;
  }
}
