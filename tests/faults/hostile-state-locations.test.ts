// Fault injection, hostile users: where the watchdog keeps its own files. The audit
// database, its journal, the lock, the log folder and the metrics textfile are written by
// root at every tick; in a folder another user can write, that user could swap them for
// links (to make root overwrite a file of their choosing), take the lock, or forge the
// audit log. Such a location is refused before anything is done (exit 78, the setting
// named, no database, nothing started), by `check` and by `validate` alike; the metrics
// folder only by `validate`: a tick never stops supervising over its metrics, it writes none
// to an unsafe folder and logs why, even when the owner of a folder above it (allowed, as
// Debian's /var/lib/prometheus) moves it away or puts a folder of theirs in its place. And a
// temporary file is never made at a name someone could have planted a link at: a folder
// that was once open, its leftover links at the textfile's old predictable temporary names
// (`<textfile>.<pid>.tmp`) pointing at a root-only file, must not lead root to that file.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { faultCase } from './report.js';
import {
  assertBystandersUntouched,
  bystanderReport,
  checksOf,
  describeBystanders,
  describeRun,
  stubStarts,
  writeFaultConfig,
} from './fault-scenario.js';
import {
  describeKernel,
  inCase,
  mountVault,
  startHostileWorld,
  watchdogWith,
  type HostileWorld,
} from './hostile-world.js';

/** A folder in the case's folder made by root with this mode and group. */
function rootFolder(world: HostileWorld, name: string, mode: number, gid = 0): string {
  const path = join(world.dir, name);
  mkdirSync(path);
  chownSync(path, 0, gid);
  // Explicitly, whatever the umask.
  chmodSync(path, mode);
  return path;
}

describe("fault injection, hostile users: the watchdog's own files", () => {
  it('refuses a state, log or metrics location another user can write, in check and validate alike', async (t) => {
    const world = await startHostileWorld('hostile-state');
    const { hostile } = world;
    await hostile.mkdir(join(hostile.home, 'logs'));
    await hostile.mkdir(join(hostile.home, 'state'));
    const groupShared = rootFolder(world, 'metrics-group', 0o775, hostile.user.gid);
    const worldOpen = rootFolder(world, 'journal-open', 0o777);
    const sticky = rootFolder(world, 'lock-sticky', 0o1777);

    const cases = [
      {
        id: 'm.11',
        setting: 'log_dir',
        where: 'a folder the hostile user made and owns (0755)',
        topLevel: { log_dir: join(hostile.home, 'logs') },
        watched: join(hostile.home, 'logs'),
        names: /^\s*log_dir: /m,
      },
      {
        id: 'm.12',
        setting: 'metrics.textfile_path',
        where: "a folder of root's whose group is the hostile user's (0775)",
        topLevel: { metrics: { textfile_path: join(groupShared, 'watchdog.prom') } },
        watched: groupShared,
        names: /metrics\.textfile_path/,
        // A tick never stops supervising over its metrics: it writes none there and logs why.
        tickRuns: true,
      },
      {
        id: 'm.13',
        setting: 'db_path',
        where: 'a folder the hostile user made and owns (0755)',
        topLevel: { db_path: join(hostile.home, 'state/watchdog.db') },
        watched: join(hostile.home, 'state'),
        names: /^\s*db_path: /m,
      },
      {
        id: 'm.14',
        setting: 'journal_path',
        where: "a folder of root's writable by everyone (0777)",
        topLevel: { journal_path: join(worldOpen, 'watchdog.journal') },
        watched: worldOpen,
        names: /^\s*journal_path: /m,
      },
      {
        id: 'm.15',
        setting: 'lock_path',
        where: "a folder of root's writable by everyone with the sticky bit (1777, as /tmp)",
        topLevel: { lock_path: join(sticky, 'watchdog.lock') },
        watched: sticky,
        names: /^\s*lock_path: /m,
      },
    ];

    for (const { id, setting, where, topLevel, watched, names, tickRuns = false } of cases) {
      await t.test(setting, () =>
        faultCase(
          id,
          `\`${setting}\` in ${where}; the config otherwise valid, with a process that is due (no heartbeat, threshold 1)`,
          tickRuns
            ? `\`validate\` exits 78 naming \`${setting}\`; \`check\` still supervises (exit 0, the app started) but makes nothing in the folder and logs why`
            : `\`check\` and \`validate\` exit 78 and name \`${setting}\` on stderr; nothing done: no database, no lock or log, nothing started, nothing made in the folder`,
          async (seen) => {
            const configDir = rootFolder(world, `config-${setting.replace('.', '-')}`, 0o755);
            const configPath = writeFaultConfig(
              configDir,
              { app: { heartbeat_path: 'app.json' } },
              { consecutive_failures_threshold: 1, ...topLevel },
            );
            const watchdog = watchdogWith(world, configPath);

            const check = await watchdog(['check']);
            const validate = await watchdog(['validate']);
            const left = readdirSync(configDir).sort();
            const inWatched = readdirSync(watched).sort();
            const bystanders = await bystanderReport(world);
            const named = (stderr: string): string =>
              inCase(
                world,
                stderr
                  .split('\n')
                  .find((line) => names.test(line))
                  ?.trim() ?? 'not named',
              );
            seen.note('check', `exit ${String(check.code)}`);
            seen.note('its line', named(check.stderr));
            seen.note('validate', `exit ${String(validate.code)}, ${named(validate.stderr)}`);
            seen.note('config folder holds', left);
            seen.note(`${setting}'s folder holds`, inWatched);
            seen.note('stub starts', stubStarts(configDir).length);
            seen.note(describeBystanders(bystanders));

            assert.equal(
              validate.code,
              78,
              `validate exit code; stdout: ${validate.stdout}; stderr: ${validate.stderr}`,
            );
            assert.match(validate.stderr, names, 'validate names the setting');
            assert.deepEqual(inWatched, [], 'nothing was made in the folder the hostile user can write');
            if (tickRuns) {
              const log = readFileSync(join(configDir, 'logs', 'watchdog.log'), 'utf8');
              seen.note(
                'its log line',
                inCase(world, log.split('\n').find((line) => line.includes('metrics: cannot write')) ?? 'none'),
              );
              assert.equal(check.code, 0, `check exit code; stderr: ${check.stderr}`);
              assert.deepEqual(stubStarts(configDir), ['app'], 'the tick still recovered the app');
              assert.match(
                log,
                /error metrics: cannot write .*: .* is a folder others can write \(mode 0775\)/,
                'the log says why no metrics were written',
              );
            } else {
              assert.equal(check.code, 78, `check exit code; stderr: ${check.stderr}`);
              assert.match(check.stderr, names, 'check names the setting');
              assert.deepEqual(
                left,
                ['config.json'],
                'nothing was made beside the config: no database, lock, log or start',
              );
              assert.deepEqual(stubStarts(configDir), []);
            }
            assertBystandersUntouched(bystanders);
          },
        ),
      );
    }
  });

  it('never writes the metrics textfile through a link planted at a temporary name', () =>
    faultCase(
      'm.16',
      'symbolic links to a root-only file, planted by the hostile user at `<textfile>.<pid>.tmp` for every PID 2–4096 the namespace can give the watchdog, left after root took the folder back (root 0755)',
      "the tick exits 0; the root-only file unchanged (hash, mode); the textfile a regular file of root's",
      async (seen) => {
        const world = await startHostileWorld('hostile-metrics');
        const { hostile } = world;
        const vault = await mountVault(world);
        const secret = await vault.addSecret('secret-metrics');
        const before = await vault.snapshot('secret-metrics');
        // The folder was the hostile user's; they plant the links; root then takes it back.
        const metricsDir = join(world.dir, 'metrics');
        mkdirSync(metricsDir, { mode: 0o755 });
        chownSync(metricsDir, hostile.user.uid, hostile.user.gid);
        const textfile = join(metricsDir, 'watchdog.prom');
        await hostile.run([
          process.execPath,
          '-e',
          'const [target, base] = process.argv.slice(1); for (let pid = 2; pid <= 4096; pid += 1) require("fs").symlinkSync(target, `${base}.${pid}.tmp`);',
          secret.path,
          textfile,
        ]);
        chownSync(metricsDir, 0, 0);
        chmodSync(metricsDir, 0o755);
        writeFaultConfig(world.dir, { app: { heartbeat_path: 'app.json' } }, { metrics: { textfile_path: textfile } });
        const pidFile = join(world.dir, 'watchdog.pid');

        // Through a shell that records its PID and execs the watchdog: the PID the watchdog had.
        const tick = await world.watchdog(['check'], {
          wrapper: ['/bin/sh', '-c', 'echo $$ > "$0" && exec "$@"', pidFile],
        });
        const pid = Number(readFileSync(pidFile, 'utf8').trim());
        const after = await vault.snapshot('secret-metrics');
        const planted = lstatSync(`${textfile}.${pid}.tmp`, { throwIfNoEntry: false });
        const textfileStat = lstatSync(textfile, { throwIfNoEntry: false });
        const textfileKind =
          textfileStat === undefined
            ? 'absent'
            : textfileStat.isSymbolicLink()
              ? 'a symbolic link'
              : textfileStat.isFile()
                ? `a regular file of uid ${textfileStat.uid}`
                : 'something else';
        const checks = checksOf(world.dbPath);
        const bystanders = await bystanderReport(world);
        seen.note(describeKernel(world));
        seen.note("the watchdog's PID", pid);
        seen.note(
          `the link at ${pid}.tmp after the tick`,
          planted === undefined ? 'gone' : planted.isSymbolicLink() ? 'still a link' : 'replaced',
        );
        seen.note(describeRun(tick));
        seen.note(
          'checks',
          checks.map((row) => row.health),
        );
        seen.note('root-only file before', before);
        seen.note('after', after);
        seen.note('textfile', textfileKind);
        seen.note(describeBystanders(bystanders));

        assert.ok(pid >= 2 && pid <= 4096, `a link was planted at the watchdog's PID (${pid})`);
        assert.equal(tick.code, 0, `exit code; stderr: ${tick.stderr}`);
        assert.deepEqual(after, before, 'the root-only file is unchanged');
        assert.ok(
          textfileStat?.isFile() === true && textfileStat.uid === 0,
          `the textfile is a regular file of root's, not ${textfileKind}`,
        );
        assert.ok(
          existsSync(textfile) && readFileSync(textfile, 'utf8').includes('watchdog_'),
          'the textfile holds the metrics',
        );
        assertBystandersUntouched(bystanders);
      },
    ));

  it('goes on supervising when a folder above the metrics folder is moved away by its owner', async (t) => {
    const world = await startHostileWorld('hostile-metrics-move');
    const { hostile } = world;
    // As Debian has it: node_exporter's folder of root's below /var/lib/prometheus, whose
    // owner (user prometheus) is here the hostile user.
    const prom = rootFolder(world, 'prom', 0o755);
    chownSync(prom, hostile.user.uid, hostile.user.gid);
    const exporterDir = join(prom, 'node-exporter');
    mkdirSync(exporterDir);
    chmodSync(exporterDir, 0o755);
    const textfile = join(exporterDir, 'watchdog.prom');
    const configDir = rootFolder(world, 'config-metrics-move', 0o755);
    // Due at every tick (no heartbeat, no start grace), so every tick recovers it.
    const configPath = writeFaultConfig(
      configDir,
      { app: { heartbeat_path: 'app.json', start_grace_seconds: 0 } },
      { consecutive_failures_threshold: 1, max_recoveries: 10, metrics: { textfile_path: textfile } },
    );
    const watchdog = watchdogWith(world, configPath);
    const logPath = join(configDir, 'logs', 'watchdog.log');
    const metricsLines = (): string[] =>
      existsSync(logPath)
        ? readFileSync(logPath, 'utf8')
            .split('\n')
            .filter((line) => line.includes('metrics:'))
        : [];

    const validate = await watchdog(['validate']);
    const first = await watchdog(['check']);
    const written = { exists: existsSync(textfile), mtimeMs: lstatSync(textfile, { throwIfNoEntry: false })?.mtimeMs };
    const linesOfFirst = metricsLines().length;
    // The owner of the folder above moves node_exporter's folder away.
    const movedTo = join(prom, 'node-exporter.moved');
    await hostile.move(exporterDir, movedTo);
    const afterMove = [await watchdog(['check']), await watchdog(['check'])];
    const checksAfterMove = checksOf(join(configDir, 'watchdog.db'));
    const startsAfterMove = stubStarts(configDir);
    const logAfterMove = metricsLines().slice(linesOfFirst);
    const promAfterMove = readdirSync(prom).sort();
    const movedFolderAfter = {
      files: readdirSync(movedTo).sort(),
      mtimeMs: lstatSync(join(movedTo, 'watchdog.prom'), { throwIfNoEntry: false })?.mtimeMs,
    };
    // Then puts a folder of their own at its name.
    await hostile.mkdir(exporterDir);
    const afterPlant = await watchdog(['check']);
    const logAfterPlant = metricsLines().slice(linesOfFirst + logAfterMove.length);
    const plantedHolds = readdirSync(exporterDir).sort();
    const checks = checksOf(join(configDir, 'watchdog.db'));
    const starts = stubStarts(configDir);
    const bystanders = await bystanderReport(world);
    const ticks = [first, ...afterMove, afterPlant];

    await t.test('moved away', () =>
      faultCase(
        'm.24',
        "`metrics.textfile_path` in `<case>/prom/node-exporter/`, a folder of root's (0755) in `prom`, a folder of the hostile user's; after a tick, that user renames `node-exporter` away; two more ticks; the config's app due at every tick (no heartbeat, threshold 1, no start grace)",
        "`validate` exits 0 (a folder of another user's above the metrics folder is allowed); each tick after the move exits 0, checks and recovers the app, writes no metrics (nothing new in `prom`, the moved folder untouched) and logs why",
        (seen) => {
          seen.note('validate', inCase(world, describeRun(validate)));
          seen.note('first tick', inCase(world, describeRun(first)));
          seen.note('textfile written by it', written.exists);
          seen.note(
            'ticks after the move',
            afterMove.map((tick) => inCase(world, describeRun(tick))),
          );
          seen.note(
            'checks',
            checksAfterMove.map((row) => row.health),
          );
          seen.note('stub starts', startsAfterMove.length);
          seen.note('prom holds', promAfterMove);
          seen.note('the moved folder holds', movedFolderAfter.files);
          seen.note(
            'its textfile',
            movedFolderAfter.mtimeMs === written.mtimeMs ? 'as the first tick left it' : 'rewritten',
          );
          seen.note(
            'their log lines',
            logAfterMove.map((line) => inCase(world, line.replace(/^\S+ /, ''))),
          );
          seen.note(describeBystanders(bystanders));

          assert.equal(validate.code, 0, `validate; stderr: ${validate.stderr}`);
          assert.equal(first.code, 0, `first tick; stderr: ${first.stderr}`);
          assert.ok(written.exists, 'precondition: the first tick wrote the textfile');
          for (const tick of afterMove)
            assert.equal(tick.code, 0, `a tick after the move: ${inCase(world, describeRun(tick))}`);
          assert.equal(checksAfterMove.length, 3, 'each of the three ticks wrote its check');
          assert.deepEqual(startsAfterMove, ['app', 'app', 'app'], 'and recovered the app');
          assert.deepEqual(promAfterMove, ['node-exporter.moved'], 'nothing was made in prom');
          assert.equal(movedFolderAfter.mtimeMs, written.mtimeMs, "the moved folder's textfile was not written again");
          assert.equal(
            logAfterMove.length,
            2,
            `one log line a tick says why no metrics were written: ${logAfterMove.join(' / ')}`,
          );
          for (const line of logAfterMove)
            assert.match(line, /error metrics: cannot write .*node-exporter\/watchdog\.prom: /);
          assertBystandersUntouched(bystanders);
        },
      ),
    );
    await t.test("replaced by a folder of the user's", () =>
      faultCase(
        'm.25',
        'then the hostile user makes a folder of their own at `node-exporter`; one more tick',
        "the tick exits 0, checks and recovers the app, writes nothing in the user's folder and logs why (its owner)",
        (seen) => {
          seen.note('tick', inCase(world, describeRun(afterPlant)));
          seen.note('its check', checks[3]?.health ?? 'none');
          seen.note('stub starts in all', starts.length);
          seen.note("the user's folder holds", plantedHolds);
          seen.note(
            'its log lines',
            logAfterPlant.map((line) => inCase(world, line.replace(/^\S+ /, ''))),
          );
          seen.note(describeBystanders(bystanders));

          assert.equal(afterPlant.code, 0, `the tick: ${inCase(world, describeRun(afterPlant))}`);
          assert.equal(checks.length, ticks.length, 'it wrote its check');
          assert.equal(starts.length, ticks.length, 'and recovered the app');
          assert.deepEqual(plantedHolds, [], "nothing was written in the hostile user's folder");
          assert.equal(
            logAfterPlant.length,
            1,
            `a log line says why no metrics were written: ${logAfterPlant.join(' / ')}`,
          );
          assert.match(
            logAfterPlant[0] ?? '',
            new RegExp(`error metrics: cannot write .*: .*node-exporter.*${hostile.user.uid}`),
          );
          assertBystandersUntouched(bystanders);
        },
      ),
    );
  });
});
