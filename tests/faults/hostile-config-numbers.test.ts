// Fault injection: absurd numbers and duplicate keys in the config. Every number the
// config accepts has a range a tick can run with: a timeout of 1e300 seconds, a retention
// of a billion days, a wait far beyond a day, or a number that JSON reads as Infinity would
// make a tick wait forever or never act, and zero or a negative count would make it act on
// every glance. A key written twice is silently read as its last value by JSON.parse, so a
// reader of the file and the watchdog would disagree on what it says. Each is refused like
// any invalid config: `validate` and `check` exit 78 with a `path: message` line naming the
// setting, and nothing is done (no database, nothing started), though a process is due.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { faultCase } from './report.js';
import {
  assertBystandersUntouched,
  bystanderReport,
  describeBystanders,
  startFaultWorld,
  STUB_START,
} from './fault-scenario.js';
import { inCase, watchdogWith } from './hostile-world.js';

/** The fields of one valid process with no heartbeat (so at threshold 1 it is due), as JSON text. */
function processText(fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    display_name: 'The app',
    timeout_seconds: 30,
    heartbeat_path: 'app.json',
    enabled: true,
    commands: { start: STUB_START },
    recovery_actions: ['kill', 'start'],
    ...fields,
  });
}

/** A config's text: valid top-level settings, `topLevel` (JSON text of members, may be empty), and `processes` as JSON text. */
function configText(topLevel: string, processes: string): string {
  const base = '"consecutive_failures_threshold": 1, "kill_timeout": 1, "verify_delay": 0.5, "cleanup_args": []';
  return `{${base}${topLevel === '' ? '' : `, ${topLevel}`}, "processes": ${processes}}\n`;
}

const DUPLICATE = /duplicate|twice|more than once|repeated|again/i;

interface ConfigCase {
  id: string;
  name: string;
  fault: string;
  text: string;
  /** Each must match a line of stderr: the `path: message` lines naming the settings. */
  lines: RegExp[];
  /** The key is written twice: the first line must also say so. */
  duplicate?: boolean;
}

const CASES: ConfigCase[] = [
  {
    id: 'o.1',
    name: 'timeout-1e300',
    fault: '`processes.app.timeout_seconds` of 1e300',
    text: configText('', `{"app": ${processText({ timeout_seconds: 1e300 })}}`),
    lines: [/^\s*processes\.app\.timeout_seconds: /],
  },
  {
    id: 'o.2',
    name: 'retention-billion',
    fault: '`history_retention_days` of a billion',
    text: configText('"history_retention_days": 1000000000', `{"app": ${processText()}}`),
    lines: [/^\s*history_retention_days: /],
  },
  {
    id: 'o.3',
    name: 'waits-beyond-a-day',
    fault: '`verify_delay` 1e6, `kill_timeout` 864000 and `cleanup_timeout` 1e9 seconds (top level), far beyond a day',
    text: configText(
      '"verify_delay": 1e6, "kill_timeout": 864000, "cleanup_timeout": 1e9',
      `{"app": ${processText()}}`,
    ).replace('"kill_timeout": 1, "verify_delay": 0.5, ', ''),
    lines: [/^\s*verify_delay: /, /^\s*kill_timeout: /, /^\s*cleanup_timeout: /],
  },
  {
    id: 'o.4',
    name: 'zero-and-negative',
    fault:
      '`consecutive_failures_threshold` 0, `log_max_files` 0, `processes.app.timeout_seconds` -1 and `processes.app.kill_timeout` 0',
    text: configText('"log_max_files": 0', `{"app": ${processText({ timeout_seconds: -1, kill_timeout: 0 })}}`).replace(
      '"consecutive_failures_threshold": 1',
      '"consecutive_failures_threshold": 0',
    ),
    lines: [
      /^\s*consecutive_failures_threshold: /,
      /^\s*log_max_files: /,
      /^\s*processes\.app\.timeout_seconds: /,
      /^\s*processes\.app\.kill_timeout: /,
    ],
  },
  {
    id: 'o.5',
    name: 'infinity',
    fault: '`max_clock_skew_seconds` and `processes.app.timeout_seconds` written 1e400 (JSON.parse reads Infinity)',
    text: configText(
      '"max_clock_skew_seconds": 1e400',
      `{"app": ${processText({ timeout_seconds: 0 }).replace('"timeout_seconds":0', '"timeout_seconds":1e400')}}`,
    ),
    lines: [/^\s*max_clock_skew_seconds: /, /^\s*processes\.app\.timeout_seconds: /],
  },
  {
    id: 'o.6',
    name: 'duplicate-process',
    fault:
      'process key `app` written twice in `processes`; the first block has `"timeout_seconds": "soon"`, the second is valid (JSON.parse keeps the second)',
    text: configText('', `{"app": ${processText({ timeout_seconds: 'soon' })}, "app": ${processText()}}`),
    lines: [/^\s*processes\b.*app.*: /, /^\s*processes\.app\.timeout_seconds: /],
    duplicate: true,
  },
  {
    id: 'o.7',
    name: 'duplicate-commands',
    fault: "`commands` written twice inside process `app` (the first with a start that is not the second's)",
    text: configText(
      '',
      `{"app": ${processText().replace('"commands":', '"commands": {"start": "exit 0"}, "commands":')}}`,
    ),
    lines: [/^\s*processes\.app\b.*commands|^\s*processes\.app\.commands\b/],
    duplicate: true,
  },
];

describe('fault injection: absurd numbers and duplicate keys in the config', () => {
  it('refuses each with exit 78 and a line naming it, in validate and check, and does nothing', async (t) => {
    const world = await startFaultWorld('config-numbers');
    for (const { id, name, fault, text, lines, duplicate = false } of CASES) {
      await t.test(name, () =>
        faultCase(
          id,
          `${fault}; otherwise a valid config with a process that is due (no heartbeat, threshold 1)`,
          `\`validate\` and \`check\` exit 78, each with a \`path: message\` line naming ${duplicate ? 'the key as written twice' : 'each setting'}${lines.length > 1 && duplicate ? ", and one for the first block's own error" : ''}; no database, nothing started`,
          async (seen) => {
            const folder = join(world.dir, name);
            mkdirSync(folder);
            const configPath = join(folder, 'config.json');
            writeFileSync(configPath, text);
            chmodSync(configPath, 0o644);
            const watchdog = watchdogWith(world, configPath);
            const validate = await watchdog(['validate']);
            const check = await watchdog(['check']);
            const left = readdirSync(folder).sort();
            const bystanders = await bystanderReport(world);
            const named = (stderr: string): string[] =>
              stderr
                .split('\n')
                .filter((line) => lines.some((pattern) => pattern.test(line)))
                .map((line) => inCase(world, line.trim()));
            seen.note('validate', `exit ${String(validate.code)}`);
            seen.note('its lines', named(validate.stderr));
            seen.note('check', `exit ${String(check.code)}`);
            seen.note('its lines', named(check.stderr));
            seen.note('folder holds', left);
            seen.note(describeBystanders(bystanders));

            for (const [command, result] of [
              ['validate', validate],
              ['check', check],
            ] as const) {
              assert.equal(result.code, 78, `${command} exit code; stdout: ${result.stdout}; stderr: ${result.stderr}`);
              const stderrLines = result.stderr.split('\n');
              for (const pattern of lines)
                assert.ok(
                  stderrLines.some((line) => pattern.test(line)),
                  `${command} prints a line matching ${String(pattern)}:\n${result.stderr}`,
                );
              if (duplicate) {
                assert.ok(
                  stderrLines.some((line) => lines[0]?.test(line) === true && DUPLICATE.test(line)),
                  `${command} says the key is written twice:\n${result.stderr}`,
                );
              }
            }
            assert.deepEqual(
              left,
              ['config.json'],
              'nothing was made beside the config: no database, lock, log or start',
            );
            assertBystandersUntouched(bystanders);
          },
        ),
      );
    }
  });
});
