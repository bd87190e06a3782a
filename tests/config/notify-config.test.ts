import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChannelConfig, NotifyConfig } from '../../src/notify/config/notify-types.js';
import type { WatchdogConfig } from '../../src/config/types.js';
import { validateConfig, type ConfigValidation } from '../../src/config/validate-config.js';
import { EVENT_KINDS } from '../../src/notify/event-kinds.js';
import { channelDefaults } from '../helpers/notify-channel.js';
import { webProcessEntry } from '../helpers/process-config.js';

const CONFIG_PATH = '/x/config.json';
const noUsers = () => undefined;

function validate(
  extra: Record<string, unknown>,
  env: NodeJS.ProcessEnv = {},
  process = webProcessEntry(),
): ConfigValidation {
  return validateConfig({ processes: { web: process }, ...extra }, CONFIG_PATH, noUsers, env);
}

/** The config loaded with `extra` at the top level; fails when it does not load, or warns. */
function load(
  extra: Record<string, unknown>,
  env: NodeJS.ProcessEnv = {},
  process = webProcessEntry(),
): WatchdogConfig {
  const result = validate(extra, env, process);
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.warnings, []);
  assert.ok(result.config, 'the config must load');
  return result.config;
}

/** The errors, sorted; fails when the config loads. */
function errorsOf(extra: Record<string, unknown>, process = webProcessEntry()): string[] {
  const result = validate(extra, {}, process);
  assert.equal(result.config, undefined, 'a config with errors must not load');
  return [...result.errors].sort();
}

const COMMON = channelDefaults();
const email = (extra: Record<string, unknown> = {}) => ({
  type: 'email',
  host: 'smtp.example.com',
  from: 'gw@example.com',
  to: ['ops@example.com'],
  ...extra,
});

describe('notify config: defaults', () => {
  it('fills every default of a notify section and its channels', () => {
    const notify = load(
      {
        notify: {
          channels: {
            ops: { type: 'webhook', url: 'https://alerts.example.com/hooks/${HOOK}' },
            mail: email({ user: 'gw@example.com', password: '${SMTP_PASSWORD}' }),
            sms: { type: 'command', command: '/usr/local/bin/send-sms' },
          },
        },
      },
      { HOOK: 'h', SMTP_PASSWORD: 'p' },
    ).notify;
    const expected: NotifyConfig = {
      channels: [
        {
          ...COMMON,
          name: 'ops',
          type: 'webhook',
          url: 'https://alerts.example.com/hooks/${HOOK}',
          headers: {},
          format: 'json',
          template: undefined,
          signature_secret: undefined,
        },
        {
          ...COMMON,
          name: 'mail',
          type: 'email',
          host: 'smtp.example.com',
          port: 587,
          tls: 'starttls',
          reject_unauthorized: true,
          ca_file: undefined,
          user: 'gw@example.com',
          password: '${SMTP_PASSWORD}',
          from: 'gw@example.com',
          to: ['ops@example.com'],
          subject_prefix: '[watchdog]',
        },
        { ...COMMON, name: 'sms', type: 'command', command: '/usr/local/bin/send-sms' },
      ],
      delivery_budget_seconds: 30,
      max_queued: 500,
      max_age_hours: 168,
    };
    assert.deepEqual(notify, expected);
  });

  it('has no notify, metrics or ping without their sections', () => {
    const config = load({});
    assert.deepEqual([config.notify, config.metrics, config.ping], [undefined, undefined, undefined]);
  });

  it('takes the email port from tls: starttls 587, implicit 465, none 25; a port written wins', () => {
    const channels = load({
      notify: {
        channels: {
          a: email({ tls: 'starttls' }),
          b: email({ tls: 'implicit' }),
          c: email({ tls: 'none' }),
          d: email({ tls: 'implicit', port: 2465 }),
        },
      },
    }).notify?.channels;
    assert.deepEqual(
      channels?.map((channel) => (channel.type === 'email' ? [channel.name, channel.tls, channel.port] : [])),
      [
        ['a', 'starttls', 587],
        ['b', 'implicit', 465],
        ['c', 'none', 25],
        ['d', 'implicit', 2465],
      ],
    );
  });

  it('keeps what is written over the defaults; a channel takes the section repeat_after_seconds and remind_after_seconds unless it has its own', () => {
    const notify = load({
      notify: {
        repeat_after_seconds: 600,
        remind_after_seconds: 1800,
        delivery_budget_seconds: 12,
        max_queued: 50,
        max_age_hours: 24,
        channels: {
          ops: {
            type: 'webhook',
            url: 'http://127.0.0.1/h',
            headers: { 'x-a': 'b' },
            events: ['gave_up'],
            timeout_seconds: 3,
            retries: 0,
            retry_backoff_seconds: 0,
          },
          sms: { type: 'command', command: './sms', repeat_after_seconds: 0, remind_after_seconds: 0 },
          mail: email({ reject_unauthorized: false, ca_file: 'certs/ca.pem', subject_prefix: '' }),
        },
      },
    }).notify;
    assert.ok(notify, 'notify must load');
    assert.deepEqual([notify.delivery_budget_seconds, notify.max_queued, notify.max_age_hours], [12, 50, 24]);
    const [ops, sms, mail] = notify.channels as [ChannelConfig, ChannelConfig, ChannelConfig];
    assert.deepEqual(ops, {
      name: 'ops',
      type: 'webhook',
      url: 'http://127.0.0.1/h',
      headers: { 'x-a': 'b' },
      format: 'json',
      template: undefined,
      signature_secret: undefined,
      events: new Set(['gave_up']),
      repeat_after_seconds: 600,
      remind_after_seconds: 1800,
      timeout_seconds: 3,
      retries: 0,
      retry_backoff_seconds: 0,
    });
    assert.equal(sms.repeat_after_seconds, 0);
    assert.equal(mail.repeat_after_seconds, 600);
    assert.deepEqual([sms.remind_after_seconds, mail.remind_after_seconds], [0, 1800]);
    assert.deepEqual(
      mail.type === 'email'
        ? [mail.reject_unauthorized, mail.ca_file, mail.subject_prefix, mail.user, mail.password]
        : [],
      [false, '/x/certs/ca.pem', '', undefined, undefined],
    );
  });

  it('resolves metrics.textfile_path against the config folder', () => {
    assert.deepEqual(load({ metrics: { textfile_path: 'metrics/watchdog.prom' } }).metrics, {
      textfile_path: '/x/metrics/watchdog.prom',
    });
    assert.deepEqual(load({ metrics: { textfile_path: '/var/lib/node-exporter/watchdog.prom' } }).metrics, {
      textfile_path: '/var/lib/node-exporter/watchdog.prom',
    });
  });

  it('keeps ping_url as written (references and all): success, failure with /fail, no start; 10 s by default', () => {
    assert.deepEqual(load({ ping_url: 'https://hc-ping.com/${UUID}' }, { UUID: 'u' }).ping, {
      start: undefined,
      success: { url: 'https://hc-ping.com/${UUID}', pathSuffix: '', setting: 'ping_url' },
      failure: { url: 'https://hc-ping.com/${UUID}', pathSuffix: '/fail', setting: 'ping_url (/fail)' },
      timeout_seconds: 10,
    });
    assert.equal(load({ ping_url: 'http://127.0.0.1/ping', ping_timeout_seconds: 3 }).ping?.timeout_seconds, 3);
  });

  it('keeps each URL of ping as written; its timeout defaults to ping_timeout_seconds, then 10 s', () => {
    assert.deepEqual(load({ ping: { start_url: 'http://127.0.0.1/s', failure_url: 'http://127.0.0.1/f' } }).ping, {
      start: { url: 'http://127.0.0.1/s', pathSuffix: '', setting: 'ping.start_url' },
      success: undefined,
      failure: { url: 'http://127.0.0.1/f', pathSuffix: '', setting: 'ping.failure_url' },
      timeout_seconds: 10,
    });
    assert.equal(
      load({ ping: { success_url: 'http://127.0.0.1/' }, ping_timeout_seconds: 4 }).ping?.timeout_seconds,
      4,
    );
    assert.equal(
      load({ ping: { success_url: 'http://127.0.0.1/', timeout_seconds: 2 }, ping_timeout_seconds: 4 }).ping
        ?.timeout_seconds,
      2,
    );
  });

  it('refuses ping with ping_url, a ping without a URL, and a URL that is not http(s)', () => {
    const errors = (raw: Record<string, unknown>): string[] =>
      validateConfig({ processes: {}, ...raw }, '/etc/watchdog/config.json', undefined, {}).errors;
    assert.deepEqual(errors({ ping_url: 'http://127.0.0.1/a', ping: { success_url: 'http://127.0.0.1/b' } }), [
      'ping_url: write either ping_url or ping, not both (ping_url is success_url, with failure_url its /fail)',
    ]);
    assert.deepEqual(errors({ ping: {} }), ['ping: give at least one of start_url, success_url and failure_url']);
    assert.deepEqual(errors({ ping: { start_url: 'ftp://127.0.0.1/', success_url: '${URL}' } }), [
      'ping.start_url: not an http:// or https:// URL',
    ]);
    assert.deepEqual(errors({ ping: { success_url: 'http://127.0.0.1/', fail_url: 'http://127.0.0.1/' } }), [
      'ping.fail_url: unknown setting',
    ]);
  });
});

describe('wake-on-LAN config', () => {
  it('normalises a process wake_on_lan entry: MAC in lower case with ":", broadcast 255.255.255.255 and port 9 by default', () => {
    const config = load(
      {},
      {},
      webProcessEntry({
        wake_on_lan: {
          wake_nas: { mac: 'AA-BB-CC-0D-0E-0F' },
          wake_pc: { mac: '00:11:22:33:44:55', broadcast: '192.168.1.255', port: 7 },
        },
      }),
    );
    assert.deepEqual(config.processes[0]?.wake_on_lan, {
      wake_nas: { mac: 'aa:bb:cc:0d:0e:0f', broadcast: '255.255.255.255', port: 9 },
      wake_pc: { mac: '00:11:22:33:44:55', broadcast: '192.168.1.255', port: 7 },
    });
  });

  it('accepts a recovery action that names a wake_on_lan entry, and keeps it in the pipeline', () => {
    const config = load(
      {},
      {},
      webProcessEntry({
        wake_on_lan: { wake_host: { mac: '00:11:22:33:44:55' } },
        recovery_actions: ['kill', 'wake_host', 'start'],
      }),
    );
    assert.deepEqual(config.processes[0]?.recovery_actions, ['kill', 'wake_host', 'start']);
  });

  it('normalises a wol rung: its target, and settle_seconds 15 by default', () => {
    const network = load({
      network: {
        interface: 'eth0',
        ladder: [
          { type: 'wol', name: 'wake_modem', mac: '0A-0B-0C-0D-0E-0F' },
          {
            type: 'wol',
            name: 'wake_router',
            mac: '00:11:22:33:44:55',
            broadcast: '10.0.0.255',
            port: 7,
            settle_seconds: 60,
          },
        ],
      },
    }).network;
    assert.deepEqual(network?.ladder, [
      {
        type: 'wol',
        name: 'wake_modem',
        target: { mac: '0a:0b:0c:0d:0e:0f', broadcast: '255.255.255.255', port: 9 },
        settle_seconds: 15,
      },
      {
        type: 'wol',
        name: 'wake_router',
        target: { mac: '00:11:22:33:44:55', broadcast: '10.0.0.255', port: 7 },
        settle_seconds: 60,
      },
    ]);
  });
});

const MAC_MESSAGE = 'must match pattern "^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$"';
const IPV4_MESSAGE =
  'must match pattern "^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$"';

describe('notify, metrics, ping and wake-on-LAN config: errors, one `path: message` line each', () => {
  const table: [name: string, extra: Record<string, unknown>, process: Record<string, unknown>, expected: string[]][] =
    [
      [
        'an unknown key in notify',
        { notify: { channels: {}, repeat_after: 60 } },
        webProcessEntry(),
        ['notify.repeat_after: unknown setting'],
      ],
      ['a notify section without channels', { notify: {} }, webProcessEntry(), ['notify.channels: is required']],
      [
        'an unknown key in a webhook channel',
        { notify: { channels: { ops: { type: 'webhook', url: 'https://127.0.0.1/', method: 'PUT' } } } },
        webProcessEntry(),
        ['notify.channels.ops.method: unknown setting'],
      ],
      [
        'an unknown key in a command channel',
        { notify: { channels: { sms: { type: 'command', command: './sms', cwd: '/tmp' } } } },
        webProcessEntry(),
        ['notify.channels.sms.cwd: unknown setting'],
      ],
      [
        'an unknown key in an email channel',
        { notify: { channels: { mail: email({ starttls: true }) } } },
        webProcessEntry(),
        ['notify.channels.mail.starttls: unknown setting'],
      ],
      [
        'a channel of unknown type',
        { notify: { channels: { pager: { type: 'sms', number: '1' } } } },
        webProcessEntry(),
        ['notify.channels.pager.type: must be one of webhook, email, command'],
      ],
      [
        'an unknown event name',
        {
          notify: {
            channels: { ops: { type: 'webhook', url: 'https://127.0.0.1/', events: ['gave_up', 'exploded'] } },
          },
        },
        webProcessEntry(),
        [`notify.channels.ops.events[1]: must be one of ${EVENT_KINDS.join(', ')}`],
      ],
      [
        'a webhook without a url',
        { notify: { channels: { ops: { type: 'webhook' } } } },
        webProcessEntry(),
        ['notify.channels.ops.url: is required'],
      ],
      [
        'an email channel without host, from and to',
        { notify: { channels: { mail: { type: 'email' } } } },
        webProcessEntry(),
        [
          'notify.channels.mail.from: is required',
          'notify.channels.mail.host: is required',
          'notify.channels.mail.to: is required',
        ],
      ],
      [
        'an email tls of unknown kind',
        { notify: { channels: { mail: email({ tls: 'ssl' }) } } },
        webProcessEntry(),
        ['notify.channels.mail.tls: must be one of starttls, implicit, none'],
      ],
      [
        'an email password written in the config',
        { notify: { channels: { mail: email({ user: 'gw', password: 'hunter2' }) } } },
        webProcessEntry(),
        [
          'notify.channels.mail.password: write a reference to an environment variable, such as "${SMTP_PASSWORD}": a password is not kept in the config',
        ],
      ],
      [
        'an email password without a user',
        { notify: { channels: { mail: email({ password: '${SMTP_PASSWORD}' }) } } },
        webProcessEntry(),
        ['notify.channels.mail.user: is required with a password'],
      ],
      [
        'a webhook url that is ftp://',
        { notify: { channels: { ops: { type: 'webhook', url: 'ftp://127.0.0.1/hook' } } } },
        webProcessEntry(),
        ['notify.channels.ops.url: not an http:// or https:// URL'],
      ],
      [
        'a webhook url without a scheme',
        { notify: { channels: { ops: { type: 'webhook', url: '127.0.0.1/hook/${ID}' } } } },
        webProcessEntry(),
        ['notify.channels.ops.url: not an http:// or https:// URL'],
      ],
      [
        'a ping_url that is not http(s)',
        { ping_url: 'mailto:ops@example.com' },
        webProcessEntry(),
        ['ping_url: not an http:// or https:// URL'],
      ],
      ['an empty ping_url', { ping_url: '' }, webProcessEntry(), ['ping_url: must not be empty']],
      [
        'a ping timeout over 60 s',
        { ping_url: 'https://127.0.0.1/', ping_timeout_seconds: 61 },
        webProcessEntry(),
        ['ping_timeout_seconds: must be at most 60 (got 61)'],
      ],
      [
        'a textfile_path not ending in .prom',
        { metrics: { textfile_path: '/var/lib/node-exporter/watchdog.txt' } },
        webProcessEntry(),
        ["metrics.textfile_path: must end in .prom (node_exporter's textfile collector reads only those)"],
      ],
      [
        'an unknown key in metrics',
        { metrics: { textfile_path: '/m/w.prom', interval: 60 } },
        webProcessEntry(),
        ['metrics.interval: unknown setting'],
      ],
      [
        'a metrics section without textfile_path',
        { metrics: {} },
        webProcessEntry(),
        ['metrics.textfile_path: is required'],
      ],
      [
        'a wake_on_lan entry named kill',
        {},
        webProcessEntry({ wake_on_lan: { kill: { mac: '00:11:22:33:44:55' } } }),
        ['processes.web.wake_on_lan.kill: "kill" is a built-in action; give the wake-up another name'],
      ],
      [
        'a wake_on_lan entry named start',
        {},
        webProcessEntry({ wake_on_lan: { start: { mac: '00:11:22:33:44:55' } } }),
        ['processes.web.wake_on_lan.start: "start" is a built-in action; give the wake-up another name'],
      ],
      [
        'a wake_on_lan entry named like a command',
        {},
        webProcessEntry({
          commands: { start: './start.sh', clear_db: './clear.sh' },
          wake_on_lan: { clear_db: { mac: '00:11:22:33:44:55' } },
        }),
        [
          'processes.web.wake_on_lan.clear_db: "clear_db" is also a command (commands.clear_db); an action is one or the other',
        ],
      ],
      [
        'a wake_on_lan entry with a bad MAC',
        {},
        webProcessEntry({ wake_on_lan: { nas: { mac: '00:11:22:33:44' } } }),
        [`processes.web.wake_on_lan.nas.mac: ${MAC_MESSAGE}`],
      ],
      [
        'a wake_on_lan entry with a MAC of bad hex',
        {},
        webProcessEntry({ wake_on_lan: { nas: { mac: '00:11:22:33:44:zz' } } }),
        [`processes.web.wake_on_lan.nas.mac: ${MAC_MESSAGE}`],
      ],
      [
        'a wake_on_lan entry with a bad broadcast address',
        {},
        webProcessEntry({ wake_on_lan: { nas: { mac: '00:11:22:33:44:55', broadcast: '256.0.0.255' } } }),
        [`processes.web.wake_on_lan.nas.broadcast: ${IPV4_MESSAGE}`],
      ],
      [
        'a wake_on_lan entry with a host name for broadcast',
        {},
        webProcessEntry({ wake_on_lan: { nas: { mac: '00:11:22:33:44:55', broadcast: 'nas.lan' } } }),
        [`processes.web.wake_on_lan.nas.broadcast: ${IPV4_MESSAGE}`],
      ],
      [
        'a wake_on_lan entry with port 0',
        {},
        webProcessEntry({ wake_on_lan: { nas: { mac: '00:11:22:33:44:55', port: 0 } } }),
        ['processes.web.wake_on_lan.nas.port: must be at least 1 (got 0)'],
      ],
      [
        'a wake_on_lan entry without a MAC',
        {},
        webProcessEntry({ wake_on_lan: { nas: { broadcast: '10.0.0.255' } } }),
        ['processes.web.wake_on_lan.nas.mac: is required'],
      ],
      [
        'an unknown key in a wake_on_lan entry',
        {},
        webProcessEntry({ wake_on_lan: { nas: { mac: '00:11:22:33:44:55', interface: 'eth0' } } }),
        ['processes.web.wake_on_lan.nas.interface: unknown setting'],
      ],
      [
        'a recovery action that is neither a command nor a wake_on_lan entry',
        {},
        webProcessEntry({
          wake_on_lan: { wake_nas: { mac: '00:11:22:33:44:55' } },
          recovery_actions: ['kill', 'wake_pc', 'start'],
        }),
        [
          'processes.web.recovery_actions[1]: action "wake_pc" has no command (add commands.wake_pc, or remove or disable the action)',
        ],
      ],
      [
        'a wol rung without a name',
        { network: { interface: 'eth0', ladder: [{ type: 'wol', mac: '00:11:22:33:44:55' }] } },
        webProcessEntry(),
        ['network.ladder[0].name: is required'],
      ],
      [
        'a wol rung with a bad MAC',
        { network: { interface: 'eth0', ladder: [{ type: 'wol', name: 'modem', mac: '00-11-22-33-44' }] } },
        webProcessEntry(),
        [`network.ladder[0].mac: ${MAC_MESSAGE}`],
      ],
      [
        'a wol rung with a bad broadcast',
        {
          network: {
            interface: 'eth0',
            ladder: [{ type: 'wol', name: 'modem', mac: '00:11:22:33:44:55', broadcast: '10.0.0' }],
          },
        },
        webProcessEntry(),
        [`network.ladder[0].broadcast: ${IPV4_MESSAGE}`],
      ],
      [
        'an unknown key in a wol rung',
        {
          network: {
            interface: 'eth0',
            ladder: [{ type: 'wol', name: 'modem', mac: '00:11:22:33:44:55', timeout_seconds: 5 }],
          },
        },
        webProcessEntry(),
        ['network.ladder[0].timeout_seconds: unknown setting'],
      ],
    ];
  for (const [name, extra, process, expected] of table) {
    it(name, () => {
      assert.deepEqual(errorsOf(extra, process), [...expected].sort());
    });
  }
});

describe('notify config: URLs judged as they are once filled in', () => {
  it('accepts a reference in the host and the path', () => {
    const config = load(
      { notify: { channels: { ops: { type: 'webhook', url: 'https://${ALERT_HOST}/hooks/${HOOK_ID}' } } } },
      { ALERT_HOST: 'alerts.example.com', HOOK_ID: 'h' },
    );
    assert.equal(
      config.notify?.channels[0]?.type === 'webhook' ? config.notify.channels[0].url : undefined,
      'https://${ALERT_HOST}/hooks/${HOOK_ID}',
    );
  });

  it('accepts a webhook URL whose port is a reference (an http URL once filled in)', () => {
    const env = { RELAY_PORT: '8080' };
    const result = validate(
      { notify: { channels: { relay: { type: 'webhook', url: 'http://127.0.0.1:${RELAY_PORT}/hook' } } } },
      env,
    );
    assert.deepEqual(result.errors, []);
    assert.ok(result.config, 'the config must load');
  });

  it('accepts a ping_url whose port is a reference (an http URL once filled in)', () => {
    const result = validate({ ping_url: 'http://127.0.0.1:${PING_PORT}/ping' }, { PING_PORT: '8000' });
    assert.deepEqual(result.errors, []);
    assert.ok(result.config, 'the config must load');
  });
});

describe('notify config: what would fail only when sent is refused at load', () => {
  it('accepts a URL that is a reference as a whole (the secret URL of a chat webhook)', () => {
    const result = validate(
      { notify: { channels: { chat: { type: 'webhook', url: '${CHAT_URL}' } } }, ping_url: '${PING_URL}' },
      { CHAT_URL: 'https://chat.example/x', PING_URL: 'https://hc.example/y' },
    );
    assert.deepEqual(result.errors, []);
  });

  it('refuses a header name that is not an HTTP token, and a line break in a value', () => {
    const result = validate(
      {
        notify: {
          channels: {
            ops: {
              type: 'webhook',
              url: 'https://a.example/',
              headers: { 'X Token': 'a', 'X-Ok': 'b\r\nInjected: c' },
            },
          },
        },
      },
      {},
    );
    assert.equal(result.config, undefined, 'not loaded');
    assert.deepEqual(result.errors, [
      "notify.channels.ops.headers.X Token: not a header name (letters, digits and !#$%&'*+.^_`|~- only)",
      'notify.channels.ops.headers.X-Ok: a header value cannot hold a line break',
    ]);
  });

  it('refuses a password sent in clear text (tls none) to anything but the device itself', () => {
    const mail = (host: string) => ({
      notify: {
        channels: { mail: { type: 'email', host, tls: 'none', user: 'u', password: '${P}', from: 'a@b', to: ['c@d'] } },
      },
    });
    assert.deepEqual(validate(mail('smtp.example.com'), { P: 'x' }).errors, [
      'notify.channels.mail.tls: "none" would send the password in clear text to smtp.example.com; use "starttls" or "implicit" (plain text is for a relay on the device itself)',
    ]);
    for (const host of ['localhost', '127.0.0.1', '::1'])
      assert.deepEqual(validate(mail(host), { P: 'x' }).errors, [], host);
  });

  it('refuses a delivery budget of a minute or more (delivery holds the tick lock)', () => {
    const result = validate({ notify: { delivery_budget_seconds: 60, channels: {} } }, {});
    assert.deepEqual(result.errors, ['notify.delivery_budget_seconds: must be at most 50 (got 60)']);
  });
});

describe('notify config: warnings for variables the environment does not set', () => {
  const NOT_SET =
    "which is not set in this environment (set it where the watchdog runs: the crontab or the unit's EnvironmentFile)";

  it('warns of each reference that is not set, and still loads', () => {
    const result = validate(
      {
        notify: {
          channels: {
            ops: {
              type: 'webhook',
              url: 'https://alerts.example.com/${HOOK}',
              headers: { authorization: 'Bearer ${TOKEN}', 'x-site': '${SITE}' },
            },
            mail: email({ user: '${SMTP_USER}', password: '${SMTP_PASSWORD}' }),
          },
        },
        ping_url: 'https://hc-ping.com/${PING_UUID}',
      },
      { SITE: 'gw-17', SMTP_USER: '' },
    );
    assert.deepEqual(result.errors, []);
    assert.ok(result.config, 'warnings do not stop the config from loading');
    assert.deepEqual([...result.warnings].sort(), [
      `notify.channels.mail.password: refers to \${SMTP_PASSWORD}, ${NOT_SET}`,
      `notify.channels.mail.user: refers to \${SMTP_USER}, ${NOT_SET}`,
      `notify.channels.ops.headers.authorization: refers to \${TOKEN}, ${NOT_SET}`,
      `notify.channels.ops.url: refers to \${HOOK}, ${NOT_SET}`,
      `ping_url: refers to \${PING_UUID}, ${NOT_SET}`,
    ]);
  });

  it('warns of a reference named as what every object inherits (constructor, __proto__), which no environment sets', () => {
    const result = validate(
      {
        notify: {
          channels: {
            ops: {
              type: 'webhook',
              url: 'https://alerts.example.com/hook',
              headers: { authorization: 'Bearer ${constructor}', 'x-site': '${__proto__}' },
            },
          },
        },
      },
      {},
    );
    assert.deepEqual([...result.warnings].sort(), [
      `notify.channels.ops.headers.authorization: refers to \${constructor}, ${NOT_SET}`,
      `notify.channels.ops.headers.x-site: refers to \${__proto__}, ${NOT_SET}`,
    ]);
  });

  it('warns of nothing when every reference is set in the environment given', () => {
    const result = validate(
      {
        notify: { channels: { ops: { type: 'webhook', url: 'https://alerts.example.com/${HOOK}' } } },
        ping_url: 'https://hc-ping.com/${PING_UUID}',
      },
      { HOOK: 'h', PING_UUID: 'u' },
    );
    assert.deepEqual(result.warnings, []);
  });
});
