// The alerting shipped in deploy/prometheus/, as the engines themselves read it: promtool
// checks the rules and runs their unit tests (the *.promtool.yml files beside this one),
// amtool checks the Alertmanager example and where it routes each severity. Nothing is
// started or sent: both tools only read files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { requireOnPath } from '../helpers/find-on-path.js';
import { anchorsOf } from '../helpers/markdown-links.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));
const RULES = join(REPOSITORY, 'deploy/prometheus/watchdog-rules.yml');
const RULE_TESTS = ['watchdog-rules.promtool.yml', 'watchdog-rules-daily.promtool.yml'].map((name) =>
  join(REPOSITORY, 'tests/deploy', name),
);
const ALERTMANAGER = join(REPOSITORY, 'deploy/prometheus/alertmanager.yml');
const PAGE = join(REPOSITORY, 'docs/fleet-alerting.md');
const RUNBOOK_PREFIX = 'https://watchdog.example.com/docs/fleet-alerting.md#';

interface Run {
  status: number | null;
  output: string;
}

function run(command: string, args: readonly string[], cwd = REPOSITORY): Run {
  const result = spawnSync(requireOnPath(command), args, { cwd, encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.error, undefined, String(result.error));
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

interface AlertRule {
  name: string;
  /** The rule's lines, from `- alert:` to the next rule. */
  text: string;
}

/** The alerting rules of the file, by their `- alert:` lines (the file is ours: one key a line). */
function alertRules(): AlertRule[] {
  const parts = readFileSync(RULES, 'utf8')
    .split(/^\s+- alert: /m)
    .slice(1);
  return parts.map((part) => ({ name: part.split('\n')[0]?.trim() ?? '', text: part }));
}

/** In the promtool tests, for each alert name: whether some case expects it firing, and some not. */
function testedOutcomes(): Map<string, { fires: boolean; quiet: boolean }> {
  const outcomes = new Map<string, { fires: boolean; quiet: boolean }>();
  for (const file of RULE_TESTS) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, index) => {
      const name = /^\s+alertname: (\S+)$/.exec(line)?.[1];
      if (name === undefined) return;
      const expected = lines[index + 1]?.trim();
      const outcome = outcomes.get(name) ?? { fires: false, quiet: false };
      if (expected === 'exp_alerts: []') outcome.quiet = true;
      else if (expected === 'exp_alerts:') outcome.fires = true;
      else assert.fail(`line ${index + 2} of ${file}: exp_alerts expected after alertname, got ${expected}`);
      outcomes.set(name, outcome);
    });
  }
  return outcomes;
}

describe('deploy/prometheus/watchdog-rules.yml', () => {
  it('passes `promtool check rules`', () => {
    const checked = run('promtool', ['check', 'rules', RULES]);
    assert.equal(checked.status, 0, checked.output);
    assert.match(checked.output, new RegExp(`SUCCESS: ${alertRules().length} rules found`));
  });

  it('passes its unit tests (`promtool test rules`)', () => {
    const tested = run('promtool', ['test', 'rules', ...RULE_TESTS], join(REPOSITORY, 'tests/deploy'));
    assert.equal(tested.status, 0, tested.output);
    assert.match(tested.output, /SUCCESS/);
  });

  it('fails a unit test that expects the wrong thing (the control: promtool reports failures)', () => {
    const dir = makeTempDir();
    const wrong = join(dir, 'wrong.yml');
    writeFileSync(
      wrong,
      [
        `rule_files: [${JSON.stringify(RULES)}]`,
        'tests:',
        '  - interval: 1m',
        '    input_series:',
        `      - series: 'watchdog_process_state{instance="gw-1:9100",job="node",process="cam",state="gave_up"}'`,
        '        values: "1x5"',
        '    alert_rule_test:',
        '      - eval_time: 2m',
        '        alertname: WatchdogAppGaveUp',
        '        exp_alerts: []',
        '',
      ].join('\n'),
    );
    const tested = run('promtool', ['test', 'rules', wrong], dir);
    assert.equal(tested.status, 1, tested.output);
    assert.match(tested.output, /FAILED:[\s\S]*alertname: WatchdogAppGaveUp, time: 2m/);
  });

  it('gives every alert a severity, a summary, a description and a runbook section in docs/fleet-alerting.md', () => {
    const anchors = anchorsOf(readFileSync(PAGE, 'utf8'));
    const rules = alertRules();
    assert.ok(rules.length >= 10, `the rules were read: ${rules.map((rule) => rule.name).join(', ')}`);
    const problems = rules.flatMap(({ name, text }) => {
      const found: string[] = [];
      if (!/^\s+severity: (critical|warning|info)$/m.test(text))
        found.push(`${name}: no severity critical|warning|info`);
      if (!/^\s+summary: .*\{\{ \$labels\.instance \}\}/m.test(text))
        found.push(`${name}: no summary naming the instance`);
      if (!/^\s+description: .*\{\{ \$labels\.instance \}\}/m.test(text))
        found.push(`${name}: no description naming the instance`);
      const runbook = /^\s+runbook_url: "(.*)"$/m.exec(text)?.[1];
      if (runbook !== `${RUNBOOK_PREFIX}${name.toLowerCase()}`) found.push(`${name}: runbook_url ${runbook}`);
      if (!anchors.has(name.toLowerCase())) found.push(`${name}: no section "### ${name}" in docs/fleet-alerting.md`);
      return found;
    });
    assert.deepEqual(problems, []);
  });

  it('has a unit test where each alert fires and one where it does not', () => {
    const outcomes = testedOutcomes();
    const untested = alertRules()
      .map(({ name }) => ({ name, outcome: outcomes.get(name) }))
      .filter(({ outcome }) => outcome?.fires !== true || !outcome.quiet)
      .map(({ name, outcome }) => `${name}: ${JSON.stringify(outcome ?? 'never tested')}`);
    assert.deepEqual(untested, []);
  });
});

describe('deploy/prometheus/alertmanager.yml', () => {
  it('passes `amtool check-config`', () => {
    const checked = run('amtool', ['check-config', ALERTMANAGER]);
    assert.equal(checked.status, 0, checked.output);
    assert.match(checked.output, /SUCCESS/);
    assert.match(checked.output, /3 inhibit rules/);
  });

  for (const [labels, receiver] of [
    [['severity=critical', 'alertname=WatchdogAppGaveUp', 'instance=gw-1:9100'], 'pager'],
    [['severity=warning', 'alertname=WatchdogAppDown', 'instance=gw-1:9100'], 'chat'],
    [['severity=info', 'alertname=WatchdogRebooted', 'instance=gw-1:9100'], 'null'],
    [['alertname=SomethingElse'], 'chat'],
  ] as const) {
    it(`routes ${labels.join(' ')} to ${receiver}`, () => {
      const routed = run('amtool', [
        'config',
        'routes',
        'test',
        `--config.file=${ALERTMANAGER}`,
        `--verify.receivers=${receiver}`,
        ...labels,
      ]);
      assert.equal(routed.status, 0, routed.output);
      assert.equal(routed.output.split('\n').filter((line) => !line.startsWith('Warning: '))[0], receiver);
    });
  }
});
