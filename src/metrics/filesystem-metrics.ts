import type { WatchdogConfig } from '../config/types.js';
import { escapeUntrustedLine } from '../display/escape-untrusted.js';
import { readFilesystemFigures } from '../filesystems/filesystem-rows.js';
import { HEALTH_STATES } from '../heartbeat/health-state.js';
import type { Store } from '../store/open-store.js';
import { readProcessStates } from '../store/read-state.js';
import type { MetricFamily, Sample } from './prometheus-text.js';

/**
 * The metric families of the enabled file system entries (docs/filesystems.md): free bytes
 * (for ordinary users), size and read-only flag as the last check read them (absent when it
 * read nothing), the thresholds set, the state and the failures in a row. Empty without entries.
 */
export function filesystemFamilies(db: Store, config: Pick<WatchdogConfig, 'filesystems'>): MetricFamily[] {
  const enabled = config.filesystems.filter((filesystem) => filesystem.enabled);
  if (enabled.length === 0) return [];
  const states = readProcessStates(db);
  const figures = readFilesystemFigures(db);
  const entries = enabled.map((filesystem) => ({
    labels: { filesystem: filesystem.key },
    state: states.get(filesystem.key),
    read: figures.get(filesystem.key),
  }));
  const read = (value: (row: NonNullable<(typeof entries)[number]['read']>) => number): Sample[] =>
    entries.flatMap(({ labels, read: row }) =>
      row === undefined
        ? []
        : // A mount point is whatever a user who may mount named it: escaped as `status` shows it.
          [{ labels: { ...labels, mount_point: escapeUntrustedLine(row.mount_point) }, value: value(row) }],
    );
  return [
    {
      name: 'watchdog_filesystem_free_bytes',
      type: 'gauge',
      help: "Bytes ordinary users may still write on the file system holding the entry's path (root's reserve left out).",
      samples: read((row) => row.free_bytes),
    },
    {
      name: 'watchdog_filesystem_size_bytes',
      type: 'gauge',
      help: "The size of the file system holding the entry's path.",
      samples: read((row) => row.size_bytes),
    },
    {
      name: 'watchdog_filesystem_read_only',
      type: 'gauge',
      help: "1 when the mount (or its super block) holding the entry's path is read-only.",
      samples: read((row) => row.read_only),
    },
    {
      name: 'watchdog_filesystem_min_free_bytes',
      type: 'gauge',
      help: 'min_free_mb of the file system entry, in bytes (absent without one).',
      samples: enabled.flatMap((filesystem) =>
        filesystem.min_free_mb === undefined
          ? []
          : [{ labels: { filesystem: filesystem.key }, value: filesystem.min_free_mb * 1024 * 1024 }],
      ),
    },
    {
      name: 'watchdog_filesystem_min_free_percent',
      type: 'gauge',
      help: 'min_free_percent of the file system entry (absent without one).',
      samples: enabled.flatMap((filesystem) =>
        filesystem.min_free_percent === undefined
          ? []
          : [{ labels: { filesystem: filesystem.key }, value: filesystem.min_free_percent }],
      ),
    },
    {
      name: 'watchdog_filesystem_state',
      type: 'gauge',
      help: 'The state of the last check of the file system entry: 1 for the current state, 0 for the others.',
      samples: entries.flatMap(({ labels, state }) =>
        HEALTH_STATES.map((health) => ({
          labels: { ...labels, state: health },
          value: state?.last_health === health ? 1 : 0,
        })),
      ),
    },
    {
      name: 'watchdog_filesystem_consecutive_failures',
      type: 'gauge',
      help: 'Failed checks of the file system entry in a row.',
      samples: entries.map(({ labels, state }) => ({ labels, value: state?.consecutive_failures ?? 0 })),
    },
  ];
}
