// The built package (dist/), loaded by separate Node processes exactly as apps load
// it: by name, through this package's "exports". Needs `npm run build` first
// (`npm test` runs it as pretest).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readHeartbeat } from './helpers/read-heartbeat.js';
import { makeTempDir } from './helpers/temp-dir.js';

const testsDir = dirname(fileURLToPath(import.meta.url));
const packageDir = dirname(testsDir);
const fixtures = join(testsDir, 'fixtures');

interface ConsumerReport {
  resolved: string;
  loadedAsCommonJs?: boolean;
  heartbeatPath: string;
  iterationCount: number;
}

function runConsumer(script: string, heartbeatDir: string): ConsumerReport {
  const stdout = execFileSync(process.execPath, [join(fixtures, script), heartbeatDir], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return JSON.parse(stdout) as ConsumerReport;
}

test('ESM: import { HeartbeatWriter } from "edge-watchdog-heartbeat" loads dist/esm and works', (t) => {
  const dir = makeTempDir(t);
  const report = runConsumer('esm-consumer.mjs', dir);
  assert.equal(report.resolved, pathToFileURL(join(packageDir, 'dist/esm/index.js')).href);
  assert.equal(report.heartbeatPath, join(dir, 'esm_app.json'));
  assert.equal(report.iterationCount, 2);
  const record = readHeartbeat(report.heartbeatPath);
  assert.equal(record.process_key, 'esm_app');
  assert.equal(record.iteration, 2);
});

test('CommonJS: require("edge-watchdog-heartbeat") loads dist/cjs and works', (t) => {
  const dir = makeTempDir(t);
  const report = runConsumer('cjs-consumer.cjs', dir);
  assert.equal(report.resolved, join(packageDir, 'dist/cjs/index.js'));
  assert.equal(report.loadedAsCommonJs, true);
  assert.equal(report.iterationCount, 2);
  assert.equal(readHeartbeat(report.heartbeatPath).process_key, 'cjs_app');
});

test('types: both conditions resolve to their own declarations and type-check', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(fixtures, 'types', 'tsconfig.json'), '--explainFiles'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(result.status, 0, `tsc failed:\n${result.stdout}\n${result.stderr}`);
  const included = result.stdout.split('\n').filter((line) => !line.startsWith(' '));
  const relative = (path: string) => path.replaceAll('\\', '/');
  assert.ok(
    included.some((line) => relative(line).endsWith('dist/esm/index.d.ts')),
    `dist/esm/index.d.ts not used:\n${result.stdout}`,
  );
  assert.ok(
    included.some((line) => relative(line).endsWith('dist/cjs/index.d.ts')),
    `dist/cjs/index.d.ts not used:\n${result.stdout}`,
  );
});
