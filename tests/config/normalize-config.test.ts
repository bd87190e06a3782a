import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandsOf, normalizeProcess, pipelineOf } from '../../src/config/normalize-config.js';
import type { RawProcessConfig } from '../../src/config/types.js';

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
      const process = normalizeProcess('my_server', { ...BASE, ...raw }, '/srv/watchdog');
      assert.deepEqual(process, {
        key: 'my_server',
        display_name: 'My Server',
        timeout_seconds: 60,
        heartbeat_path: '/srv/watchdog/hb/my_server.json',
        enabled: true,
        commands,
        recovery_actions,
      });
    });
  }

  it('keeps an absolute heartbeat_path', () => {
    const process = normalizeProcess('web', { ...BASE, heartbeat_path: '/run/web.json', startup_command: 'run' }, '/srv/watchdog');
    assert.equal(process.heartbeat_path, '/run/web.json');
  });

  it('does not share the default pipeline between processes', () => {
    const first = normalizeProcess('a', { ...BASE, startup_command: 'run' }, '/srv');
    first.recovery_actions.push('mutated');
    const second = normalizeProcess('b', { ...BASE, startup_command: 'run' }, '/srv');
    assert.deepEqual(second.recovery_actions, ['kill', 'start']);
  });
});

describe('commandsOf and pipelineOf on input of the wrong type', () => {
  it('ignores values that are not strings', () => {
    assert.deepEqual(commandsOf({ commands: { start: 5, clear_db: 'wipe' }, startup_command: 7, cleanup_script: ['x'] }), {
      clear_db: 'wipe',
    });
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
    assert.deepEqual(pipelineOf({ recovery_actions: 'kill' }, { clear_db: 'wipe' }).pipeline, ['kill', 'clear_db', 'start']);
    assert.deepEqual(pipelineOf({ disabled_actions: 'kill' }, {}).pipeline, ['kill', 'start']);
  });
});
