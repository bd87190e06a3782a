// A kill or a power cut at one numbered file-changing call of a watchdog run, through the
// LD_PRELOAD shim fixtures/power-cut.c (compiled here with `cc`): the shim numbers the calls
// the run makes on the files of the "card" (the audit database's folder) and of memory (the
// folded checks' folder), raises SIGKILL at the one chosen, and keeps each card file's content
// as of its last fsync. `cutPower` then lays the card as a power cut leaves it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '../helpers/temp-dir.js';

const SHIM_SOURCE = fileURLToPath(new URL('fixtures/power-cut.c', import.meta.url));

let compiled: string | undefined;

/** The shim as a shared library, compiled once per test (its folder goes when the test ends). */
export function powerCutShim(): string {
  if (compiled !== undefined && existsSync(compiled)) return compiled;
  const out = join(makeTempDir('watchdog-power-cut-shim-'), 'power-cut.so');
  const made = spawnSync('cc', ['-shared', '-fPIC', '-O1', '-o', out, SHIM_SOURCE, '-ldl'], { encoding: 'utf8' });
  if (made.status !== 0)
    throw new Error(`cc could not build the power-cut shim: ${made.error?.message ?? made.stderr}`);
  compiled = out;
  return out;
}

/** Where a run's calls are watched, and where it is stopped. */
export interface CutPlan {
  /** The card: files whose fsynced content survives a power cut. */
  card: string;
  /** Memory: files lost whole at a power cut (the folded checks' folder). */
  tmpfs: string;
  /** Where the shim keeps the synced images. */
  images: string;
  /** The call to stop the run at (SIGKILL before it is made); none when undefined. */
  killAt?: number;
  /** A file to list every numbered call in. */
  log?: string;
}

/** The environment that loads the shim into one watchdog run. */
export function shimEnv(plan: CutPlan): Record<string, string> {
  return {
    LD_PRELOAD: powerCutShim(),
    POWERCUT_CARD: plan.card,
    POWERCUT_TMPFS: plan.tmpfs,
    POWERCUT_IMAGES: plan.images,
    POWERCUT_KILL_AT: String(plan.killAt ?? 0),
    ...(plan.log === undefined ? {} : { POWERCUT_LOG: plan.log }),
  };
}

/** One numbered file-changing call of a run. */
export interface CallPoint {
  number: number;
  call: string;
  /** The file, relative to the folder given to {@link readCallPoints}. */
  file: string;
}

/** The calls a run listed in `log`, files relative to `base`. */
export function readCallPoints(log: string, base: string): CallPoint[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [number = '', call = '', ...path] = line.split(' ');
      return { number: Number(number), call, file: relative(base, path.join(' ')) };
    });
}

/** Every regular file under `dir` (relative path → bytes). */
export function snapshotFiles(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  if (!existsSync(dir)) return files;
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const path = join(dir, name);
    if (statSync(path).isFile()) files.set(name, readFileSync(path));
  }
  return files;
}

/**
 * Lays `card` as a power cut at this moment leaves it: each file as of its last fsync in this
 * run (the shim's image), gone when the run removed it or made it and never synced it, and as
 * the run found it (`atStart`) when the run never synced it. Renames count once made (ext4
 * commits them in its journal before the data of later writes). Returns what was reverted.
 */
export function cutPower(card: string, images: string, atStart: Map<string, Buffer>): string[] {
  const synced = new Map<string, Buffer | 'gone'>();
  for (const name of existsSync(images) ? readdirSync(images) : []) {
    const match = /^(.*)\.(synced|gone)$/.exec(name);
    if (match === null) continue;
    const path = relative(card, (match[1] ?? '').replaceAll('%', '/'));
    synced.set(path, match[2] === 'gone' ? 'gone' : readFileSync(join(images, name)));
  }
  const now = snapshotFiles(card);
  const reverted: string[] = [];
  for (const path of new Set([...now.keys(), ...atStart.keys(), ...synced.keys()])) {
    const image = synced.get(path);
    const want = image === undefined ? atStart.get(path) : image === 'gone' ? undefined : image;
    const have = now.get(path);
    if (want === undefined) {
      if (have !== undefined) {
        rmSync(join(card, path));
        reverted.push(`${path} removed`);
      }
    } else if (have === undefined || !have.equals(want)) {
      mkdirSync(join(card, path, '..'), { recursive: true });
      writeFileSync(join(card, path), want);
      reverted.push(`${path} ${image === undefined ? 'as it was' : 'as synced'}`);
    }
  }
  // A folder made in the run (the lock's) holds nothing synced now: gone with its files.
  const kept = [...atStart.keys()];
  for (const name of readdirSync(card, { recursive: true, encoding: 'utf8' }).sort().reverse()) {
    const path = join(card, name);
    if (
      statSync(path).isDirectory() &&
      readdirSync(path).length === 0 &&
      !kept.some((file) => file.startsWith(`${name}/`))
    ) {
      rmdirSync(path);
      reverted.push(`${name}/ removed`);
    }
  }
  return reverted;
}
