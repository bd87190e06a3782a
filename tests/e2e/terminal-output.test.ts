// End-to-end: what a person sees, in a terminal and through a pipe. The built binary runs
// with standard output on a real pseudo-terminal (`script`, sized by `stty cols`), and
// through pipes as cron and scripts run it: fitted and coloured there, whole and plain here.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { textWidth } from '../../src/display/fit-text.js';
import { writeConfig } from '../helpers/config-files.js';
import { heartbeatText, writeFileAt } from '../helpers/heartbeats.js';
import { runInTerminal } from '../helpers/run-in-terminal.js';
import { runWatchdog } from '../helpers/run-watchdog.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** The watchdog's own colours, and nothing else that starts with ESC. */
// eslint-disable-next-line no-control-regex -- matching the escape character is the point
const OWN_COLOUR = /\u001b\[(?:3[123]|39|2|1|22)m/g;
// eslint-disable-next-line no-control-regex -- what a terminal could act on: none may reach it raw
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

const visible = (text: string): string => text.replace(OWN_COLOUR, '');

/** A healthy web app and an api whose heartbeat's timestamp is long and holds escape sequences. */
function twoApps(): { dir: string } {
  const dir = makeTempDir('watchdog-terminal-');
  const hostile = `\u001b]0;pwned\u0007${'not a date '.repeat(15)}\u001b[2J`;
  writeConfig(dir, { web: { heartbeat_path: 'web.json' }, api: { heartbeat_path: 'api.json' } });
  writeFileAt(join(dir, 'web.json'), heartbeatText({ process_key: 'web', iteration: 7 }));
  writeFileAt(join(dir, 'api.json'), heartbeatText({ process_key: 'api', timestamp: hostile }));
  return { dir };
}

describe('status in a terminal and in a pipe', () => {
  it('in an 80-column terminal: every line fits, the reason is cut with …, states are coloured, escapes stay escaped', async () => {
    const { dir } = twoApps();
    assert.equal((await runWatchdog(['check'], { cwd: dir })).code, 0);
    const shown = await runInTerminal(['status'], { cwd: dir, columns: 80 });
    assert.equal(shown.code, 0, shown.screen);
    const lines = shown.screen.trimEnd().split('\n');
    for (const line of lines) assert.ok(textWidth(visible(line)) <= 80, `${textWidth(visible(line))} columns: ${line}`);
    assert.doesNotMatch(visible(shown.screen), RAW_CONTROL);
    assert.match(lines[1] ?? '', /^KEY +STATE +FAILURES +HEARTBEAT +PID +CHECKED +REASON$/);
    // Where the reason is cut depends on how many digits the PID has.
    // eslint-disable-next-line no-control-regex -- the colours are the point
    const webRow = /^web +\u001b\[32mhealthy\u001b\[39m +0\/2 /;
    // eslint-disable-next-line no-control-regex -- the colours are the point
    const apiRow = /^api +\u001b\[31minvalid_heartbeat\u001b\[39m +\u001b\[33m1\/2\u001b\[39m .* heartbeat time\S*…$/;
    assert.match(lines[2] ?? '', webRow);
    assert.match(lines[3] ?? '', apiRow);
    assert.match(lines.at(-1) ?? '', /watchdog status KEY/);
  });

  it('at 40 and 200 columns: the lines fit each width', async () => {
    const { dir } = twoApps();
    await runWatchdog(['check'], { cwd: dir });
    for (const columns of [40, 200]) {
      const shown = await runInTerminal(['status'], { cwd: dir, columns });
      for (const line of shown.screen.trimEnd().split('\n'))
        assert.ok(textWidth(visible(line)) <= columns, `${columns}: ${line}`);
    }
  });

  it('status KEY in a terminal shows the reason whole, still escaped', async () => {
    const { dir } = twoApps();
    await runWatchdog(['check'], { cwd: dir });
    const json = JSON.parse((await runWatchdog(['status', 'api', '--json'], { cwd: dir })).stdout) as {
      processes: { reason: string }[];
    };
    const reason = json.processes[0]?.reason ?? '';
    assert.ok(reason.length > 80, `precondition: a reason longer than the terminal: ${reason}`);
    const shown = await runInTerminal(['status', 'api'], { cwd: dir, columns: 80 });
    assert.equal(shown.code, 0, shown.screen);
    assert.ok(
      shown.screen.includes(`  state          \u001b[31minvalid_heartbeat\u001b[39m: ${reason}\n`),
      shown.screen,
    );
    assert.match(shown.screen, /^ {2}app output +.*\/logs\/api\.out\.log/m);
    assert.doesNotMatch(visible(shown.screen), RAW_CONTROL);
  });

  it('NO_COLOR and --no-color: fitted to the terminal, no colour', async () => {
    const { dir } = twoApps();
    await runWatchdog(['check'], { cwd: dir });
    for (const [args, env] of [
      [['status'], { NO_COLOR: '1' }],
      [['status', '--no-color'], {}],
    ] as const) {
      const shown = await runInTerminal(args, { cwd: dir, columns: 80, env });
      assert.equal(shown.code, 0, shown.screen);
      assert.doesNotMatch(shown.screen, RAW_CONTROL, `${args.join(' ')} ${JSON.stringify(env)}: no escape at all`);
      assert.match(shown.screen, /^web +healthy +0\/2 /m);
      for (const line of shown.screen.trimEnd().split('\n')) assert.ok(textWidth(line) <= 80, line);
    }
  });

  it('through a pipe: the whole table, every line whole, no colour (even with FORCE_COLOR, which node --test sets)', async () => {
    const { dir } = twoApps();
    await runWatchdog(['check'], { cwd: dir });
    const piped = await runWatchdog(['status'], { cwd: dir, env: { FORCE_COLOR: '1' } });
    assert.equal(piped.code, 0, piped.stderr);
    assert.doesNotMatch(piped.stdout, RAW_CONTROL);
    const lines = piped.stdout.split('\n');
    assert.match(
      lines[1] ?? '',
      /^KEY +NAME +STATE +FAILURES +HEARTBEAT AGE +PID +IDENTITY +USAGE +LAST CHECK +LAST RECOVERY +REASON$/,
    );
    const json = JSON.parse((await runWatchdog(['status', '--json'], { cwd: dir })).stdout) as {
      processes: { reason: string }[];
    };
    assert.ok(lines[3]?.endsWith(`  ${json.processes[1]?.reason ?? '?'}`), lines[3]);
    assert.ok((lines[3]?.length ?? 0) > 120, `wider than the terminals here, and not cut: ${lines[3]?.length} columns`);
    assert.match(piped.stdout, /^app output of api \(stdout and stderr of what the watchdog starts\): /m);
  });
});

describe('check typed in a terminal', () => {
  it('says in one line what it did; through a pipe (cron) it prints nothing', async () => {
    const { dir } = twoApps();
    const piped = await runWatchdog(['check'], { cwd: dir });
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, '');
    assert.equal(piped.stderr, '');
    const typed = await runInTerminal(['check'], { cwd: dir, columns: 80, env: { NO_COLOR: '1' } });
    assert.equal(typed.code, 0, typed.screen);
    // api's heartbeat cannot be trusted and names a live PID (this test's): its recovery is refused, said in the line.
    assert.equal(typed.screen, 'checked 2 processes: 1 healthy, api invalid_heartbeat 2/2; api recovery refused…\n');
    assert.equal(textWidth(typed.screen.trimEnd()), 80);
  });
});

describe('help and usage', () => {
  it('--help shows the first steps and the cron line whole', async () => {
    const help = await runWatchdog(['--help'], { cwd: makeTempDir('watchdog-terminal-') });
    assert.equal(help.code, 0);
    for (const step of [
      'watchdog validate -c /etc/watchdog/config.json',
      'watchdog check --dry-run',
      'watchdog status',
      'watchdog off demo_app',
    ]) {
      assert.match(help.stdout, new RegExp(`^ {2}${step.replaceAll('.', '\\.')} +\\S`, 'm'), step);
    }
    assert.match(help.stdout, /^ {2}\* \* \* \* \* root watchdog check -c \/etc\/watchdog\/config\.json$/m);
    assert.match(help.stdout, /^ {6}--no-color /m);
    const check = await runWatchdog(['check', '--help'], { cwd: makeTempDir('watchdog-terminal-') });
    assert.match(check.stdout, /^ {2}\* \* \* \* \* root watchdog check -c \/etc\/watchdog\/config\.json$/m);
    assert.match(check.stdout, /^ {2}watchdog check --dry-run +What a tick would do/m);
    const on = await runWatchdog(['on', '--help'], { cwd: makeTempDir('watchdog-terminal-') });
    assert.match(on.stdout, /^ {2}watchdog on demo_app +Turn demo_app back on/m);
  });
});
