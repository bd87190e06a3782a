import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describeError, systemErrorCode } from '../../errors.js';

/** One LUN of a USB mass-storage gadget function that has a backing file. */
export interface MassStorageBacking {
  /** The gadget's folder. */
  gadget: string;
  /** e.g. `mass_storage.usb0`. */
  function: string;
  /** e.g. `lun.0`. */
  lun: string;
  /** What it presents to the USB host (an ISO, a disk image). */
  file: string;
  /** The gadget's `UDC`: the controller it is bound to, empty when unbound. */
  udc: string;
}

export interface MassStorageScan {
  backings: MassStorageBacking[];
  /** Set when some part of the tree could not be read: the guard then cannot rule a backing out. */
  error?: string;
}

/**
 * Every LUN with a backing file under a configfs gadget folder (`.../usb_gadget/NAME`), or
 * under every gadget of a folder of gadgets (`.../usb_gadget`). A missing folder means no
 * gadgets (configfs not mounted, no gadget set up). A backing of `""` or `none` is no backing.
 */
export function findMassStorage(gadgetDir: string): MassStorageScan {
  const backings: MassStorageBacking[] = [];
  try {
    for (const gadget of gadgetsIn(gadgetDir)) {
      const udc = readTrimmed(join(gadget, 'UDC')) ?? '';
      for (const fn of listNames(join(gadget, 'functions')).filter((name) => name.startsWith('mass_storage.'))) {
        for (const lun of listNames(join(gadget, 'functions', fn)).filter((name) => /^lun\.\d+$/.test(name))) {
          const file = readTrimmed(join(gadget, 'functions', fn, lun, 'file')) ?? '';
          if (file !== '' && file !== 'none') backings.push({ gadget, function: fn, lun, file, udc });
        }
      }
    }
  } catch (error) {
    return { backings, error: describeError(error) };
  }
  return { backings };
}

/** A gadget folder has a `functions` folder; otherwise each sub-folder is taken for a gadget. */
function gadgetsIn(dir: string): string[] {
  if (isThere(join(dir, 'functions'))) return [dir];
  return listNames(dir)
    .map((name) => join(dir, name))
    .filter((path) => isThere(join(path, 'functions')));
}

/**
 * Whether something is at `path` (whatever it is: a `functions` that is no folder makes the
 * scan fail, and the guard hold). A path that cannot be looked at (EACCES, ELOOP) throws.
 */
function isThere(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT' || systemErrorCode(error) === 'ENOTDIR') return false;
    throw error;
  }
}

/** Entries of a folder; none when it does not exist. */
function listNames(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return [];
    throw error;
  }
}

function readTrimmed(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** `rockchip/mass_storage.usb0/lun.0 → /data/debian.iso`, for logs and the audit log. */
export function describeBacking(backing: MassStorageBacking): string {
  const bound = backing.udc === '' ? 'not bound to a USB controller' : `bound to ${backing.udc}`;
  return `${basename(backing.gadget)}/${backing.function}/${backing.lun} presents ${backing.file} (${bound})`;
}
