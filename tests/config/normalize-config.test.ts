import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { commandsOf, inheritedSettingsOf, normalizeProcess, pipelineOf } from '../../src/config/normalize-config.js';
import type { RawProcessConfig } from '../../src/config/types.js';
import { validateConfig } from '../../src/config/validate-config.js';
import { planActions } from '../../src/recovery/plan-recovery.js';
import { processConfig } from '../helpers/process-config.js';

const BASE: RawProcessConfig = {
  display_name: 'My Server',
  timeout_seconds: 60,
  heartbeat_path: 'hb/my_server.json',
  enabled: true,
};

interface Case {
  name: string;
  raw: Partial<RawProcessConfig>;
  commands: Record<string, string>;
  recovery_actions: string[];
}

const cases: Case[] = [
  {
    name: 'startup_command becomes commands.start; no clear_db command drops clear_db from the default',
    raw: { startup_command: 'python3 main.py' },
    commands: { start: 'python3 main.py' },
    recovery_actions: ['kill', 'start'],
  },
  {
    name: 'cleanup_script becomes commands.clear_db and the default keeps clear_db',
    raw: { startup_command: 'python3 main.py', cleanup_script: '/opt/cleanup.sh' },
    commands: { start: 'python3 main.py', clear_db: '/opt/cleanup.sh' },
    recovery_actions: ['kill', 'clear_db', 'start'],
  },
  {
    name: 'new format: commands.clear_db keeps clear_db in the default',
    raw: { commands: { start: 'run', clear_db: 'wipe' } },
    commands: { start: 'run', clear_db: 'wipe' },
    recovery_actions: ['kill', 'clear_db', 'start'],
  },
  {
    name: 'commands.start wins over startup_command',
    raw: { commands: { start: 'new-start' }, startup_command: 'old-start' },
    commands: { start: 'new-start' },
    recovery_actions: ['kill', 'start'],
  },
  {
    name: 'commands.clear_db wins over cleanup_script',
    raw: { commands: { start: 'run', clear_db: 'new-wipe' }, cleanup_script: 'old-wipe' },
    commands: { start: 'run', clear_db: 'new-wipe' },
    recovery_actions: ['kill', 'clear_db', 'start'],
  },
  {
    name: 'legacy keys fill what commands lacks',
    raw: { commands: { start: 'run', notify: 'mail' }, cleanup_script: 'wipe' },
    commands: { start: 'run', clear_db: 'wipe', notify: 'mail' },
    recovery_actions: ['kill', 'clear_db', 'start'],
  },
  {
    name: 'null legacy values are treated as absent',
    raw: { commands: { start: 'run' }, startup_command: null, cleanup_script: null },
    commands: { start: 'run' },
    recovery_actions: ['kill', 'start'],
  },
  {
    name: 'null startup_command with a cleanup_script',
    raw: { startup_command: null, cleanup_script: 'wipe' },
    commands: { clear_db: 'wipe' },
    recovery_actions: ['kill', 'clear_db', 'start'],
  },
  {
    name: 'empty legacy strings are treated as absent',
    raw: { startup_command: '', cleanup_script: '' },
    commands: {},
    recovery_actions: ['kill', 'start'],
  },
  {
    name: 'an explicit recovery_actions is kept as written, even without commands',
    raw: { commands: { start: 'run' }, recovery_actions: ['clear_db', 'kill', 'start'] },
    commands: { start: 'run' },
    recovery_actions: ['clear_db', 'kill', 'start'],
  },
  {
    name: 'an explicit empty recovery_actions stays empty',
    raw: { commands: { start: 'run', clear_db: 'wipe' }, recovery_actions: [] },
    commands: { start: 'run', clear_db: 'wipe' },
    recovery_actions: [],
  },
  {
    name: 'disabled_actions are removed from the default, order kept',
    raw: { commands: { start: 'run', clear_db: 'wipe' }, disabled_actions: ['kill'] },
    commands: { start: 'run', clear_db: 'wipe' },
    recovery_actions: ['clear_db', 'start'],
  },
  {
    name: 'disabled_actions are removed from an explicit list, order kept',
    raw: {
      commands: { start: 'run', clear_db: 'wipe', notify: 'mail', rotate: 'logrotate' },
      recovery_actions: ['notify', 'kill', 'rotate', 'clear_db', 'start', 'notify'],
      disabled_actions: ['notify', 'clear_db'],
    },
    commands: { start: 'run', clear_db: 'wipe', notify: 'mail', rotate: 'logrotate' },
    recovery_actions: ['kill', 'rotate', 'start'],
  },
  {
    name: 'a disabled action that is not listed changes nothing',
    raw: { startup_command: 'run', disabled_actions: ['clear_db'] },
    commands: { start: 'run' },
    recovery_actions: ['kill', 'start'],
  },
];

describe('normalizeProcess: legacy keys and pipeline', () => {
  for (const { name, raw, commands, recovery_actions } of cases) {
    it(name, () => {
      const process = normalizeProcess('my_server', { ...BASE, ...raw }, inheritedSettingsOf({}, '/srv/watchdog'));
      assert.deepEqual(
        process,
        processConfig({
          key: 'my_server',
          display_name: 'My Server',
          timeout_seconds: 60,
          heartbeat_path: '/srv/watchdog/hb/my_server.json',
          commands,
          recovery_actions,
          start_grace_seconds: 60,
          cwd: '/srv/watchdog',
          output_log: '/srv/watchdog/logs/my_server.out.log',
          output_log_fallback: '/srv/watchdog/logs/my_server.out.log',
        }),
      );
    });
  }

  it('takes per-process overrides over the top-level settings', () => {
    const inherited = inheritedSettingsOf(
      {
        consecutive_failures_threshold: 4,
        kill_timeout: 3,
        cleanup_timeout: 20,
        verify_delay: 1,
        cleanup_args: [],
        log_dir: '/var/log/wd',
      },
      '/srv/watchdog',
    );
    const inheriting = normalizeProcess('plain', { ...BASE, startup_command: 'run' }, inherited);
    assert.equal(inheriting.consecutive_failures_threshold, 4);
    assert.equal(inheriting.kill_timeout, 3);
    assert.equal(inheriting.cleanup_timeout, 20);
    assert.equal(inheriting.verify_delay, 1);
    assert.deepEqual(inheriting.cleanup_args, []);
    assert.equal(inheriting.output_log, '/var/log/wd/plain.out.log');

    const own = normalizeProcess(
      'own',
      {
        ...BASE,
        startup_command: 'run',
        consecutive_failures_threshold: 1,
        kill_timeout: 0.5,
        cleanup_timeout: 5,
        verify_delay: 0,
        cleanup_args: ['--yes'],
        start_grace_seconds: 90,
        cwd: 'app',
        env: { MODE: 'edge' },
        output_log: 'out/own.log',
      },
      inherited,
    );
    assert.equal(own.consecutive_failures_threshold, 1);
    assert.equal(own.kill_timeout, 0.5);
    assert.equal(own.cleanup_timeout, 5);
    assert.equal(own.verify_delay, 0);
    assert.deepEqual(own.cleanup_args, ['--yes']);
    assert.equal(own.start_grace_seconds, 90);
    assert.equal(own.cwd, '/srv/watchdog/app');
    assert.deepEqual(own.env, { MODE: 'edge' });
    assert.equal(own.output_log, '/srv/watchdog/out/own.log');
  });

  it('turns a process key into a safe output log file name', () => {
    const process = normalizeProcess(
      '../etc/cam 1',
      { ...BASE, startup_command: 'run' },
      inheritedSettingsOf({}, '/srv'),
    );
    assert.equal(process.output_log, '/srv/logs/.._etc_cam_1.out.log');
  });

  it('gives absolute, normalised default paths whatever form the config folder is given in', () => {
    const untidy = normalizeProcess(
      'web',
      { ...BASE, startup_command: 'run' },
      inheritedSettingsOf({}, '/srv//watchdog/./'),
    );
    assert.equal(untidy.cwd, '/srv/watchdog');
    assert.equal(untidy.output_log, '/srv/watchdog/logs/web.out.log');
    assert.equal(untidy.heartbeat_path, '/srv/watchdog/hb/my_server.json');
    const relative = normalizeProcess(
      'web',
      { ...BASE, startup_command: 'run' },
      inheritedSettingsOf({ log_dir: '../logs' }, 'etc/watchdog'),
    );
    assert.equal(relative.cwd, resolve('etc/watchdog'));
    assert.equal(relative.output_log, resolve('etc/logs/web.out.log'));
  });

  it('keeps an absolute heartbeat_path', () => {
    const process = normalizeProcess(
      'web',
      { ...BASE, heartbeat_path: '/run/web.json', startup_command: 'run' },
      inheritedSettingsOf({}, '/srv/watchdog'),
    );
    assert.equal(process.heartbeat_path, '/run/web.json');
  });

  it('does not share the default pipeline between processes', () => {
    const first = normalizeProcess('a', { ...BASE, startup_command: 'run' }, inheritedSettingsOf({}, '/srv'));
    first.recovery_actions.push('mutated');
    const second = normalizeProcess('b', { ...BASE, startup_command: 'run' }, inheritedSettingsOf({}, '/srv'));
    assert.deepEqual(second.recovery_actions, ['kill', 'start']);
  });
});

describe('commandsOf and pipelineOf on input of the wrong type', () => {
  it('ignores values that are not strings', () => {
    assert.deepEqual(
      commandsOf({ commands: { start: 5, clear_db: 'wipe' }, startup_command: 7, cleanup_script: ['x'] }),
      {
        clear_db: 'wipe',
      },
    );
    assert.deepEqual(commandsOf({ commands: ['start'], startup_command: 'run' }), { start: 'run' });
    assert.deepEqual(commandsOf({ commands: null }), {});
  });

  it('keeps only the string actions and disabled names', () => {
    const pipeline = pipelineOf({ recovery_actions: ['kill', 3, 'start', null], disabled_actions: ['kill', 4] }, {});
    assert.deepEqual(pipeline.listed, ['kill', 'start']);
    assert.deepEqual(pipeline.pipeline, ['start']);
    assert.deepEqual([...pipeline.disabled], ['kill']);
  });

  it('uses the default when recovery_actions is not an array', () => {
    assert.deepEqual(pipelineOf({ recovery_actions: 'kill' }, { clear_db: 'wipe' }).pipeline, [
      'kill',
      'clear_db',
      'start',
    ]);
    assert.deepEqual(pipelineOf({ disabled_actions: 'kill' }, {}).pipeline, ['kill', 'start']);
  });
});

describe('keys named as what every object inherits', () => {
  // Parsed from text, as a config is: JSON.parse makes `__proto__` an own key, not a prototype.
  const NAMES = ['__proto__', 'constructor', 'hasOwnProperty', 'toString'];
  const block = (name: string) =>
    `"${name}": {"display_name": "${name}", "timeout_seconds": 30, "heartbeat_path": "hb/${name}.json", "enabled": true,` +
    ` "commands": {"start": "start ${name}", ${NAMES.map((command) => `"${command}": "run ${command}"`).join(', ')}},` +
    ` "recovery_actions": ["kill", ${NAMES.map((command) => `"${command}"`).join(', ')}, "start"],` +
    ` "env": {"__proto__": "env-proto", "constructor": "env-constructor"},` +
    ` "wake_on_lan": {"valueOf": {"mac": "00:11:22:33:44:55"}}}`;
  const raw = JSON.parse(`{"processes": {${NAMES.map(block).join(', ')}}}`) as unknown;

  it('keeps each as a process, its commands and env as its own keys, and a pipeline that runs them', () => {
    const { config, errors } = validateConfig(raw, '/etc/watchdog/config.json', () => undefined, {});
    assert.deepEqual(errors, []);
    assert.deepEqual(
      config?.processes.map((process) => process.key),
      NAMES,
    );
    for (const process of config?.processes ?? []) {
      assert.deepEqual(Object.keys(process.commands), ['start', ...NAMES], process.key);
      assert.equal(
        Object.getPrototypeOf(process.commands),
        Object.prototype,
        `${process.key}: commands keep their prototype`,
      );
      assert.deepEqual(process.recovery_actions, ['kill', ...NAMES, 'start']);
      assert.deepEqual(Object.entries(process.env), [
        ['__proto__', 'env-proto'],
        ['constructor', 'env-constructor'],
      ]);
      assert.deepEqual(Object.keys(process.wake_on_lan), ['valueOf']);
      const plans = planActions(
        process,
        process.recovery_actions,
        { pid: undefined, why: 'no heartbeat', refused: false },
        { outputLogMaxBytes: 1024 },
      );
      assert.deepEqual(
        plans.map((plan) => (plan.kind === 'command' ? plan.command : plan.kind)),
        ['kill', ...NAMES.map((name) => `run ${name} --force`), 'start'],
      );
    }
  });

  it('reports an action named like an inherited key that has no command, rather than running Object', () => {
    const { errors } = validateConfig(
      {
        processes: {
          web: {
            display_name: 'Web',
            timeout_seconds: 30,
            heartbeat_path: 'hb.json',
            enabled: true,
            commands: { start: 'x' },
            recovery_actions: ['constructor', 'start'],
          },
        },
      },
      '/etc/watchdog/config.json',
      () => undefined,
      {},
    );
    assert.deepEqual(errors, [
      'processes.web.recovery_actions[0]: action "constructor" has no command (add commands.constructor, or remove or disable the action)',
    ]);
  });
});
