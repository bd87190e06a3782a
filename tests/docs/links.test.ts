// Every relative link in the README, BENCHMARKS.md and docs/ points to a file that exists
// and, with a `#anchor`, to a heading of that file: the reference moved from the README to
// docs/ (issue 21), and a link left pointing at a README section that is gone fails here.
// No network: links to other sites are not followed.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { anchorsOf, linksOf, slugOf } from '../helpers/markdown-links.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOCS = join(ROOT, 'docs');
const PAGES = [
  join(ROOT, 'README.md'),
  join(ROOT, 'BENCHMARKS.md'),
  join(ROOT, 'heartbeat-writer', 'README.md'),
  ...readdirSync(DOCS)
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(DOCS, name)),
];

/** What is wrong with each relative link of `file` (empty when every one resolves). */
function brokenLinks(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const problems: string[] = [];
  for (const { target, line } of linksOf(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, file:
    const [path = '', anchor] = target.split('#', 2);
    const where = `${relative(ROOT, file)}:${line}: ${target}`;
    const resolved = path === '' ? file : join(dirname(file), decodeURIComponent(path));
    if (!existsSync(resolved)) {
      problems.push(`${where}: no such file`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!statSync(resolved).isFile() || !resolved.endsWith('.md')) {
      problems.push(`${where}: an anchor into something that is not a Markdown file`);
      continue;
    }
    if (!anchorsOf(readFileSync(resolved, 'utf8')).has(anchor)) problems.push(`${where}: no heading with that anchor`);
  }
  return problems;
}

describe('Markdown links', () => {
  it('makes anchors as GitHub does', () => {
    const cases: [string, string][] = [
      ['Crash-loop guard', 'crash-loop-guard'],
      ['Watching the watchdog: `ping_url`', 'watching-the-watchdog-ping_url'],
      ['The `network` section', 'the-network-section'],
      ['stop-all, start-all', 'stop-all-start-all'],
      ['Order: which write wins', 'order-which-write-wins'],
      ['`status --json`', 'status---json'],
    ];
    for (const [heading, slug] of cases) assert.equal(slugOf(heading), slug, heading);
  });

  it('numbers a repeated heading and ignores headings in code', () => {
    const anchors = anchorsOf('# Logs\n\n## Logs\n\n```sh\n# not a heading\n```\n');
    assert.deepEqual([...anchors], ['logs', 'logs-1']);
  });

  it('finds links outside code only', () => {
    const text = 'See [a](a.md#x) and `[b](b.md)`.\n```md\n[c](c.md)\n```\n[d](https://example.com)';
    assert.deepEqual(linksOf(text), [
      { target: 'a.md#x', line: 1 },
      { target: 'https://example.com', line: 5 },
    ]);
  });

  it('reports a missing file and a missing anchor', () => {
    const problems = brokenLinks(fileURLToPath(new URL('../fixtures/docs/broken-links.md', import.meta.url)));
    assert.deepEqual(
      problems.map((problem) => problem.replace(/^.*?:\d+: /, '')),
      [
        'gone.md: no such file',
        '#nowhere: no heading with that anchor',
        'present.md#nowhere: no heading with that anchor',
      ],
    );
  });

  for (const page of PAGES) {
    it(`${relative(ROOT, page)}: every relative link resolves`, () => {
      assert.deepEqual(brokenLinks(page), []);
    });
  }
});
