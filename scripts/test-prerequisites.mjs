#!/usr/bin/env node
// @ts-check
// What the tests need from the machine beyond Node and node_modules, in one place:
// `npm test` (scripts/test-all.mjs) checks it before anything long runs, and stops with one
// line per missing thing that names the Debian package to install. `.ci/run` installs every
// package named here (tests/scripts/test-prerequisites.test.ts holds the two in agreement).
//
//   node scripts/test-prerequisites.mjs     # the check alone: silent and 0 when all is there
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @typedef {{ command: string, package: string, why: string }} Tool
 *   an executable a test runs, found on PATH as the test's spawn finds it
 */

/** @type {readonly Tool[]} */
export const TOOLS = [
  { command: 'ping', package: 'iputils-ping', why: 'the ICMP probe tests ping loopback and veth peers' },
  { command: 'ip', package: 'iproute2', why: 'the network tests make network namespaces and veth pairs' },
  { command: 'unshare', package: 'util-linux', why: 'every test that lets the watchdog kill runs in a PID namespace' },
  { command: 'setsid', package: 'util-linux', why: 'the PID namespace host leads its own session' },
  { command: 'setpriv', package: 'util-linux', why: 'tests run apps and readers as other users' },
  { command: 'useradd', package: 'passwd', why: 'the fault suite makes throwaway hostile users' },
  { command: 'userdel', package: 'passwd', why: 'the fault suite removes its throwaway users' },
  { command: 'mkfifo', package: 'coreutils', why: 'a FIFO stands where a heartbeat file should be' },
  { command: 'script', package: 'bsdutils', why: 'the terminal-output tests run the watchdog in a pseudo-terminal' },
  { command: 'stty', package: 'coreutils', why: 'the terminal-output tests size that pseudo-terminal' },
  {
    command: 'python3',
    package: 'python3',
    why: 'interop tests read and write files the Python Watchdog way; a fault case holds a watchdog by ptrace; a FUSE server that hangs',
  },
  { command: 'openssl', package: 'openssl', why: 'the SMTP STARTTLS tests make a certificate' },
  { command: 'cc', package: 'gcc', why: 'the power-cut fault cases compile their LD_PRELOAD shim' },
  { command: 'systemd-analyze', package: 'systemd', why: 'the units in deploy/ are verified by systemd itself' },
  { command: 'git', package: 'git', why: '`npm test` checks it left the work tree as it found it' },
  {
    command: 'prometheus-node-exporter',
    package: 'prometheus-node-exporter',
    why: 'the metrics and fleet-alerting tests have node_exporter read the textfile',
  },
  {
    command: 'promtool',
    package: 'prometheus',
    why: 'the shipped alerting rules are checked and unit-tested by promtool',
  },
  {
    command: 'prometheus',
    package: 'prometheus',
    why: 'the fleet-alerting test has Prometheus scrape the textfile and evaluate the shipped rules',
  },
  {
    command: 'amtool',
    package: 'prometheus-alertmanager',
    why: 'the shipped Alertmanager example is checked by amtool',
  },
  {
    command: 'prometheus-alertmanager',
    package: 'prometheus-alertmanager',
    why: 'the fleet-alerting test has Alertmanager route the alerts to a webhook',
  },
];

/** The libfaketime preload library, which the clock-step fault cases load into one process. */
export const LIBFAKETIME = {
  file: 'libfaketime.so.1',
  package: 'faketime',
  why: 'the clock-step fault cases move one process’s wall clock',
};

/**
 * Packages `.ci/run` installs that no test runs: `npm ci` needs them (node-gyp compiles
 * better-sqlite3's addon when no prebuilt one fits), or they help a person look into a run.
 * @type {readonly { package: string, why: string }[]}
 */
export const INSTALL_ONLY = [
  { package: 'python3', why: 'node-gyp, when npm ci compiles better-sqlite3' },
  { package: 'make', why: 'node-gyp, when npm ci compiles better-sqlite3' },
  { package: 'g++', why: 'node-gyp, when npm ci compiles better-sqlite3' },
  { package: 'procps', why: 'ps and pgrep, to look into a run that hangs' },
  { package: 'libc6-dev', why: 'the C headers `cc` compiles the power-cut shim with' },
];

/** Every Debian package the tests and `npm ci` need: what `.ci/run` must install. */
export function debianPackages() {
  return [
    ...new Set([
      ...TOOLS.map((tool) => tool.package),
      LIBFAKETIME.package,
      ...INSTALL_ONLY.map((entry) => entry.package),
    ]),
  ].sort();
}

/** The oldest Node the project supports (package.json `engines`). */
export const MINIMUM_NODE = '20.19.0';

/**
 * What the check asks the machine. Every field is a question with a real default
 * (`machineFacts`); tests pass their own.
 * @typedef {{
 *   findCommand: (name: string) => string | undefined,
 *   findLibfaketime: () => string | undefined,
 *   euid: number | undefined,
 *   nodeVersion: string,
 *   tryNamespaces: () => string | undefined,
 *   tryModules: () => string | undefined,
 * }} MachineFacts
 */

/**
 * The missing prerequisites, one line each, naming what to do; `[]` when all is there.
 * Pure given `facts`: the questions that cost something (namespaces, modules) are asked
 * only when what they need is there.
 * @param {MachineFacts} facts
 * @returns {string[]}
 */
export function findMissingPrerequisites(facts) {
  /** @type {string[]} */
  const missing = [];
  if (compareVersions(facts.nodeVersion.replace(/^v/, ''), MINIMUM_NODE) < 0) {
    missing.push(`Node ${facts.nodeVersion} is too old: the project needs Node >= ${MINIMUM_NODE}`);
  }
  for (const tool of TOOLS) {
    if (facts.findCommand(tool.command) === undefined) {
      missing.push(`missing ${tool.command} (${tool.why}): apt-get install -y ${tool.package}`);
    }
  }
  if (facts.findLibfaketime() === undefined) {
    missing.push(`missing ${LIBFAKETIME.file} (${LIBFAKETIME.why}): apt-get install -y ${LIBFAKETIME.package}`);
  }
  if (facts.euid !== 0) {
    missing.push(
      'not root: the tests make network and PID namespaces and throwaway users; run them as root (sudo npm test)',
    );
  } else if (facts.findCommand('unshare') !== undefined) {
    const failure = facts.tryNamespaces();
    if (failure !== undefined)
      missing.push(
        `cannot make PID and network namespaces (${failure}): run on a host or in a container allowed to (CAP_SYS_ADMIN)`,
      );
  }
  const modules = facts.tryModules();
  if (modules !== undefined) missing.push(`node_modules not usable (${modules}): run npm ci`);
  return missing;
}

/** @param {string} a @param {string} b numeric dotted versions; negative when a < b */
function compareVersions(a, b) {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * The first executable named `name` in the folders of `path`, or `undefined`.
 * @param {string} name
 * @param {string} path a PATH value
 */
export function findOnPath(name, path) {
  for (const folder of path.split(delimiter)) {
    if (folder === '') continue;
    const candidate = join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/**
 * libfaketime.so.1 where Debian puts it: `/usr/lib/<multiarch>/faketime/`, or `/usr/lib/faketime/`.
 * @param {string} [libRoot]
 */
export function findLibfaketime(libRoot = '/usr/lib') {
  /** @type {string[]} */
  let folders = [];
  try {
    folders = readdirSync(libRoot);
  } catch {
    return undefined;
  }
  return ['', ...folders]
    .map((folder) => join(libRoot, folder, 'faketime', LIBFAKETIME.file))
    .find((candidate) => existsSync(candidate));
}

/**
 * The facts of this machine, with `env.PATH` as the tests will see it.
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {MachineFacts}
 */
export function machineFacts(env = process.env) {
  const path = env.PATH ?? '';
  return {
    findCommand: (name) => findOnPath(name, path),
    findLibfaketime: () => findLibfaketime(),
    euid: process.geteuid?.(),
    nodeVersion: process.version,
    tryNamespaces: () => {
      const unshare = findOnPath('unshare', path) ?? 'unshare';
      const tried = spawnSync(
        unshare,
        ['--pid', '--net', '--mount', '--fork', '--mount-proc', process.execPath, '-e', ''],
        { encoding: 'utf8', timeout: 10_000 },
      );
      if (tried.error !== undefined) return `unshare: ${tried.error.message}`;
      return tried.status === 0
        ? undefined
        : `unshare --pid --net: ${tried.stderr.trim() || `exit code ${String(tried.status)}`}`;
    },
    tryModules: () => {
      const require = createRequire(join(ROOT, 'package.json'));
      try {
        require.resolve('tsx');
        require.resolve('eslint');
        require.resolve('typescript');
        // Loads the native addon: one built for another Node version fails here, not in the tests.
        const Database = require('better-sqlite3');
        new Database(':memory:').close();
        return undefined;
      } catch (error) {
        return (error instanceof Error ? error.message : String(error)).split('\n')[0];
      }
    },
  };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const missing = findMissingPrerequisites(machineFacts());
  for (const line of missing) console.error(`npm test: ${line}`);
  process.exitCode = missing.length === 0 ? 0 : 1;
}
