import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../src/config/validate-config.js';

const CONFIG_PATH = '/srv/watchdog/config.json';

/** A process checked by `health` alone (no heartbeat_path, no timeout_seconds, no match). */
function probeOnly(health: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { display_name: 'Web', enabled: true, commands: { start: '/opt/web/start.sh' }, health, ...extra };
}

function validate(entry: Record<string, unknown>) {
  const root = { name: 'root', uid: 0, gid: 0, home: '/root' };
  return validateConfig({ processes: { web: entry } }, CONFIG_PATH, (name) => (name === 'root' ? root : undefined), {});
}

describe('the health key', () => {
  it('loads each probe type with its defaults: 5 s, and HTTP 200', () => {
    const cases: [unknown, unknown][] = [
      [
        { type: 'http', url: 'http://127.0.0.1:8080/health' },
        { type: 'http', url: 'http://127.0.0.1:8080/health', expect_status: 200, timeout_seconds: 5 },
      ],
      [
        { type: 'tcp', host: '127.0.0.1', port: 1883, timeout_seconds: 2 },
        { type: 'tcp', host: '127.0.0.1', port: 1883, timeout_seconds: 2 },
      ],
      [
        { type: 'command', command: 'vendor-agent --status' },
        { type: 'command', command: 'vendor-agent --status', timeout_seconds: 5 },
      ],
    ];
    for (const [written, loaded] of cases) {
      const result = validate(probeOnly(written));
      assert.deepEqual(result.errors, []);
      assert.deepEqual(result.config?.processes[0]?.health, loaded);
      assert.equal(result.config?.processes[0]?.heartbeat_path, undefined);
    }
  });

  it('accepts the ends of its ranges: 1 s and 30 s, HTTP 200 and 599', () => {
    for (const health of [
      { type: 'http', url: 'http://127.0.0.1/', timeout_seconds: 1, expect_status: 200 },
      { type: 'http', url: 'http://127.0.0.1/', timeout_seconds: 30, expect_status: 599 },
      { type: 'command', command: 'true', timeout_seconds: 30 },
    ]) {
      assert.deepEqual(validate(probeOnly(health)).errors, [], JSON.stringify(health));
    }
  });

  it('is a way to check a process: with health alone, neither heartbeat_path nor timeout_seconds is needed', () => {
    assert.deepEqual(validate(probeOnly({ type: 'tcp', host: '127.0.0.1', port: 1 })).errors, []);
  });

  it('still refuses a process with no way to be checked', () => {
    const none = probeOnly(undefined);
    delete none.health;
    assert.deepEqual(validate(none).errors, [
      'processes.web: needs heartbeat_path, match or health (how the watchdog tells the app is up)',
    ]);
  });

  it('refuses what a probe cannot run with, as `path: message`', () => {
    const bad: [unknown, string][] = [
      [{ type: 'http', url: 'file:///etc/passwd' }, 'processes.web.health.url'],
      // Past the schema's pattern, but not a URL a probe can ask: it would fail every tick.
      [{ type: 'http', url: 'http://admin:tok3n@127.0.0.1:99999/h' }, 'processes.web.health.url'],
      [{ type: 'http', url: 'http://127.0.0.1 /h' }, 'processes.web.health.url'],
      [{ type: 'http', url: 'http://127.0.0.1/', timeout_seconds: 61 }, 'processes.web.health.timeout_seconds'],
      [{ type: 'http', url: 'http://127.0.0.1/', timeout_seconds: 0 }, 'processes.web.health.timeout_seconds'],
      // Past a cron minute and systemd's TimeoutStopSec=30s with its kill and reaping.
      [{ type: 'http', url: 'http://127.0.0.1/', timeout_seconds: 31 }, 'processes.web.health.timeout_seconds'],
      // Too short for any answer: every probe would fail and a healthy app be restarted.
      [{ type: 'http', url: 'http://127.0.0.1/', timeout_seconds: 0.000001 }, 'processes.web.health.timeout_seconds'],
      [{ type: 'command', command: 'true', timeout_seconds: 0.0001 }, 'processes.web.health.timeout_seconds'],
      [{ type: 'tcp', host: '127.0.0.1', port: 1, timeout_seconds: 0.9 }, 'processes.web.health.timeout_seconds'],
      // Node never gives a 1xx as the response: a probe expecting one could never pass.
      [{ type: 'http', url: 'http://127.0.0.1/', expect_status: 101 }, 'processes.web.health.expect_status'],
      [{ type: 'http', url: 'http://127.0.0.1/', expect_status: 199 }, 'processes.web.health.expect_status'],
      [{ type: 'http', url: 'http://127.0.0.1/', expect_status: 600 }, 'processes.web.health.expect_status'],
      [{ type: 'tcp', host: '127.0.0.1', port: 0 }, 'processes.web.health.port'],
      [{ type: 'tcp', host: '127.0.0.1' }, 'processes.web.health.port'],
      [{ type: 'command', command: '' }, 'processes.web.health.command'],
      [{ type: 'icmp', host: '127.0.0.1' }, 'processes.web.health.type'],
      [{ type: 'command', command: 'x', url: 'http://127.0.0.1/' }, 'processes.web.health.url'],
    ];
    for (const [health, path] of bad) {
      const { errors } = validate(probeOnly(health));
      assert.ok(
        errors.some((error) => error.startsWith(`${path}:`)),
        `${JSON.stringify(health)}: ${errors.join('\n')}`,
      );
    }
  });

  it('warns when health is the only check: kill finds only what the watchdog started', () => {
    const { warnings, errors } = validate(probeOnly({ type: 'tcp', host: '127.0.0.1', port: 1 }));
    assert.deepEqual(errors, []);
    assert.ok(
      warnings.some((warning) =>
        warning.startsWith(
          'processes.web.health: is the only check: kill finds only an instance the watchdog started itself, so cron starts the app only when it has that instance to stop or it is proven gone; with none on record (before a first `watchdog on`, or an app started by systemd or a boot script) a failed probe is refused, not recovered',
        ),
      ),
      warnings.join('\n'),
    );
  });

  it('names daemonising start commands, which only pid_file proves gone', () => {
    const note =
      'a daemonising start command (nginx, mosquitto -d, an init script, start-stop-daemon -b) is proven gone only by pid_file naming its daemon: set pid_file';
    const without = validate(probeOnly({ type: 'tcp', host: '127.0.0.1', port: 1 }));
    assert.ok(
      without.warnings.some((warning) => warning.startsWith('processes.web.health:') && warning.includes(note)),
      without.warnings.join('\n'),
    );
    const withPidFile = validate(
      probeOnly({ type: 'tcp', host: '127.0.0.1', port: 1 }, { pid_file: '/run/web/web.pid' }),
    );
    assert.deepEqual(withPidFile.errors, []);
    assert.ok(
      withPidFile.warnings.some((warning) => warning.startsWith('processes.web.health: is the only check')),
      withPidFile.warnings.join('\n'),
    );
    assert.ok(!withPidFile.warnings.some((warning) => warning.includes(note)), withPidFile.warnings.join('\n'));
  });

  it('warns that a failed probe never leads to a start without kill', () => {
    const { warnings } = validate(
      probeOnly({ type: 'tcp', host: '127.0.0.1', port: 1 }, { recovery_actions: ['start'] }),
    );
    assert.ok(
      warnings.some((warning) =>
        warning.startsWith('processes.web.health: is the only check and the actions have no kill'),
      ),
      warnings.join('\n'),
    );
  });

  it('does not warn with a heartbeat or a match beside it', () => {
    for (const extra of [
      { heartbeat_path: '/run/web/hb.json', timeout_seconds: 30 },
      { match: 'nginx: master', user: 'root' },
    ]) {
      const { warnings, errors } = validate(probeOnly({ type: 'tcp', host: '127.0.0.1', port: 1 }, extra));
      assert.deepEqual(errors, []);
      assert.ok(!warnings.some((warning) => warning.startsWith('processes.web.health')), warnings.join('\n'));
    }
  });
});
