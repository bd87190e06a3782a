import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  LIBFAKETIME,
  TOOLS,
  debianPackages,
  findMissingPrerequisites,
  findOnPath,
  machineFacts,
  type MachineFacts,
} from '../../scripts/test-prerequisites.mjs';
import { makeTempDir } from '../helpers/temp-dir.js';

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));
const CHECK = join(REPOSITORY, 'scripts', 'test-prerequisites.mjs');

/** A machine on which everything is there; each case changes one fact. */
function machine(
  overrides: Partial<MachineFacts> & { without?: readonly string[] } = {},
): MachineFacts & { asked: string[] } {
  const asked: string[] = [];
  const { without = [], ...facts } = overrides;
  return {
    asked,
    findCommand: (name) => (without.includes(name) ? undefined : `/usr/bin/${name}`),
    findLibfaketime: () => '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1',
    euid: 0,
    nodeVersion: 'v20.20.2',
    tryNamespaces: () => {
      asked.push('namespaces');
      return undefined;
    },
    tryModules: () => undefined,
    ...facts,
  };
}

/** A PATH folder holding this machine's own tools but those named in `without` (by symlink). */
function pathWithout(without: string[]): string {
  const dir = makeTempDir();
  for (const { command } of TOOLS) {
    if (without.includes(command)) continue;
    const found = findOnPath(command, process.env.PATH ?? '');
    assert.ok(found !== undefined, `this machine lacks ${command}, which npm test checks for first`);
    symlinkSync(found, join(dir, command));
  }
  return dir;
}

describe('findMissingPrerequisites', () => {
  const cases: [string, Parameters<typeof machine>[0], string[]][] = [
    ['nothing missing', {}, []],
    [
      'ping missing',
      { without: ['ping'] },
      ['missing ping (the ICMP probe tests ping loopback and veth peers): apt-get install -y iputils-ping'],
    ],
    [
      'two tools missing, in the order of the list',
      { without: ['systemd-analyze', 'ip'] },
      [
        'missing ip (the network tests make network namespaces and veth pairs): apt-get install -y iproute2',
        'missing systemd-analyze (the units in deploy/ are verified by systemd itself): apt-get install -y systemd',
      ],
    ],
    [
      'libfaketime missing',
      { findLibfaketime: () => undefined },
      [`missing libfaketime.so.1 (${LIBFAKETIME.why}): apt-get install -y faketime`],
    ],
    [
      'not root',
      { euid: 1000 },
      ['not root: the tests make network and PID namespaces and throwaway users; run them as root (sudo npm test)'],
    ],
    [
      'root without the right to make namespaces',
      { tryNamespaces: () => 'unshare --pid --net: unshare failed: Operation not permitted' },
      [
        'cannot make PID and network namespaces (unshare --pid --net: unshare failed: Operation not permitted): run on a host or in a container allowed to (CAP_SYS_ADMIN)',
      ],
    ],
    ['an old Node', { nodeVersion: 'v20.11.1' }, ['Node v20.11.1 is too old: the project needs Node >= 20.19.0']],
    ['a newer Node', { nodeVersion: 'v22.1.0' }, []],
    [
      'node_modules built for another Node',
      { tryModules: () => 'The module was compiled against a different Node.js version' },
      ['node_modules not usable (The module was compiled against a different Node.js version): run npm ci'],
    ],
  ];
  for (const [name, facts, expected] of cases) {
    it(`${name}: ${expected.length === 0 ? 'nothing to say' : `${expected.length} line(s)`}`, () => {
      assert.deepEqual(findMissingPrerequisites(machine(facts)), expected);
    });
  }

  it('tries namespaces only as root with unshare there (the attempt would only add noise)', () => {
    for (const [facts, tried] of [
      [{}, true],
      [{ euid: 1000 }, false],
      [{ without: ['unshare'] }, false],
    ] as const) {
      const asked = machine(facts);
      findMissingPrerequisites(asked);
      assert.equal(asked.asked.includes('namespaces'), tried, JSON.stringify(facts));
    }
  });

  it('names every tool with its Debian package when nothing is on PATH', () => {
    const lines = findMissingPrerequisites(machine({ without: TOOLS.map((tool) => tool.command) }));
    assert.deepEqual(
      lines.map((line) => /^missing (\S+) .*: apt-get install -y (\S+)$/.exec(line)?.slice(1)),
      TOOLS.map((tool) => [tool.command, tool.package]),
    );
  });
});

describe('machineFacts, with a PATH that lacks ping', () => {
  it('finds every tool but ping, and the check says so in one line', () => {
    const facts = machineFacts({ PATH: pathWithout(['ping']) });
    assert.equal(facts.findCommand('ping'), undefined);
    assert.notEqual(facts.findCommand('ip'), undefined);
    const tools = findMissingPrerequisites(facts).filter((line) => line.startsWith('missing '));
    assert.deepEqual(tools, [
      'missing ping (the ICMP probe tests ping loopback and veth peers): apt-get install -y iputils-ping',
    ]);
  });

  it('as a command: one line naming iputils-ping on stderr, exit 1', () => {
    const run = spawnSync(process.execPath, [CHECK], {
      env: { PATH: pathWithout(['ping']) },
      encoding: 'utf8',
      timeout: 30_000,
    });
    const lines = run.stderr.split('\n').filter((line) => line.startsWith('npm test: missing '));
    assert.deepEqual(
      { status: run.status, lines },
      {
        status: 1,
        lines: [
          'npm test: missing ping (the ICMP probe tests ping loopback and veth peers): apt-get install -y iputils-ping',
        ],
      },
    );
  });

  it(
    'as a command on this machine, with everything there: silent, exit 0 (as root)',
    { skip: process.geteuid?.() !== 0 && 'the check asks for root' },
    () => {
      const run = spawnSync(process.execPath, [CHECK], { encoding: 'utf8', timeout: 30_000 });
      assert.deepEqual(
        { status: run.status, stderr: run.stderr, stdout: run.stdout },
        { status: 0, stderr: '', stdout: '' },
      );
    },
  );
});

describe('the Debian packages the list names', () => {
  it('are exactly what .ci/run installs', () => {
    const script = readFileSync(join(REPOSITORY, '.ci/run'), 'utf8').replace(/\\\n/g, ' ');
    const installed = [...script.matchAll(/apt-get install -y ([^\n|&;]*)/g)]
      .flatMap((match) => (match[1] ?? '').trim().split(/\s+/))
      .filter((word) => !word.startsWith('-'));
    assert.deepEqual([...new Set(installed)].sort(), debianPackages());
  });

  it('are each named in docs/development.md', () => {
    const page = readFileSync(join(REPOSITORY, 'docs/development.md'), 'utf8');
    assert.deepEqual(
      debianPackages().filter((name) => !page.includes(`\`${name}\``)),
      [],
    );
  });
});
