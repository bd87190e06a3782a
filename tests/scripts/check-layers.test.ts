import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { checkLayers, findCycles, moduleOf, parseLayers } from '../../scripts/check-layers.mjs';
import { makeTempDir } from '../helpers/temp-dir.js';

const DESIGN = `# Design

Some text.

## Layers

| layer | folders | what they hold |
|---|---|---|
| 0 | \`errors.ts\` | the bottom |
| 1 | \`time/\` | clocks |
| 2 | \`store/\`, \`logging/\` | rows; the log |
| 3 | \`tick/\` | one tick |
| 4 | \`cli/\`, \`index.ts\` | the top |

## Folders

| folder | what it holds |
|---|---|
| 9 | \`notalayer/\` |
`;

/** A repository with docs/design.md as above and the given files under src/. */
function repository(files: Record<string, string>, design = DESIGN): string {
  const dir = makeTempDir();
  mkdirSync(join(dir, 'docs'));
  writeFileSync(join(dir, 'docs', 'design.md'), design);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, 'src', path)), { recursive: true });
    writeFileSync(join(dir, 'src', path), text);
  }
  return dir;
}

function breaksOf(files: Record<string, string>): string[] {
  const dir = repository(files);
  try {
    return checkLayers(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A tree that keeps the layers: every import goes down. */
const CLEAN = {
  'errors.ts': 'export class E extends Error {}\n',
  'time/clock.ts':
    "import { E } from '../errors.js';\nexport const now = (): number => { if (E) return 1; return 0; };\n",
  'store/rows.ts': "import { now } from '../time/clock.js';\nexport const at = now();\n",
  'logging/log.ts': "import type { E } from '../errors.js';\nexport type L = E;\n",
  'tick/run-tick.ts':
    "import { at } from '../store/rows.js';\nimport { helper } from './helper.js';\nexport const t = at + helper;\n",
  'tick/helper.ts': 'export const helper = 1;\n',
  'cli/main.ts': "export const main = async () => (await import('../tick/run-tick.js')).t;\n",
  'index.ts': "export { t } from './tick/run-tick.js';\n",
};

describe('parseLayers', () => {
  it('reads each module and its layer from the table under "## Layers", and no other table', () => {
    const layers = parseLayers(DESIGN);
    assert.deepEqual(
      [...layers],
      [
        ['errors.ts', 0],
        ['time/', 1],
        ['store/', 2],
        ['logging/', 2],
        ['tick/', 3],
        ['cli/', 4],
        ['index.ts', 4],
      ],
    );
  });

  it('refuses a design without the section, a section without a table, a module in two layers', () => {
    assert.throws(() => parseLayers('# Design\n\n## Folders\n'), /no "## Layers" section/);
    assert.throws(() => parseLayers('# Design\n\n## Layers\n\nprose only\n'), /no table of layers/);
    assert.throws(
      () => parseLayers('## x\n\n## Layers\n\n| 0 | `time/` | a |\n| 1 | `time/` | b |\n'),
      /places time\/ in two layers/,
    );
  });
});

describe('checkLayers', () => {
  it('finds nothing in a tree whose imports all go down (static, type-only, lazy, re-exports)', () => {
    assert.deepEqual(breaksOf(CLEAN), []);
  });

  it('names an import that goes up a layer, whatever its form', () => {
    for (const line of [
      "import { t } from '../tick/run-tick.js';",
      "import type { t } from '../tick/run-tick.js';",
      "export { t } from '../tick/run-tick.js';",
      "const lazy = () => import('../tick/run-tick.js');",
    ]) {
      const breaks = breaksOf({ ...CLEAN, 'store/rows.ts': `${line}\nexport const at = 1;\n` });
      assert.deepEqual(
        breaks.filter((line) => !line.startsWith('import cycle')),
        ['src/store/rows.ts imports src/tick/run-tick.ts: store/ (layer 2) may not import tick/ (layer 3)'],
        line,
      );
    }
  });

  it('names an import between two folders of the same layer', () => {
    assert.deepEqual(
      breaksOf({ ...CLEAN, 'logging/log.ts': "import { at } from '../store/rows.js';\nexport const l = at;\n" }),
      ['src/logging/log.ts imports src/store/rows.ts: logging/ and store/ share layer 2 and may not import each other'],
    );
  });

  it('names a root file importing up: the library entry is a layer of its own', () => {
    assert.deepEqual(
      breaksOf({ ...CLEAN, 'errors.ts': "import { at } from './store/rows.js';\nexport const e = at;\n" }),
      [
        'src/errors.ts imports src/store/rows.ts: errors.ts (layer 0) may not import store/ (layer 2)',
        'import cycle: src/errors.ts → src/store/rows.ts → src/time/clock.ts → src/errors.ts',
      ],
    );
  });

  it('names a folder the table does not place, once', () => {
    assert.deepEqual(
      breaksOf({ ...CLEAN, 'notalayer/a.ts': 'export const a = 1;\n', 'notalayer/b.ts': 'export const b = 2;\n' }),
      ['src/notalayer/ is in no layer: add it to the table under "## Layers" in docs/design.md'],
    );
  });

  it('names an import cycle between files of one folder, as a path each file of which imports the next', () => {
    assert.deepEqual(
      breaksOf({
        ...CLEAN,
        'tick/helper.ts':
          "import type { t } from './run-tick.js';\nexport const helper = 1;\nexport type T = typeof t;\n",
      }),
      ['import cycle: src/tick/helper.ts → src/tick/run-tick.ts → src/tick/helper.ts'],
    );
  });

  it('does not read a module name out of comments or strings', () => {
    assert.deepEqual(
      breaksOf({
        ...CLEAN,
        'store/rows.ts':
          "// import { t } from '../tick/run-tick.js';\nexport const at = \"from '../tick/run-tick.js'\".length;\n",
      }),
      [],
    );
  });
});

describe('findCycles', () => {
  it('finds a file that imports itself and a ring of three, and nothing in a chain', () => {
    const imports = new Map([
      ['a.ts', ['a.ts']],
      ['x/b.ts', ['x/c.ts']],
      ['x/c.ts', ['x/d.ts']],
      ['x/d.ts', ['x/b.ts']],
      ['y/e.ts', ['y/f.ts']],
      ['y/f.ts', []],
    ]);
    assert.deepEqual(findCycles(imports), [
      ['a.ts', 'a.ts'],
      ['x/b.ts', 'x/c.ts', 'x/d.ts', 'x/b.ts'],
    ]);
  });
});

describe('moduleOf', () => {
  it('is the top folder of a file in one, and the file itself at the root', () => {
    assert.equal(moduleOf('network/reboot/decide-reboot.ts'), 'network/');
    assert.equal(moduleOf('errors.ts'), 'errors.ts');
  });
});

describe('scripts/check-layers.mjs', () => {
  it('exits 1 and names each break on a broken tree, and exits 0 on a clean one', () => {
    const broken = repository({
      ...CLEAN,
      'time/clock.ts': "import { at } from '../store/rows.js';\nexport const now = at;\n",
    });
    const clean = repository(CLEAN);
    try {
      const run = (dir: string): { status: number; output: string } => {
        try {
          const stdout = execFileSync(process.execPath, ['scripts/check-layers.mjs', dir], {
            encoding: 'utf8',
            stdio: 'pipe',
          });
          return { status: 0, output: stdout };
        } catch (error) {
          const failed = error as { status: number; stderr: string };
          return { status: failed.status, output: failed.stderr };
        }
      };
      const bad = run(broken);
      assert.equal(bad.status, 1);
      assert.match(
        bad.output,
        /src\/time\/clock\.ts imports src\/store\/rows\.ts: time\/ \(layer 1\) may not import store\/ \(layer 2\)/,
      );
      assert.match(bad.output, /import cycle: /);
      assert.match(bad.output, /\n2 breaks of the layers in docs\/design\.md/);
      const good = run(clean);
      assert.deepEqual(good, {
        status: 0,
        output: 'layers: every import of src/ goes down a layer; no import cycle\n',
      });
    } finally {
      rmSync(broken, { recursive: true, force: true });
      rmSync(clean, { recursive: true, force: true });
    }
  });
});
