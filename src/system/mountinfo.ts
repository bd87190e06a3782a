/** One line of `/proc/self/mountinfo` (proc(5)), its fields unescaped. */
export interface MountEntry {
  mountId: number;
  parentId: number;
  /** The folder of the file system this mount shows (`/` unless a bind mount of a folder). */
  root: string;
  /** Where it is mounted, as this process sees it. */
  mountPoint: string;
  /** Per-mount options (`ro`, `rw`, `nosuid`...): `mount -o remount,bind,ro` changes these. */
  mountOptions: readonly string[];
  fsType: string;
  source: string;
  /** The super block's options: the kernel's `remount-ro` after card errors changes these. */
  superOptions: readonly string[];
}

/**
 * The mounts listed in a mountinfo text, in the kernel's order (a mount listed later is
 * on top of one it covers at the same mount point). A line that does not read as one is
 * skipped: the kernel writes none, and one bad line must not hide the others. Pure.
 */
export function parseMountinfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    // The optional fields (shared:N, master:N...) end at a lone "-".
    const separator = line.indexOf(' - ');
    if (separator < 0) continue;
    const mount = line.slice(0, separator).split(' ');
    const filesystem = line.slice(separator + 3).split(' ');
    const [id, parent, , root, point, options] = mount;
    const [fsType, source, superOptions] = filesystem;
    if (id === undefined || parent === undefined || root === undefined || point === undefined) continue;
    if (options === undefined || fsType === undefined || source === undefined || superOptions === undefined) continue;
    const mountId = Number(id);
    const parentId = Number(parent);
    if (!Number.isInteger(mountId) || !Number.isInteger(parentId) || !point.startsWith('/')) continue;
    entries.push({
      mountId,
      parentId,
      root: unescapeMountField(root),
      mountPoint: unescapeMountField(point),
      mountOptions: options.split(','),
      fsType: unescapeMountField(fsType),
      source: unescapeMountField(source),
      superOptions: superOptions.split(','),
    });
  }
  return entries;
}

/**
 * The mount that holds `path` (absolute, its links already resolved): the one with the
 * longest mount point that is `path` or a folder above it, whole components only (`/data`
 * does not hold `/database`); of mounts at the same point, the last listed, which covers
 * the others. `undefined` only for a list without `/`. Pure.
 */
export function findMount(entries: readonly MountEntry[], path: string): MountEntry | undefined {
  let found: MountEntry | undefined;
  for (const entry of entries) {
    if (!holds(entry.mountPoint, path)) continue;
    if (found === undefined || entry.mountPoint.length >= found.mountPoint.length) found = entry;
  }
  return found;
}

/** Whether a mount is read-only: by its own options or its super block's (either makes every write fail). */
export function isReadOnlyMount(entry: Pick<MountEntry, 'mountOptions' | 'superOptions'>): boolean {
  return entry.mountOptions.includes('ro') || entry.superOptions.includes('ro');
}

function holds(mountPoint: string, path: string): boolean {
  if (mountPoint === '/' || mountPoint === path) return true;
  return path.startsWith(mountPoint.endsWith('/') ? mountPoint : `${mountPoint}/`);
}

/** mountinfo writes space, tab, newline and backslash as octal escapes (`\040`). */
export function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}
