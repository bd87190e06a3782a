import type { NetworkConfig } from '../../network/config/network-types.js';
import type { BootInstant } from '../../network/reboot/seconds-between.js';
import { buildNetworkStatus, type NetworkStatus } from '../../network/status/build-network-status.js';
import { buildStatus, type ProcessStatus } from '../../status/build-status.js';
import { readReboots } from '../../network/store/read-network-events.js';
import { emptyNetworkState, readNetworkState } from '../../network/store/read-network-state.js';
import type { Store } from '../../store/open-store.js';
import { readFrom, readLastRecoveries, readProcessStates } from '../../store/read-state.js';
import { journalStatusOf, readPendingJournals, withJournal } from '../../store/pending-journal.js';
import { readWithJournal } from '../../store/journal-applied.js';
import { foldedGenerationOf, foldedOfGeneration, readFoldedFile, withFoldedChecks } from '../../store/folded-checks.js';
import { escapeUntrustedLine } from '../../display/escape-untrusted.js';
import { WatchdogError } from '../../errors.js';
import { sqliteFaultOf } from '../../store/sqlite-fault.js';
import { readBootId, readUptimeSeconds } from '../../system/boot-info.js';
import { readProcStat } from '../../system/proc-stat.js';
import { isRecordedInstanceAlive } from '../../recovery/start-facts.js';
import type { StartedInstance } from '../../store/process-control.js';
import { EXIT } from '../exit-codes.js';
import { formatJson } from '../format/format-json.js';
import { formatNetworkStatus } from '../../network/format/format-network-status.js';
import type { ThermalConfig } from '../../thermal/config/thermal-types.js';
import { formatThermalStatus } from '../../thermal/format/format-thermal-status.js';
import { buildThermalStatus, type ThermalStatus } from '../../thermal/status/build-thermal-status.js';
import { readThermalZoneList } from '../../thermal/store/thermal-rows.js';
import { readFilesystemFigures } from '../../filesystems/filesystem-rows.js';
import { buildFilesystemStatus } from '../../status/build-filesystem-status.js';
import { formatFilesystemStatus } from '../format/format-filesystem-status.js';
import { formatStatusFitted, formatStatusSummary, formatStatusTable } from '../format/format-status.js';
import { formatStatusDetail } from '../format/format-status-detail.js';
import { fitText } from '../../display/fit-text.js';
import { outputStyleOf, type OutputStyle } from '../output-style.js';
import { formatNotifyStatus } from '../../notify/format/format-notify-status.js';
import { emptyChannelSummary, readChannelSummary } from '../../notify/queue/notification-rows.js';
import type { CliIo } from '../io.js';
import { filesystemOfKey, loadCliConfig, requireProcessKey } from '../load-cli-config.js';

export interface StatusArgs {
  config?: string | undefined;
  key?: string | undefined;
  json?: boolean | undefined;
  /** `false` for `--no-color`. */
  color?: boolean | undefined;
}

/**
 * `watchdog status [key] [--json]`: each process's state as of its last check, or of the
 * manual command run after it; its last recovery, and where its output goes; then the
 * uplink (without a key), its ladder and reboots; the thermal zones as the last tick read them.
 */
export function runStatus(
  args: StatusArgs,
  io: CliIo,
  now: () => BootInstant = currentInstant,
  procRoot = '/proc',
): number {
  const { config } = loadCliConfig(args.config, io);
  if (args.key !== undefined && filesystemOfKey(config, args.key) === undefined) requireProcessKey(config, args.key);

  const instant = now();
  const channels = config.notify?.channels.map((channel) => channel.name) ?? [];
  const pending = readPendingJournals([config.journal_path, config.fallback_journal_path]);
  // The channels as the metrics of a degraded tick count them: with the journal's notifications applied.
  const channelSummaries = (db: Store | undefined) => {
    const read = (from: Store) => channels.map((channel) => readChannelSummary(from, channel));
    const alone = () => (db === undefined ? channels.map(emptyChannelSummary) : read(db));
    if (pending.kind !== 'pending') return alone();
    try {
      return readWithJournal(db, pending.journal, read);
    } catch {
      // A journal whose rows no database takes (the next tick sets it aside): the database's own.
      return alone();
    }
  };
  const nothingRead = () => ({
    states: new Map(),
    lastRecoveries: new Map(),
    network: networkStatusOf(config.network, undefined, instant),
    thermal: thermalStatusOf(config.thermal, undefined),
    notify: channelSummaries(undefined),
    figures: new Map(),
  });
  // Read before the database: a flush in between is then seen as such (src/store/folded-checks.ts).
  const waiting = readFoldedFile(config.folded_checks_path, config.db_path);
  let read;
  try {
    read = readFrom(
      config.db_path,
      (db) => ({
        states: withFoldedChecks(
          readProcessStates(db),
          foldedOfGeneration(waiting, config.db_path, foldedGenerationOf(db)),
        ),
        lastRecoveries: readLastRecoveries(db),
        network: networkStatusOf(config.network, db, instant),
        thermal: thermalStatusOf(config.thermal, db),
        notify: channelSummaries(db),
        figures: config.filesystems.length === 0 ? new Map() : readFilesystemFigures(db),
      }),
      nothingRead,
    );
  } catch (error) {
    // Locked by another connection past the busy timeout: what the journal holds is still worth showing.
    if (pending.kind !== 'pending' || !(error instanceof WatchdogError) || sqliteFaultOf(error.cause) !== 'busy')
      throw error;
    io.err(escapeUntrustedLine(`watchdog: ${error.message}; shown from the journal ${pending.path} alone`));
    read = nothingRead();
  }
  const { states, lastRecoveries, network, thermal, notify, figures } = read;
  // What a degraded run kept in the journal is newer than the database: shown over it.
  const merged = withJournal(states, pending);
  const journal = journalStatusOf(pending, merged.fromJournal);
  const statuses = buildStatus(
    config,
    merged.states,
    lastRecoveries,
    startedInstanceAlive(instant.bootId, procRoot),
  ).filter((status) => args.key === undefined || status.key === args.key);
  const filesystems = buildFilesystemStatus(config.filesystems, merged.states, figures, lastRecoveries).filter(
    (status) => args.key === undefined || status.key === args.key,
  );
  if (args.json === true) {
    const notifications = config.notify === undefined ? null : notify;
    io.out(
      formatJson(
        args.key === undefined
          ? {
              processes: statuses,
              filesystems,
              network: network ?? null,
              thermal: thermal ?? null,
              notifications,
              journal,
            }
          : { processes: statuses, filesystems, journal },
      ),
    );
    return EXIT.ok;
  }
  const layout = outputStyleOf(io, args.color);
  io.out(formatStatusSummary(config.config_path, statuses, layout, filesystems));
  for (const line of statusLines(statuses, args.key, instant.atMs, layout)) io.out(line);
  // The reason an unreadable journal gives is the system's text, which can name files.
  const after: string[] = [];
  after.push(...formatFilesystemStatus(filesystems, layout.color));
  if (journal !== null) after.push(escapeUntrustedLine(`journal ${journal.path}: ${journal.note}`));
  if (args.key === undefined && network !== undefined) after.push(...formatNetworkStatus(network));
  if (args.key === undefined && thermal !== undefined) after.push(...formatThermalStatus(thermal));
  if (args.key === undefined) after.push(...formatNotifyStatus(notify));
  const { width } = layout;
  for (const line of after) io.out(width === undefined ? line : fitText(line, width));
  return EXIT.ok;
}

/**
 * One process whole (`status KEY`), or all of them: whole lines for a pipe or a file, or
 * cut to fit a terminal.
 */
function statusLines(
  statuses: readonly ProcessStatus[],
  key: string | undefined,
  nowMs: number,
  { width, color }: OutputStyle,
): string[] {
  if (statuses.length === 0) return [];
  const [only] = statuses;
  if (key !== undefined && only !== undefined) return formatStatusDetail(only, nowMs, color);
  return width === undefined
    ? formatStatusTable(statuses, nowMs, color)
    : formatStatusFitted(statuses, nowMs, { width, color });
}

function networkStatusOf(
  network: NetworkConfig | undefined,
  db: Store | undefined,
  now: BootInstant,
): NetworkStatus | undefined {
  if (network === undefined) return undefined;
  const state = db === undefined ? undefined : readNetworkState(db, network.interface);
  const reboots = db === undefined ? [] : readReboots(db);
  return buildNetworkStatus(network, state ?? emptyNetworkState(network.interface), reboots, now);
}

function thermalStatusOf(thermal: ThermalConfig | undefined, db: Store | undefined): ThermalStatus | undefined {
  if (thermal === undefined) return undefined;
  return buildThermalStatus(thermal, db === undefined ? [] : readThermalZoneList(db));
}

/**
 * Whether the instance the watchdog started is still that process (PID, start time, boot),
 * read from procfs as `status` runs: only then is its PID shown as the app.
 */
function startedInstanceAlive(bootId: string | undefined, procRoot: string): (instance: StartedInstance) => boolean {
  return (instance) => {
    try {
      return isRecordedInstanceAlive(instance, { stat: (pid) => readProcStat(pid, procRoot), bootId: () => bootId });
    } catch {
      // A stat that cannot be read or parsed proves nothing: the PID is not shown as the app.
      return false;
    }
  };
}

function currentInstant(): BootInstant {
  return { atMs: Date.now(), bootId: readBootId(), uptimeSeconds: readUptimeSeconds() };
}
