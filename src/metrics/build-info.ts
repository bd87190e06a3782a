import type { MetricFamily } from './prometheus-text.js';

/** What the running watchdog is: its package's version and Node's. */
export interface BuildFacts {
  /** The package's version as `watchdog --version` says it; `undefined` when it could not be read. */
  version: string | undefined;
  /** Node's version (`process.versions.node`). */
  nodeVersion: string;
}

/** The longest version a label carries: a package.json edited by hand is not a reason for a huge textfile. */
const MAX_VERSION_LENGTH = 64;

/**
 * `watchdog_build_info{version,node_version}`, always 1, as node_exporter's
 * `node_exporter_build_info` (a fleet counts its devices by version with
 * `count by (version) (watchdog_build_info)`). A version that cannot be read is `unknown`.
 */
export function buildInfoFamily(build: BuildFacts): MetricFamily {
  return {
    name: 'watchdog_build_info',
    type: 'gauge',
    help: 'Always 1: the version of the watchdog that wrote this file, and of the Node.js it ran on.',
    samples: [{ labels: { version: labelOf(build.version), node_version: labelOf(build.nodeVersion) }, value: 1 }],
  };
}

function labelOf(version: string | undefined): string {
  if (version === undefined || version === '') return 'unknown';
  return version.length > MAX_VERSION_LENGTH ? version.slice(0, MAX_VERSION_LENGTH) : version;
}
