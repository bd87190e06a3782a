#!/usr/bin/env node
// Builds the package twice from the same source: ESM into dist/esm and CommonJS into
// dist/cjs, each with its own declarations, so `import` and `require` both get
// native code and matching types. dist/cjs/package.json marks that folder as
// CommonJS, overriding this package's "type": "module" for Node and TypeScript.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function compile(project) {
  const result = spawnSync(process.execPath, [tsc, '-p', join(packageDir, project)], { stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`build: tsc -p ${project} failed\n`);
    process.exit(result.status ?? 1);
  }
}

rmSync(join(packageDir, 'dist'), { recursive: true, force: true });
compile('tsconfig.build.json');
compile('tsconfig.build.cjs.json');
mkdirSync(join(packageDir, 'dist/cjs'), { recursive: true });
writeFileSync(join(packageDir, 'dist/cjs/package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
