import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/** A fresh folder under `base` (the OS temp folder by default), removed after the test. */
export function makeTempDir(t: TestContext, base = tmpdir()): string {
  const dir = mkdtempSync(join(base, 'heartbeat-writer-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
