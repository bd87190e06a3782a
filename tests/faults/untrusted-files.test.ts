// Fault injection: files a watchdog running as root must not trust. A heartbeat that is a
// symbolic link (it may point at another app's heartbeat) or that other users may write is
// `invalid_heartbeat`, and the PID it names is never signalled; a config other users may
// write is refused (exit 78, a `chmod go-w` hint) before anything else is done. "Writable
// by group" means a group other than the owner's private group (docs/configuration.md,
// "Who may write it"): the group-writable cases give the file a shared group; the owner's
// private group, the documented exception, is a case of its own.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { faultCase } from './report.js';
import {
  actionOutcomes,
  assertBystandersUntouched,
  bystanderReport,
  checksOf,
  describeBystanders,
  describeRun,
  heartbeatJson,
  recoveriesOf,
  rootGroupIsPrivate,
  sharedGroup,
  startFaultWorld,
  stubStarts,
  writeFaultConfig,
  writeHeartbeat,
} from './fault-scenario.js';

describe('fault injection: untrusted heartbeat and config files', () => {
  it('never trusts a heartbeat that is a symbolic link or writable by others, and signals none of their PIDs', async (t) => {
    const world = await startFaultWorld('untrusted-heartbeat');
    const hb = join(world.dir, 'hb');
    mkdirSync(hb);
    const pid = world.bystander.pid;
    // A valid, fresh heartbeat naming the live bystander, monitored as a process of its own.
    writeHeartbeat(join(hb, 'real.json'), heartbeatJson({ process_key: 'real', pid }));
    symlinkSync('real.json', join(hb, 'linked.json'));
    writeHeartbeat(join(hb, 'world_writable.json'), heartbeatJson({ process_key: 'world_writable', pid }), 0o666);
    const shared = sharedGroup();
    writeHeartbeat(join(hb, 'group_writable.json'), heartbeatJson({ process_key: 'group_writable', pid }), 0o664);
    chownSync(join(hb, 'group_writable.json'), 0, shared.gid);
    // The documented exception: group write by the owner's private group (root:root here).
    writeHeartbeat(join(hb, 'private_group.json'), heartbeatJson({ process_key: 'private_group', pid }), 0o664);
    chownSync(join(hb, 'private_group.json'), 0, 0);
    writeFaultConfig(
      world.dir,
      {
        real: { heartbeat_path: 'hb/real.json' },
        linked: { heartbeat_path: 'hb/linked.json' },
        world_writable: { heartbeat_path: 'hb/world_writable.json' },
        group_writable: { heartbeat_path: 'hb/group_writable.json' },
        private_group: { heartbeat_path: 'hb/private_group.json' },
      },
      { consecutive_failures_threshold: 1 },
    );

    const tick = await world.watchdog(['check']);
    const checks = checksOf(world.dbPath);
    const recoveries = recoveriesOf(world.dbPath);
    const bystanders = await bystanderReport(world);
    const starts = stubStarts(world.dir);

    const cases = [
      {
        id: 'i.1',
        key: 'linked',
        fault: "heartbeat path is a symbolic link to another app's valid, fresh heartbeat (naming a live PID)",
        reason: /symbolic link/,
      },
      {
        id: 'i.2',
        key: 'world_writable',
        fault: 'heartbeat file mode 0666 (world-writable), valid and fresh, naming a live PID',
        reason: /writable by other users \(mode 0666\)/,
      },
      {
        id: 'i.3',
        key: 'group_writable',
        fault: `heartbeat file mode 0664 owned root:${shared.name} (writable by a shared group), valid and fresh, naming a live PID`,
        reason: /writable by other users \(mode 0664\)/,
      },
    ];
    for (const { id, key, fault, reason } of cases) {
      await t.test(key, () =>
        faultCase(
          id,
          `${fault}; threshold 1, pipeline kill → stub start`,
          "invalid_heartbeat with the reason; the PID it names never signalled (kill nothing_to_kill/refused); the real heartbeat's process healthy; exit 0",
          (seen) => {
            const check = checks.find((row) => row.process_key === key);
            const real = checks.find((row) => row.process_key === 'real');
            const recovery = recoveries.find((row) => row.process_key === key);
            const kill = recovery?.actions.find((action) => action.action === 'kill');
            seen.note(describeRun(tick));
            seen.note('check_history rows', `${checks.length} for 5 processes`);
            seen.note(`${check?.health ?? 'no state'}: ${check?.reason ?? 'no reason'}`);
            seen.note('actions', actionOutcomes(recovery));
            seen.note(
              'kill signalled',
              kill?.signal === null || kill === undefined ? 'nothing' : `${kill.signal} to ${String(kill.pid)}`,
            );
            seen.note('real', real?.health ?? 'no row');
            seen.note(describeBystanders(bystanders));

            assert.equal(tick.code, 0, `exit code; stderr: ${tick.stderr}`);
            assert.equal(checks.length, 5, 'one check_history row per process');
            assert.equal(check?.health, 'invalid_heartbeat', `${key}: ${check?.reason ?? 'no row'}`);
            assert.match(check?.reason ?? '', reason);
            assert.ok(
              kill?.outcome === 'refused' || kill?.outcome === 'nothing_to_kill',
              `kill outcome ${String(kill?.outcome)}: ${kill?.detail ?? ''}`,
            );
            assert.deepEqual(
              { pid: kill?.pid, signal: kill?.signal },
              { pid: null, signal: null },
              'kill signalled no PID',
            );
            assert.equal(real?.health, 'healthy', `the process of the real heartbeat: ${real?.reason ?? 'no row'}`);
            assert.equal(
              recoveries.some((row) => row.process_key === 'real'),
              false,
              'no recovery of the healthy process',
            );
            assert.equal(starts.filter((line) => line === key).length, 1, 'its stub start ran once');
            assertBystandersUntouched(bystanders);
          },
        ),
      );
    }

    await t.test('private_group', () =>
      faultCase(
        'i.4',
        "heartbeat file mode 0664 owned root:root, the owner's private group (the documented exception), valid and fresh, naming a live PID",
        'trusted: healthy, no recovery, nothing signalled',
        (seen) => {
          const check = checks.find((row) => row.process_key === 'private_group');
          seen.note("root:root is root's private group on this machine", rootGroupIsPrivate());
          seen.note(`${check?.health ?? 'no state'}: ${check?.reason ?? 'no reason'}`);
          seen.note('recoveries', recoveries.filter((row) => row.process_key === 'private_group').length);
          seen.note(describeBystanders(bystanders));
          assert.ok(
            rootGroupIsPrivate(),
            "precondition: /etc/group and /etc/passwd make gid 0 root's private group (docs/configuration.md definition)",
          );
          assert.equal(check?.health, 'healthy', check?.reason ?? 'no row');
          assert.equal(
            recoveries.some((row) => row.process_key === 'private_group'),
            false,
            'no recovery',
          );
          assertBystandersUntouched(bystanders);
        },
      ),
    );
  });

  const LOOSE_CONFIGS = [
    { id: 'j.1', mode: 0o666, group: () => ({ name: 'root', gid: 0 }), what: 'world-writable' },
    { id: 'j.2', mode: 0o664, group: sharedGroup, what: 'writable by a shared group' },
  ];
  for (const { id, mode, group, what } of LOOSE_CONFIGS) {
    const bits = mode.toString(8).padStart(4, '0');
    it(`refuses a config of mode ${bits} (${what}): exit 78 with a chmod go-w hint, no database`, () => {
      const owner = group();
      return faultCase(
        id,
        `config file mode ${bits} owned root:${owner.name} (${what}), otherwise valid, with a process that is due`,
        'exit 78; stderr names the mode and hints `chmod go-w <config>`; no database, no lock, nothing started',
        async (seen) => {
          const world = await startFaultWorld(`config-${bits}`);
          writeFaultConfig(
            world.dir,
            { app: { heartbeat_path: 'hb/app.json' } },
            { consecutive_failures_threshold: 1 },
          );
          chownSync(world.configPath, 0, owner.gid);
          chmodSync(world.configPath, mode);

          const tick = await world.watchdog(['check']);
          const left = readdirSync(world.dir).sort();
          const bystanders = await bystanderReport(world);
          seen.note(describeRun(tick));
          seen.note(tick.stderr.split('\n').find((line) => line.startsWith('hint:')) ?? 'no hint');
          seen.note('database', existsSync(world.dbPath) ? 'created' : 'none');
          seen.note('folder holds', left);
          seen.note(describeBystanders(bystanders));

          assert.equal(tick.code, 78, `exit code; stderr: ${tick.stderr}`);
          assert.match(tick.stderr, new RegExp(`writable by group or others \\(mode ${bits}\\)`));
          assert.ok(
            tick.stderr.includes(`chmod go-w ${world.configPath}`),
            `the chmod hint names the config:\n${tick.stderr}`,
          );
          assert.equal(existsSync(world.dbPath), false, 'no database was created');
          assert.deepEqual(
            left,
            ['bystander.signals', 'config.json'],
            'nothing was created beside the config (no database, lock, log or start)',
          );
          assert.deepEqual(stubStarts(world.dir), []);
          assertBystandersUntouched(bystanders);
        },
      );
    });
  }

  it("accepts a config of mode 0664 whose group is the owner's private group (the documented exception)", () =>
    faultCase(
      'j.3',
      "config file mode 0664 owned root:root, the owner's private group (Debian/Ubuntu umask 002), with a healthy process",
      'not refused: the tick runs (exit 0) and records its check',
      async (seen) => {
        const world = await startFaultWorld('config-private-group');
        writeHeartbeat(join(world.dir, 'app.json'), heartbeatJson({ process_key: 'app', pid: world.bystander.pid }));
        writeFaultConfig(world.dir, { app: { heartbeat_path: 'app.json' } });
        chownSync(world.configPath, 0, 0);
        chmodSync(world.configPath, 0o664);

        const tick = await world.watchdog(['check']);
        const checks = checksOf(world.dbPath);
        const bystanders = await bystanderReport(world);
        seen.note("root:root is root's private group on this machine", rootGroupIsPrivate());
        seen.note(describeRun(tick));
        seen.note(
          'checks',
          checks.map((row) => row.health),
        );
        seen.note(describeBystanders(bystanders));

        assert.ok(
          rootGroupIsPrivate(),
          "precondition: /etc/group and /etc/passwd make gid 0 root's private group (docs/configuration.md definition)",
        );
        assert.deepEqual({ code: tick.code, stderr: tick.stderr }, { code: 0, stderr: '' });
        assert.deepEqual(
          checks.map((row) => row.health),
          ['healthy'],
        );
        assertBystandersUntouched(bystanders);
      },
    ));
});
