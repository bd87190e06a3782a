import { describeError } from '../errors.js';
import type { LookupUser } from '../system/lookup-user.js';
import { BUILT_IN_ACTIONS } from './defaults.js';
import { isPlainObject } from '../json/json-shape.js';
import { commandsOf, pipelineOf } from './normalize-config.js';
import { KNOWN_PROCESS_KEYS, KNOWN_TOP_LEVEL_KEYS } from './schema.js';
import type { ProcessConfig } from './types.js';

export interface RuleFindings {
  errors: string[];
  warnings: string[];
}

/**
 * Cross-field rules the schema cannot express, for one process as written (whatever
 * the schema thought of it, so one run reports every problem): a start command must
 * exist, and every action of the pipeline must be built in or have a command.
 */
export function checkProcessRules(
  key: string,
  raw: Record<string, unknown>,
  lookupUser: LookupUser = () => undefined,
): RuleFindings {
  const at = `processes.${key}`;
  const errors: string[] = [];
  const warnings: string[] = [];
  const commands = commandsOf(raw);

  errors.push(...checkedHowProblems(raw).map((problem) => `${at}${problem}`));
  errors.push(...matchAloneProblems(raw).map((problem) => `${at}${problem}`));
  if (!Object.hasOwn(commands, 'start')) {
    errors.push(
      `${at}.commands.start: is required (the command that starts the app; legacy configs call it startup_command)`,
    );
  }
  if (
    isPlainObject(raw.commands) &&
    typeof raw.commands.start === 'string' &&
    typeof raw.startup_command === 'string'
  ) {
    if (raw.commands.start !== raw.startup_command)
      warnings.push(`${at}.startup_command: ignored, commands.start is used instead`);
  }

  const wakes = isPlainObject(raw.wake_on_lan) ? Object.keys(raw.wake_on_lan) : [];
  for (const name of wakes) {
    if (BUILT_IN_ACTIONS.includes(name))
      errors.push(`${at}.wake_on_lan.${name}: "${name}" is a built-in action; give the wake-up another name`);
    else if (Object.hasOwn(commands, name))
      errors.push(
        `${at}.wake_on_lan.${name}: "${name}" is also a command (commands.${name}); an action is one or the other`,
      );
  }

  const url = healthUrlProblem(raw.health);
  if (url !== undefined) errors.push(`${at}.health.url: ${url}`);
  const { listed, disabled, pipeline } = pipelineOf(raw, commands);
  const probeOnly = probeOnlyWarning(raw, pipeline);
  if (probeOnly !== undefined) warnings.push(`${at}.health: ${probeOnly}`);
  // Indexes name the entries as written, non-strings (reported by the schema) included.
  const written: unknown[] = Array.isArray(raw.recovery_actions) ? raw.recovery_actions : listed;
  written.forEach((action, index) => {
    if (typeof action !== 'string' || action === '') return;
    if (
      disabled.has(action) ||
      BUILT_IN_ACTIONS.includes(action) ||
      Object.hasOwn(commands, action) ||
      wakes.includes(action)
    )
      return;
    const where = Array.isArray(raw.recovery_actions) ? `${at}.recovery_actions[${index}]` : `${at}.recovery_actions`;
    errors.push(
      `${where}: action "${action}" has no command (add commands.${action}, or remove or disable the action)`,
    );
  });
  for (const action of disabled) {
    if (!listed.includes(action)) warnings.push(`${at}.disabled_actions: "${action}" is not in recovery_actions`);
  }
  if (typeof raw.user === 'string' && raw.user !== '') {
    const problem = userProblem(raw.user, lookupUser);
    if (problem !== undefined) errors.push(`${at}.user: ${problem}`);
  }
  if (typeof raw.match === 'string' && raw.match !== '') {
    const problem = patternProblem(raw.match);
    if (problem !== undefined) errors.push(`${at}.match: ${problem}`);
  }
  errors.push(...healthyStatusesProblems(raw.healthy_statuses).map((problem) => `${at}.healthy_statuses${problem}`));
  if (typeof raw.pid_file === 'string') {
    const problem = pidFileProblem(raw.pid_file, raw.heartbeat_path);
    if (problem !== undefined) errors.push(`${at}.pid_file: ${problem}`);
  }
  return { errors, warnings };
}

/**
 * How the watchdog tells the app is up: a heartbeat file (with its `timeout_seconds`), a
 * command line to `match` among the running processes, or a `health` probe. Each problem as
 * `.key: message`.
 */
function checkedHowProblems(raw: Record<string, unknown>): string[] {
  const heartbeat = raw.heartbeat_path !== undefined;
  if (!heartbeat && raw.match === undefined && raw.health === undefined)
    return [': needs heartbeat_path, match or health (how the watchdog tells the app is up)'];
  if (heartbeat && raw.timeout_seconds === undefined)
    return ['.timeout_seconds: is required with heartbeat_path (how old a heartbeat may be)'];
  return [];
}

/**
 * What an app checked by `match` alone (no `heartbeat_path`) may not combine, and what it
 * needs, each as `.key: message` (docs/apps-without-heartbeat.md).
 */
function matchAloneProblems(raw: Record<string, unknown>): string[] {
  const errors: string[] = [];
  if (raw.heartbeat_path !== undefined || typeof raw.match !== 'string' || raw.match === '') return errors;
  for (const key of ['max_memory_mb', 'max_cpu_percent'] as const) {
    if (raw[key] !== undefined)
      errors.push(
        `.${key}: needs heartbeat_path (resource limits measure the one app process a heartbeat proves; an app found by match may be several processes, and none of them wrote a heartbeat)`,
      );
  }
  // Required, not advised: without it any user's process whose command line matches would
  // count (another user masks a dead app) and be signalled by root (a shell running `tail -f
  // /var/log/mosquitto/mosquitto.log` killed for the pattern `mosquitto`). `match` alone is
  // new, so no existing config breaks.
  if (raw.user === undefined)
    errors.push(
      '.user: is required with match alone: only a process of that user counts and is signalled, never another user\'s whose command line matches (write "user": "root" for a daemon that runs as root)',
    );
  return errors;
}

/**
 * An HTTP probe's URL that the schema's `^https?://` lets through but that is no URL (a port
 * past 65535, a space): the probe would fail at every tick, and a healthy app be restarted
 * until the watchdog gave up on it. The URL is not quoted: it may hold a password.
 */
function healthUrlProblem(health: unknown): string | undefined {
  if (!isPlainObject(health) || health.type !== 'http' || typeof health.url !== 'string') return undefined;
  if (!/^https?:\/\//i.test(health.url)) return undefined;
  if (!URL.canParse(health.url)) return 'is not a URL that can be asked (a port past 65535, a space?)';
  return new URL(health.url).hostname === '' ? 'names no host' : undefined;
}

/**
 * A `health` probe names no PID. As the only check, `kill` can find nothing but the instance
 * the watchdog started itself (proven by its start time); an app started another way (a
 * systemd unit, a boot script, a person) is never found, so cron refuses a start unless kill
 * has that instance to stop or it is proven gone (decideStart). A daemonising start command
 * leaves its daemon in a session of its own: without `pid_file` naming it, what was found of
 * such a start may be a launcher, and its being gone proves nothing. Not an error: an app that
 * only the watchdog starts is recovered right once it has been started (docs/health-probes.md,
 * "What kill can find").
 */
function probeOnlyWarning(raw: Record<string, unknown>, pipeline: readonly string[]): string | undefined {
  if (raw.health === undefined || raw.heartbeat_path !== undefined || raw.match !== undefined) return undefined;
  if (!pipeline.includes('start')) return undefined;
  const daemonising =
    raw.pid_file === undefined
      ? '; a daemonising start command (nginx, mosquitto -d, an init script, start-stop-daemon -b) is proven gone only by pid_file naming its daemon: set pid_file'
      : '';
  return pipeline.includes('kill')
    ? `is the only check: kill finds only an instance the watchdog started itself, so cron starts the app only when it has that instance to stop or it is proven gone; with none on record (before a first \`watchdog on\`, or an app started by systemd or a boot script) a failed probe is refused, not recovered${daemonising}; add match or heartbeat_path to recover an app started another way`
    : 'is the only check and the actions have no kill: a failed probe never leads to a start (the app may still run); add kill, with match or heartbeat_path';
}

/**
 * What the schema cannot say of `healthy_statuses`, each as `[index]: message`. Statuses
 * are compared exactly, so white space around one (a slip when editing) would make every
 * heartbeat `error_status`, and an entry listed twice is a slip too (a copy, or the case
 * changed on one and not the other): refused rather than tolerated.
 */
function healthyStatusesProblems(statuses: unknown): string[] {
  if (!Array.isArray(statuses)) return [];
  const problems: string[] = [];
  const first = new Map<string, number>();
  statuses.forEach((status: unknown, index) => {
    if (typeof status !== 'string' || status === '') return;
    if (status.trim() !== status)
      problems.push(`[${index}]: ${JSON.stringify(status)} has white space around it; statuses are compared exactly`);
    const earlier = first.get(status);
    if (earlier === undefined) first.set(status, index);
    else problems.push(`[${index}]: ${JSON.stringify(status)} is listed twice (also at [${earlier}])`);
  });
  return problems;
}

function pidFileProblem(path: string, heartbeatPath: unknown): string | undefined {
  if (path.includes('\0')) return 'must not contain a NUL byte (no file has such a name)';
  if (path.endsWith('/')) return `must name a file, not a folder (got ${JSON.stringify(path)})`;
  if (path === heartbeatPath)
    return 'is the heartbeat_path: the daemon writes its PID to a file of its own (such as /run/app/app.pid)';
  return undefined;
}

/** Why `user` cannot be run as, or `undefined`: it must be in /etc/passwd. */
export function userProblem(name: string, lookupUser: LookupUser): string | undefined {
  try {
    return lookupUser(name) === undefined ? `no user "${name}" in /etc/passwd` : undefined;
  } catch (error) {
    return `cannot look up user "${name}": ${describeError(error)}`;
  }
}

function patternProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'u');
    return undefined;
  } catch (error) {
    return `not a valid regular expression: ${describeError(error)}`;
  }
}

/** Rules across processes: two processes reading one heartbeat file is a copy-paste slip. */
export function checkCrossProcessRules(processes: readonly ProcessConfig[]): RuleFindings {
  const warnings: string[] = [];
  const owners = new Map<string, string>();
  for (const process of processes) {
    if (process.heartbeat_path === undefined) continue;
    const owner = owners.get(process.heartbeat_path);
    if (owner === undefined) {
      owners.set(process.heartbeat_path, process.key);
    } else {
      warnings.push(
        `processes.${process.key}.heartbeat_path: same file as processes.${owner} (${process.heartbeat_path})`,
      );
    }
  }
  return { errors: [], warnings };
}

/** Keys the format does not know: usually typos, reported as warnings so configs with extra keys still load. */
export function findUnknownKeys(raw: Record<string, unknown>): string[] {
  const warnings = Object.keys(raw)
    .filter((key) => !KNOWN_TOP_LEVEL_KEYS.has(key))
    .map((key) => `${key}: unknown setting, ignored`);
  if (isPlainObject(raw.processes)) {
    for (const [processKey, process] of Object.entries(raw.processes)) {
      if (!isPlainObject(process)) continue;
      for (const key of Object.keys(process)) {
        if (!KNOWN_PROCESS_KEYS.has(key)) warnings.push(`processes.${processKey}.${key}: unknown setting, ignored`);
      }
    }
  }
  return warnings;
}
