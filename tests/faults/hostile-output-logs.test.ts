// Fault injection, hostile users: the app's output log in a folder its user owns. A root
// watchdog appends the output of what it starts to `output_log`, and reads back what the
// start wrote to keep its tail in the audit log. The app's user can replace that file, or a
// folder on its path, by a link to a root-only file or folder, before the start or while it
// runs (the app itself, as that user). Nothing may be written to or created in a root-only
// place through such a link, and nothing read from one: what was written is read back
// through the descriptor that wrote it, never by path again. The root-only files live on a
// private tmpfs in the namespace's mount namespace (the vault), or for a hard link, which
// cannot cross file systems, in a root-only folder of the case.
//
// And the log itself is a file the app's user can move: in a folder of theirs, any file
// there can be renamed to the app's heartbeat's name. A log root made and kept as its own
// would then be a heartbeat of root's, believed about any PID: a user app's log is given to
// its user, and a file of root's in an ordinary user's folder is never believed. Being theirs,
// the user may take a lease on it, which holds a blocking open for the kernel's
// lease-break-time: the watchdog never waits on one, so a tick and its lock never stall.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { asUser } from '../helpers/throwaway-users.js';
import { hashFile, waitFor } from '../helpers/watchdog-in-namespace.js';
import { faultCase, type Observation } from './report.js';
import {
  actionOutcomes,
  assertBystandersUntouched,
  bystanderReport,
  checksOf,
  describeBystanders,
  describeRun,
  recoveriesOf,
  stubStarts,
  writeFaultConfig,
} from './fault-scenario.js';
import {
  appReport,
  assertAppUntouched,
  describeApp,
  describeKernel,
  filesHolding,
  inCase,
  mountVault,
  startHostileWorld,
} from './hostile-world.js';

const LOG_TO_HEARTBEAT = fileURLToPath(new URL('fixtures/log-to-heartbeat.mjs', import.meta.url));

/** Debian's python3, where an unprivileged user can run it (not a version manager's shim below /root). */
const PYTHON3 = '/usr/bin/python3';
/** Takes a write lease on argv[1], says so, and holds it, ignoring the kernel's SIGIO asking it to let go. */
const LEASE_HOLDER = `
import fcntl, signal, sys, time
signal.signal(signal.SIGIO, signal.SIG_IGN)
f = open(sys.argv[1])
fcntl.fcntl(f, fcntl.F_SETLEASE, fcntl.F_WRLCK)
print('ready', flush=True)
time.sleep(300)
`;

/** The leases on a file from /proc/locks, each as its state and type: `ACTIVE WRITE`, `BREAKING UNLCK`. */
function leasesOn(path: string): string[] {
  const { ino } = statSync(path);
  return readFileSync('/proc/locks', 'utf8')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1] === 'LEASE' && fields[5]?.endsWith(`:${ino}`))
    .map((fields) => `${fields[2] ?? '?'} ${fields[3] ?? '?'}`);
}

describe("fault injection, hostile users: the app's output log in a folder of its user's", () => {
  it('writes nothing through a planted link, reads nothing back through one, and keeps only what the app wrote', async (t) => {
    const world = await startHostileWorld('hostile-output');
    const { hostile } = world;
    const vault = await mountVault(world);
    const secretE = await vault.addSecret('secret-e');
    const secretG = await vault.addSecret('secret-g');
    const privateFolder = await vault.addFolder('private');
    const snapshot = async () => ({
      e: await vault.snapshot('secret-e'),
      f: await vault.snapshot('private'),
      g: await vault.snapshot('secret-g'),
    });
    const before = await snapshot();

    // e: the output log, once the app's own file, replaced by a link to a root-only file before the start.
    await hostile.mkdir(join(hostile.home, 'e'));
    await hostile.writeFile(join(hostile.home, 'e/out.log'), "the app's own output\n");
    await hostile.sh('ln -sfn -- "$1" "$2"', secretE.path, join(hostile.home, 'e/out.log'));
    // f: the output log's folder replaced by a link to the root-only vault.
    await hostile.mkdir(join(hostile.home, 'f/logs'));
    await hostile.move(join(hostile.home, 'f/logs'), join(hostile.home, 'f/logs.mine'));
    await hostile.symlink(privateFolder, join(hostile.home, 'f/logs'));
    // g: the app, started as the hostile user, swaps its output log for a link once it has written.
    await hostile.mkdir(join(hostile.home, 'g'));
    const marker = `app-output-${randomBytes(6).toString('hex')}`;
    const swapper = `printf '%s\\n' ${marker}; rm -f g/out.log; ln -s ${secretG.path} g/out.log; exec sleep 60`;
    // h: the output log a hard link to a root-only file on the same file system (made by root:
    // fs.protected_hardlinks stops the user linking a file they cannot read and write).
    const rootOnly = join(world.dir, 'root-only');
    mkdirSync(rootOnly, { mode: 0o700 });
    const secretH = { path: join(rootOnly, 'secret-h'), content: `SECRET-${randomBytes(12).toString('hex')}` };
    writeFileSync(secretH.path, `${secretH.content}\n`.repeat(256), { mode: 0o600 });
    await hostile.mkdir(join(hostile.home, 'h'));
    linkSync(secretH.path, join(hostile.home, 'h/out.log'));
    const hashH = hashFile(secretH.path);

    const asHostile = { user: hostile.user.name, cwd: hostile.home };
    writeFaultConfig(
      world.dir,
      {
        out_link: {
          heartbeat_path: join(hostile.home, 'e/app.json'),
          output_log: join(hostile.home, 'e/out.log'),
          ...asHostile,
        },
        out_folder_link: {
          heartbeat_path: join(hostile.home, 'f/app.json'),
          output_log: join(hostile.home, 'f/logs/app.out.log'),
          ...asHostile,
        },
        out_swap: {
          heartbeat_path: join(hostile.home, 'g/app.json'),
          output_log: join(hostile.home, 'g/out.log'),
          commands: { start: swapper },
          ...asHostile,
        },
        out_hard_link: {
          heartbeat_path: join(hostile.home, 'h/app.json'),
          output_log: join(hostile.home, 'h/out.log'),
          ...asHostile,
        },
      },
      { consecutive_failures_threshold: 1 },
    );

    const tick = await world.watchdog(['check']);
    const recoveries = recoveriesOf(world.dbPath);
    const history = await world.watchdog(['history', '--recoveries']);
    const status = await world.watchdog(['status']);
    const after = await snapshot();
    const bystanders = await bystanderReport(world);
    const startOf = (key: string) =>
      recoveries.find((row) => row.process_key === key)?.actions.find((action) => action.action === 'start');
    const outputs = `${tick.stdout}${tick.stderr}${history.stdout}${history.stderr}${status.stdout}${status.stderr}`;
    const leakedE = { files: filesHolding(world.dir, secretE.content), inOutput: outputs.includes(secretE.content) };
    const leakedG = { files: filesHolding(world.dir, secretG.content), inOutput: outputs.includes(secretG.content) };
    // The secret's own two names hold it, of course: any other file holding it is a leak.
    const leakedH = {
      files: filesHolding(world.dir, secretH.content).filter(
        (path) => path !== secretH.path && path !== join(hostile.home, 'h/out.log'),
      ),
      inOutput: outputs.includes(secretH.content),
    };
    const relative = (paths: string[]): string[] => paths.map((path) => inCase(world, path));
    const excerpt = (text: string): string => (text.length > 120 ? `${text.slice(0, 117)}...` : text);

    await t.test('out_link', () =>
      faultCase(
        'm.8',
        "the app's `output_log` (in the hostile user's folder) replaced by that user with a symbolic link to a root-only secret file before a start (`user` set; threshold 1)",
        'the secret file unchanged (hash); its content nowhere in the audit database, the logs, `check`, `status` or `history --recoveries`',
        (seen) => {
          const start = startOf('out_link');
          seen.note(describeKernel(world));
          seen.note('tick', `exit ${String(tick.code)}`);
          seen.note('actions', actionOutcomes(recoveries.find((row) => row.process_key === 'out_link')));
          seen.note('start detail', inCase(world, start?.detail ?? 'none'));
          seen.note('secret before', before.e);
          seen.note('secret after', after.e);
          seen.note('files holding the secret', relative(leakedE.files));
          seen.note('secret in command output', leakedE.inOutput);
          seen.note(describeBystanders(bystanders));
          assert.deepEqual(after.e, before.e, 'the root-only file is unchanged');
          assert.deepEqual(leakedE, { files: [], inOutput: false }, 'the secret was not copied anywhere');
          assert.equal(history.code, 0, `history --recoveries: ${history.stderr}`);
          assertBystandersUntouched(bystanders);
        },
      ),
    );
    await t.test('out_folder_link', () =>
      faultCase(
        'm.9',
        "the folder of the app's `output_log` replaced by the hostile user with a symbolic link to a root-only folder (a private tmpfs), before a start",
        'nothing created in or appended to the root-only folder (its listing and hashes unchanged)',
        (seen) => {
          const start = startOf('out_folder_link');
          seen.note('tick', `exit ${String(tick.code)}`);
          seen.note('actions', actionOutcomes(recoveries.find((row) => row.process_key === 'out_folder_link')));
          seen.note('start detail', inCase(world, start?.detail ?? 'none'));
          seen.note('root-only folder before', before.f);
          seen.note('after', after.f);
          seen.note(describeBystanders(bystanders));
          assert.deepEqual(after.f, before.f, 'nothing was created or changed in the root-only folder');
          assertBystandersUntouched(bystanders);
        },
      ),
    );
    await t.test('out_swap', () =>
      faultCase(
        'm.10',
        'the app, started as the hostile user, writes a line, then replaces its output log by a symbolic link to a root-only secret during `verify_delay`',
        'the output tail in the audit database is what the app wrote, not the secret; the secret unchanged and nowhere in the database, logs or command output',
        (seen) => {
          const start = startOf('out_swap');
          seen.note('tick', `exit ${String(tick.code)}`);
          seen.note('start', inCase(world, `${start?.outcome ?? 'none'}: ${start?.detail ?? ''}`));
          seen.note('stored output tail', excerpt(JSON.stringify(start?.output_tail ?? null)));
          seen.note('files holding the secret', relative(leakedG.files));
          seen.note('secret in command output', leakedG.inOutput);
          seen.note('secret unchanged', JSON.stringify(after.g) === JSON.stringify(before.g));
          seen.note(describeBystanders(bystanders));
          assert.equal(start?.outcome, 'ok', `the start ran: ${start?.detail ?? 'no start'}`);
          assert.ok(
            (start?.output_tail ?? '').includes(marker),
            `the tail holds the app's own line, got ${JSON.stringify(start?.output_tail)}`,
          );
          assert.deepEqual(
            leakedG,
            { files: [], inOutput: false },
            'the secret was not read back into the database, a log or an output',
          );
          assert.deepEqual(after.g, before.g, 'the root-only file is unchanged');
          assertBystandersUntouched(bystanders);
        },
      ),
    );
    await t.test('out_hard_link', () =>
      faultCase(
        'm.18',
        "the app's `output_log` (in the hostile user's folder) is a hard link to a root-only file (made by root: fs.protected_hardlinks stops the user), before a start",
        'nothing appended to the root-only file (hash); its content nowhere in the audit database, the logs or command output',
        (seen) => {
          const start = startOf('out_hard_link');
          seen.note(describeKernel(world));
          seen.note('tick', `exit ${String(tick.code)}`);
          seen.note('actions', actionOutcomes(recoveries.find((row) => row.process_key === 'out_hard_link')));
          seen.note('start detail', inCase(world, start?.detail ?? 'none'));
          seen.note('root-only file', hashFile(secretH.path) === hashH ? 'unchanged' : 'changed');
          seen.note('other files holding its content', relative(leakedH.files));
          seen.note('in command output', leakedH.inOutput);
          seen.note(describeBystanders(bystanders));
          assert.equal(hashFile(secretH.path), hashH, 'the root-only file is unchanged');
          assert.deepEqual(leakedH, { files: [], inOutput: false }, 'its content was not copied anywhere');
          assertBystandersUntouched(bystanders);
        },
      ),
    );
  });

  it("never believes a log of root's that the app's user moved to its heartbeat's name", async (t) => {
    const world = await startHostileWorld('hostile-log-beat');
    const { hostile, other } = world;
    // The other user's apps the forged heartbeats name, one for each case, so each is judged alone.
    const victimOfRootLog = await other.startApp('victim_r');
    const victimOfUserLog = await other.startApp('victim_u');
    // The forging start, where the hostile user can read it (the checkout may be closed to them).
    const forge = join(world.dir, 'bin', 'log-to-heartbeat.mjs');
    copyFileSync(LOG_TO_HEARTBEAT, forge);
    chmodSync(forge, 0o644);
    await hostile.mkdir(join(hostile.home, 'r'));
    await hostile.mkdir(join(hostile.home, 'u'));
    const rootLog = join(hostile.home, 'r/out.log');
    const rootBeat = join(hostile.home, 'r/app.json');
    const userBeat = join(hostile.home, 'u/app.json');
    // No start grace: the tick after the start judges the heartbeat there at once.
    const due = { start_grace_seconds: 0 };
    writeFaultConfig(
      world.dir,
      {
        // No `user`: the app runs as root. Its start writes the forged heartbeat into its own
        // log, standing in for output the hostile user controls; that user renames the log.
        root_log: {
          heartbeat_path: rootBeat,
          output_log: rootLog,
          commands: { start: `${process.execPath} ${forge} root_log ${victimOfRootLog.pid}` },
          ...due,
        },
        // As the hostile user, the app does it all itself, renaming the log within its start.
        user_log: {
          heartbeat_path: userBeat,
          output_log: join(hostile.home, 'u/out.log'),
          user: hostile.user.name,
          cwd: join(hostile.home, 'u'),
          commands: { start: `${process.execPath} ${forge} user_log ${victimOfUserLog.pid} out.log app.json` },
          ...due,
        },
      },
      { consecutive_failures_threshold: 1 },
    );

    // No heartbeat yet: both are started, and root opens (makes) each output log.
    const first = await world.watchdog(['check']);
    const rootLogOwner = lstatSync(rootLog, { throwIfNoEntry: false })?.uid;
    await hostile.move(rootLog, rootBeat);
    const movedOwners = {
      root_log: lstatSync(rootBeat).uid,
      user_log: lstatSync(userBeat, { throwIfNoEntry: false })?.uid,
    };
    // The moved logs are the heartbeats now.
    const second = await world.watchdog(['check']);
    const checks = checksOf(world.dbPath);
    const recoveries = recoveriesOf(world.dbPath);
    const bystanders = await bystanderReport(world);
    const victims = {
      root_log: await appReport(world, victimOfRootLog),
      user_log: await appReport(world, victimOfUserLog),
    };
    const ownerName = (uid: number | undefined): string =>
      uid === undefined
        ? 'nobody (no file)'
        : uid === 0
          ? 'root'
          : uid === hostile.user.uid
            ? `the hostile user (uid ${uid})`
            : `uid ${uid}`;

    /** What both cases note: the two ticks, the second check and recovery of `key`, its victim. */
    const noteTicks = (seen: Observation, key: 'root_log' | 'user_log') => {
      const ofKey = (row: { process_key: string }) => row.process_key === key;
      const start = recoveries.find(ofKey)?.actions.find((action) => action.action === 'start');
      const check = checks.filter(ofKey).at(-1);
      const recovery = recoveries.filter(ofKey).at(-1);
      const kill = recovery?.actions.find((action) => action.action === 'kill');
      seen.note('first tick', describeRun(first));
      seen.note('its start', inCase(world, `${start?.outcome ?? 'none'}: ${start?.detail ?? ''}`));
      seen.note('the moved log, now the heartbeat, belongs to', ownerName(movedOwners[key]));
      seen.note('second tick', describeRun(second));
      seen.note(inCase(world, `${check?.health ?? 'no state'}: ${check?.reason ?? 'no reason'}`));
      seen.note('actions', actionOutcomes(recovery));
      seen.note('kill', `${kill?.outcome ?? 'none'}: ${kill?.detail ?? ''}`);
      seen.note(
        describeApp(
          `the other user's app it names (PID ${key === 'root_log' ? victimOfRootLog.pid : victimOfUserLog.pid})`,
          victims[key],
        ),
      );
      seen.note(describeBystanders(bystanders));
      assert.equal(first.code, 0, `first tick: ${first.stderr}`);
      assert.equal(start?.outcome, 'ok', `the start ran: ${start?.detail ?? 'no start'}`);
      assert.equal(second.code, 0, `second tick: ${second.stderr}`);
      assert.equal(recoveries.filter(ofKey).length, 2, 'a recovery in each tick');
      assert.deepEqual(
        { pid: kill?.pid, signal: kill?.signal },
        { pid: null, signal: null },
        'the kill signalled no PID',
      );
      assertAppUntouched("the other user's app", victims[key]);
      assertBystandersUntouched(bystanders);
      return check;
    };

    await t.test('root_log', () =>
      faultCase(
        'm.19',
        "a root app's `output_log` in the hostile user's folder (no `user`): root makes it at a start, it comes to hold a fresh heartbeat (\"status\": \"error\") naming the other user's live app, and the hostile user renames it to the heartbeat's name. Simulated in part: the root app's start writes that heartbeat into its own log (output the hostile user would control); the rename is the hostile user's own. Threshold 1, no start grace, pipeline kill → start",
        "the tick after finds `invalid_heartbeat`, its reason naming root as the file's owner and the hostile user as the folder's; kill signals nothing; the other user's app alive and unsignalled; exit 0",
        (seen) => {
          seen.note('the log after the start belongs to', ownerName(rootLogOwner));
          const check = noteTicks(seen, 'root_log');
          assert.equal(movedOwners.root_log, 0, "the file the hostile user moved is root's");
          assert.equal(check?.health, 'invalid_heartbeat', `root_log: ${check?.reason ?? 'no row'}`);
          assert.match(check?.reason ?? '', new RegExp(`belongs to root but its folder to uid ${hostile.user.uid}\\b`));
        },
      ),
    );
    await t.test('user_log', () =>
      faultCase(
        'm.20',
        'as m.19 with `user` set to the hostile user, the app doing it all itself: its start empties its output log through its stdout, writes there a fresh heartbeat ("status": "error") naming the other user\'s live app, and renames the log to its heartbeat\'s name',
        "the output log is given to the hostile user, so the moved file is theirs: a heartbeat of theirs, whose PID must run as them: `stale_pid`, kill refuses the other user's app; it stays alive and unsignalled; exit 0",
        (seen) => {
          const check = noteTicks(seen, 'user_log');
          const kill = recoveries
            .filter((row) => row.process_key === 'user_log')
            .at(-1)
            ?.actions.find((action) => action.action === 'kill');
          assert.equal(
            movedOwners.user_log,
            hostile.user.uid,
            "the log root opened for the app was given to the app's user",
          );
          assert.equal(check?.health, 'stale_pid', `user_log: ${check?.reason ?? 'no row'}`);
          assert.equal(kill?.outcome, 'refused', `kill: ${kill?.detail ?? 'none'}`);
          assert.match(kill?.detail ?? '', new RegExp(`runs as uid ${other.user.uid}, not as ${hostile.user.name}`));
        },
      ),
    );
  });

  it('refuses a log its user holds a lease on at once, so the tick and its lock never stall, and starts the app anyway', async (t) => {
    const world = await startHostileWorld('hostile-lease');
    const { hostile } = world;
    // The log is the hostile user's own: only a file's owner (or CAP_LEASE) may take a lease.
    await hostile.mkdir(join(hostile.home, 'l'));
    const leasedLog = join(hostile.home, 'l/out.log');
    await hostile.writeFile(leasedLog, "the app's own output\n");
    assert.ok(existsSync(PYTHON3), `precondition: ${PYTHON3} runs the lease holder`);
    const holderOutput = join(world.dir, 'lease-holder.out');
    const holder = await world.ns.spawn([...asUser(hostile.user), PYTHON3, '-c', LEASE_HOLDER, leasedLog], {
      cwd: hostile.home,
      detached: true,
      outputPath: holderOutput,
    });
    await waitFor(
      'the lease holder to take its lease',
      () => existsSync(holderOutput) && readFileSync(holderOutput, 'utf8').includes('ready'),
    );
    const leasesBefore = leasesOn(leasedLog);
    writeFaultConfig(
      world.dir,
      {
        // Due (no heartbeat): its recovery's start opens the leased log. First, so a stalled
        // open would hold up the neighbour's recovery too, as in the review's attack.
        leased: {
          heartbeat_path: join(hostile.home, 'l/app.json'),
          output_log: leasedLog,
          user: hostile.user.name,
          cwd: join(hostile.home, 'l'),
        },
        // Another due app, of root's: recovered once, in the first tick, and only then.
        neighbour: { heartbeat_path: 'neighbour.json' },
      },
      { consecutive_failures_threshold: 1 },
    );

    const timed = async () => {
      const began = performance.now();
      // A hang guard above the kernel's 45 s lease-break-time, so a build that waits shows how long.
      const result = await world.watchdog(['check'], { timeoutMs: 60_000 });
      return { result, seconds: (performance.now() - began) / 1000 };
    };
    const first = await timed();
    const leasesBetween = leasesOn(leasedLog);
    const second = await timed();
    const checks = checksOf(world.dbPath);
    const recoveries = recoveriesOf(world.dbPath);
    const log = readFileSync(join(world.dir, 'logs/watchdog.log'), 'utf8');
    const holderState = await world.ns.state(holder);
    const bystanders = await bystanderReport(world);

    await t.test('leased', () =>
      faultCase(
        'm.23',
        "the hostile user's process (python3, ignoring SIGIO) holds a write lease on the output log of a due process of theirs (`user` set, the log theirs, no heartbeat; threshold 1), so a blocking open waits the kernel's lease-break-time, 45 s; a second tick runs right after the first; a root app is due beside it",
        'the first tick ends well within 20 s (a hang guard, not a benchmark: a stall lasts 45 s); the leased log is not used, and the app starts anyway, its output in the fallback in `log_dir`, the lease named in the start\'s detail; the second tick finds the lock free and checks both apps; no "compromised" lock in the log; the root app recovered once',
        (seen) => {
          const ofKey = (key: string) => (row: { process_key: string }) => row.process_key === key;
          const start = recoveries.find(ofKey('leased'))?.actions.find((action) => action.action === 'start');
          const compromised = log.split('\n').filter((line) => line.includes('compromised'));
          seen.note('leases on the log before the tick', leasesBefore);
          seen.note('first tick', `${inCase(world, describeRun(first.result))} after ${first.seconds.toFixed(1)} s`);
          seen.note('its start', inCase(world, `${start?.outcome ?? 'none'}: ${start?.detail ?? ''}`));
          seen.note('leases between the ticks', leasesBetween);
          seen.note('second tick', `${inCase(world, describeRun(second.result))} after ${second.seconds.toFixed(1)} s`);
          seen.note(
            'checks',
            checks.map((row) => `${row.process_key} ${row.health}`),
          );
          seen.note(
            'recoveries',
            recoveries.map((row) => `${row.process_key} ${row.outcome ?? 'open'}`),
          );
          seen.note("root app's starts", stubStarts(world.dir).length);
          seen.note('log lines about a compromised lock', compromised.length);
          seen.note('lease holder', holderState);
          seen.note(describeBystanders(bystanders));

          assert.deepEqual(
            leasesBefore,
            ['ACTIVE WRITE'],
            'precondition: the hostile user holds a write lease on the log',
          );
          assert.ok(first.seconds < 20, `the first tick took ${first.seconds.toFixed(1)} s: it waited on the lease`);
          // Healing never waits for a log file (issue 20, item 7): the start goes on without it.
          assert.equal(start?.outcome, 'ok', `start: ${start?.detail ?? 'none'}`);
          assert.match(
            start?.detail ?? '',
            /is held by a lease of another process: not opened; output appended to .*\/logs\/leased\.out\.log/,
          );
          assert.equal(first.result.code, 0, `first tick, both starts succeeded; stderr: ${first.result.stderr}`);
          assert.ok(second.seconds < 20, `the second tick took ${second.seconds.toFixed(1)} s`);
          assert.ok(second.result.code === 0 || second.result.code === 1, `second tick: ${describeRun(second.result)}`);
          assert.deepEqual(
            ['leased', 'neighbour'].map((key) => checks.filter(ofKey(key)).length),
            [2, 2],
            'each tick took the lock and checked both apps',
          );
          assert.deepEqual(compromised, [], 'no lock was compromised');
          assert.equal(recoveries.filter(ofKey('neighbour')).length, 1, 'the root app was recovered once');
          assert.deepEqual(stubStarts(world.dir), ['neighbour'], 'and started once');
          assertBystandersUntouched(bystanders);
        },
      ),
    );
  });
});
