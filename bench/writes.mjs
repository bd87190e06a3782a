// What a tick writes, and where: each tick run under strace, its writes summed by where they
// go (storage, memory, pipes and the rest), its syncs counted; and, from a preload, what the
// kernel counted for it in /proc/self/io. Used by `npm run bench` (bench/run.mjs).
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median } from './measure.mjs';

/** The system calls that write or sync; `write_bytes` of /proc/PID/io catches what they miss (pages written through mmap). */
const TRACED = 'write,pwrite64,writev,pwritev,pwritev2,fsync,fdatasync,sync_file_range,msync,sync,syncfs';
const WRITES = new Set(['write', 'pwrite64', 'writev', 'pwritev', 'pwritev2']);
const SYNCS = new Set(['fsync', 'fdatasync', 'sync_file_range', 'msync', 'sync', 'syncfs']);
/** File systems in memory: what is written there never reaches a card. */
const MEMORY_FS = new Set(['tmpfs', 'ramfs']);
/** File systems of the kernel (devices, /proc, /sys, cgroups): neither a card nor a tmpfs. */
const KERNEL_FS = new Set([
  'devtmpfs',
  'proc',
  'sysfs',
  'devpts',
  'cgroup',
  'cgroup2',
  'securityfs',
  'debugfs',
  'tracefs',
  'mqueue',
  'bpf',
  'pstore',
  'fusectl',
  'configfs',
  'binfmt_misc',
  'hugetlbfs',
  'autofs',
]);

/**
 * The strace of this machine when it can trace here (`{ version }`), else why not
 * (`{ missing }`): the section is then skipped. Tracing may be refused (ptrace in a container).
 */
export function straceStatus() {
  const version = spawnSync('strace', ['-V'], { encoding: 'utf8' });
  if (version.error !== undefined || version.status !== 0) return { missing: 'strace is not installed' };
  const probe = spawnSync('strace', ['-f', '-qq', '--seccomp-bpf', '-e', 'trace=write', '-o', '/dev/null', 'true'], {
    encoding: 'utf8',
  });
  if (probe.status !== 0) return { missing: `strace cannot trace here: ${probe.stderr.trim()}` };
  return { version: version.stdout.split('\n')[0] };
}

/** The preload that writes the process's /proc/self/io to BENCH_IO_FILE as it exits (after the tick's last write). */
export function writeIoPreload(path) {
  writeFileSync(
    path,
    "import { readFileSync, writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(process.env.BENCH_IO_FILE, readFileSync('/proc/self/io', 'utf8')));\n",
  );
}

/**
 * The mounts of this process, longest mount point first: where a path is, and of what type.
 * From /proc/self/mountinfo (mount point: 5th field, octal escapes; type: after " - ").
 */
export function readMounts() {
  const mounts = new Map();
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    if (line === '') continue;
    const [left, right] = line.split(' - ');
    const point = left.split(' ')[4].replace(/\\([0-7]{3})/g, (_, octal) => String.fromCharCode(parseInt(octal, 8)));
    // A later mount on the same point hides the earlier one.
    mounts.set(point, right.split(' ')[0]);
  }
  return [...mounts].map(([point, type]) => ({ point, type })).sort((a, b) => b.point.length - a.point.length);
}

/** Where writes to `path` (as strace -y names an fd) go: 'storage', 'memory' or 'other', and the file system's type. */
export function placeOf(path, mounts) {
  if (!path.startsWith('/')) return { place: 'other', type: path.replace(/:.*/, '') || 'unknown' };
  const file = path.replace(/ \(deleted\)$/, '');
  const mount = mounts.find(({ point }) => point === '/' || file === point || file.startsWith(`${point}/`));
  const type = mount?.type ?? 'unknown';
  const place = MEMORY_FS.has(type) ? 'memory' : KERNEL_FS.has(type) ? 'other' : 'storage';
  return { place, type };
}

/**
 * The writes and syncs in an `strace -f -y` output: per path, bytes written (what each call
 * returned) and syncs. A call another thread interrupted is split in two lines
 * (`<unfinished ...>`, `<... write resumed>`), joined here by PID.
 */
export function parseTrace(text) {
  const paths = new Map();
  const pending = new Map();
  const add = (call, path, result) => {
    const entry = paths.get(path) ?? { bytes: 0, writes: 0, syncs: 0 };
    if (WRITES.has(call) && result > 0) {
      entry.bytes += result;
      entry.writes += 1;
    } else if (SYNCS.has(call) && result === 0) entry.syncs += 1;
    paths.set(path, entry);
  };
  for (const line of text.split('\n')) {
    const unfinished = /^(\d+)\s+(\w+)\((.*) <unfinished \.\.\.>$/.exec(line);
    if (unfinished !== null) {
      pending.set(unfinished[1], { call: unfinished[2], args: unfinished[3] });
      continue;
    }
    const resumed = /^(\d+)\s+<\.\.\. (\w+) resumed>.*\)\s+=\s+(-?\d+)/.exec(line);
    if (resumed !== null) {
      const started = pending.get(resumed[1]);
      pending.delete(resumed[1]);
      if (started !== undefined) add(started.call, fdPath(started.call, started.args), Number(resumed[3]));
      continue;
    }
    const whole = /^(\d+)\s+(\w+)\((.*)\)\s+=\s+(-?\d+)/.exec(line);
    if (whole !== null) add(whole[2], fdPath(whole[2], whole[3]), Number(whole[4]));
  }
  return paths;
}

/** The path strace -y gave the call's first argument (an fd); msync, sync and syncfs name none that way. */
function fdPath(call, args) {
  if (call === 'msync') return '(mmap)';
  if (call === 'sync') return '(all)';
  // A file removed while open: `3</var/tmp/etilqs_…>(deleted)`.
  const match = /^\d+<(.*?)>(\(deleted\))?(?:, |$)/.exec(args);
  if (match === null) return '(unknown)';
  return match[2] === undefined ? match[1] : `${match[1]} (deleted)`;
}

/**
 * One run of `node [--import ioPreload] args` under strace: bytes written to storage, to
 * memory and elsewhere, syncs (of files on storage, and all), and what /proc/self/io said
 * at exit. `ignore`: paths not counted (the preload's own output).
 */
export function tracedRun(args, { env, work, mounts, ioPreload }) {
  const traceFile = join(work, 'writes.trace');
  const ioFile = join(work, 'writes.io');
  rmSync(ioFile, { force: true });
  const result = spawnSync(
    'strace',
    [
      '-f',
      '-qq',
      '-y',
      '-s',
      '0',
      '--seccomp-bpf',
      '-e',
      `trace=${TRACED}`,
      '-o',
      traceFile,
      process.execPath,
      '--import',
      ioPreload,
      ...args,
    ],
    { env: { ...env, BENCH_IO_FILE: ioFile }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`strace node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const paths = parseTrace(readFileSync(traceFile, 'utf8'));
  paths.delete(ioFile);
  const tick = {
    storage: 0,
    memory: 0,
    other: 0,
    syncs: 0,
    storageSyncs: 0,
    paths: {},
    io: { wchar: 0, syscw: 0, block: 0 },
  };
  for (const [path, entry] of paths) {
    const { place, type } = placeOf(path, mounts);
    tick[place] += entry.bytes;
    tick.syncs += entry.syncs;
    if (place === 'storage' || path.startsWith('(')) tick.storageSyncs += entry.syncs;
    tick.paths[path] = { ...entry, place, type };
  }
  const io = Object.fromEntries(
    readFileSync(ioFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(': '))
      .map(([name, value]) => [name, Number(value)]),
  );
  tick.io = { wchar: io.wchar, syscw: io.syscw, block: io.write_bytes - io.cancelled_write_bytes };
  return tick;
}

/**
 * Of ticks: the mean and the median of each figure, the worst tick (the most bytes to
 * storage) and the most syncs, each tick's figures, and each path's bytes and syncs over all.
 */
export function summarize(ticks) {
  const figures = {
    storage: (tick) => tick.storage,
    memory: (tick) => tick.memory,
    other: (tick) => tick.other,
    syncs: (tick) => tick.syncs,
    storage_syncs: (tick) => tick.storageSyncs,
    io_block: (tick) => tick.io.block,
    io_wchar: (tick) => tick.io.wchar,
  };
  const each = (reduce) =>
    Object.fromEntries(Object.entries(figures).map(([name, pick]) => [name, reduce(ticks.map(pick))]));
  const worst = ticks.reduce((a, b) => (b.storage > a.storage ? b : a));
  const paths = {};
  for (const tick of ticks) {
    for (const [path, entry] of Object.entries(tick.paths)) {
      const total = (paths[path] ??= { bytes: 0, syncs: 0, place: entry.place, type: entry.type });
      total.bytes += entry.bytes;
      total.syncs += entry.syncs;
    }
  }
  return {
    ticks: ticks.length,
    mean: each((values) => values.reduce((a, b) => a + b, 0) / values.length),
    median: each(median),
    worst: Object.fromEntries(Object.entries(figures).map(([name, pick]) => [name, pick(worst)])),
    most_syncs: Math.max(...ticks.map((tick) => tick.syncs)),
    per_tick: ticks.map((tick) => [tick.storage, tick.memory, tick.other, tick.syncs, tick.io.block]),
    paths_total: paths,
  };
}
