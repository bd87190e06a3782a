// Fault injection, hostile users: pathological JSON in a heartbeat. The hostile user's app
// writes the heartbeat its process's `user` must own, but fills it with what parsers choke
// on or read leniently: deep nesting, a prototype key, numbers beyond a double, a byte
// order mark, NUL bytes. Each must end as a per-process state with a reason, never a crash
// of the tick and never `check_error` (the file is the app's fault, not the watchdog's);
// where the text would name the app's live PID and an "error" status if read leniently,
// that PID must still not be signalled. A byte order mark before sound JSON is the one
// lenient read (RFC 8259 lets a parser ignore it): that heartbeat is judged by its JSON.
import assert from 'node:assert/strict';
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
  stubStarts,
  writeFaultConfig,
} from './fault-scenario.js';
import {
  appReport,
  assertAppUntouched,
  describeApp,
  startHostileWorld,
  type AppReport,
  type UserApp,
} from './hostile-world.js';

interface JsonCase {
  id: string;
  key: string;
  fault: string;
  /** The heartbeat's bytes, given the PID of the hostile user's live app (its own, so a wrong kill is blamed on this case). */
  bytes: (pid: number) => Buffer;
  /** What it is read as: `invalid_heartbeat` unless said. */
  health?: 'healthy';
  /** The untrusted heartbeat names the live app by a PID that may be it: no start beside it (docs/starting-apps.md). */
  refused?: true;
}

const CASES: JsonCase[] = [
  { id: 'p.1', key: 'brackets_4k', fault: 'a heartbeat of 4 KiB of `[`', bytes: () => Buffer.from('['.repeat(4096)) },
  {
    id: 'p.2',
    key: 'brackets_60k',
    fault: 'a heartbeat of 60 KiB of `[` (under the 64 KiB limit, so it is parsed)',
    bytes: () => Buffer.from('['.repeat(60 * 1024)),
  },
  {
    id: 'p.3',
    key: 'deep_field',
    fault:
      'an otherwise valid heartbeat naming the live app with "status": "error", whose `iteration` is 20 000 arrays deep',
    bytes: (pid) =>
      Buffer.from(
        heartbeatJson({ process_key: 'deep_field', pid, status: 'error' }).replace(
          /"iteration":1/,
          `"iteration":${'['.repeat(20_000)}${']'.repeat(20_000)}`,
        ),
      ),
    refused: true,
  },
  {
    id: 'p.4',
    key: 'proto',
    fault:
      '`{"__proto__": {pid, process_key...}, ...}`: the live app\'s PID only under `__proto__`, the other keys with "status": "error" at the top',
    bytes: (pid) => {
      const top = JSON.parse(heartbeatJson({ process_key: 'proto', status: 'error' })) as Record<string, unknown>;
      return Buffer.from(
        `{"__proto__": ${heartbeatJson({ process_key: 'proto', pid, status: 'error' })}, ${JSON.stringify(top).slice(1)}`,
      );
    },
  },
  {
    id: 'p.5',
    key: 'huge_numbers',
    fault: '"pid": 1e400 and "iteration": 1e400 (Infinity to JSON.parse), "status": "error"',
    bytes: () =>
      Buffer.from(
        heartbeatJson({ process_key: 'huge_numbers', pid: 0, iteration: 0, status: 'error' })
          .replace('"pid":0', '"pid":1e400')
          .replace('"iteration":0', '"iteration":1e400'),
      ),
  },
  {
    id: 'p.6',
    key: 'bom',
    fault:
      'a UTF-8 byte order mark before an otherwise valid, fresh heartbeat naming the live app with "status": "running"',
    bytes: (pid) =>
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(heartbeatJson({ process_key: 'bom', pid }))]),
    health: 'healthy',
  },
  {
    id: 'p.7',
    key: 'nul_bytes',
    fault:
      'NUL bytes inside the `status` string and after the object of an otherwise valid heartbeat naming the live app ("status": "error\\0")',
    bytes: (pid) =>
      Buffer.from(
        `${heartbeatJson({ process_key: 'nul_bytes', pid, status: 'error' }).replace('"status":"error"', '"status":"error\0"')}\0\0\0\0`,
      ),
  },
];

describe('fault injection, hostile users: pathological JSON in a heartbeat', () => {
  it('makes each an invalid_heartbeat with a reason, in a tick that exits 0, and signals nothing', async (t) => {
    const world = await startHostileWorld('hostile-json');
    const { hostile } = world;
    const app = await hostile.startApp('own_app');
    const apps = new Map<string, UserApp>();
    for (const { key, bytes } of CASES) {
      // A case whose text holds a PID names an app of its own; the others name none.
      const own = bytes(0).equals(bytes(1)) ? app : await hostile.startApp(`app_${key}`);
      apps.set(key, own);
      await hostile.writeFile(join(hostile.home, `${key}.json`), bytes(own.pid));
    }
    await hostile.writeFile(
      join(hostile.home, 'control.json'),
      heartbeatJson({ process_key: 'control', pid: app.pid }),
    );
    const asHostile = { user: hostile.user.name, cwd: hostile.home };
    writeFaultConfig(
      world.dir,
      {
        control: { heartbeat_path: join(hostile.home, 'control.json'), ...asHostile },
        ...Object.fromEntries(
          CASES.map(({ key }) => [key, { heartbeat_path: join(hostile.home, `${key}.json`), ...asHostile }]),
        ),
      },
      { consecutive_failures_threshold: 1 },
    );

    const tick = await world.watchdog(['check']);
    const checks = checksOf(world.dbPath);
    const recoveries = recoveriesOf(world.dbPath);
    const starts = stubStarts(hostile.home);
    const appsSeen = new Map<UserApp, AppReport>();
    for (const each of new Set([app, ...apps.values()])) appsSeen.set(each, await appReport(world, each));
    const bystanders = await bystanderReport(world);
    const control = checks.find((row) => row.process_key === 'control');

    for (const { id, key, fault, health = 'invalid_heartbeat', refused = false } of CASES) {
      const sound = health === 'healthy';
      await t.test(key, () =>
        faultCase(
          id,
          `${fault}; written by the hostile user, \`user\` set; threshold 1, pipeline kill → stub start`,
          sound
            ? 'the tick exits 0; read as the JSON after the mark: healthy, nothing run; the app and the bystanders untouched'
            : refused
              ? "the tick exits 0; invalid_heartbeat (never check_error) with a reason; its PID is the live app's, so the recovery is refused (skipped, no kill, no second copy); the app and the bystanders untouched"
              : 'the tick exits 0; invalid_heartbeat (never check_error) with a reason; kill signals nothing; the app and the bystanders untouched',
          (seen) => {
            const check = checks.find((row) => row.process_key === key);
            const recovery = recoveries.find((row) => row.process_key === key);
            const kill = recovery?.actions.find((action) => action.action === 'kill');
            const named = apps.get(key) ?? app;
            const namedSeen = appsSeen.get(named);
            const controlSeen = appsSeen.get(app);
            seen.note(describeRun(tick));
            seen.note(`${check?.health ?? 'no state'}: ${check?.reason ?? 'no reason'}`);
            seen.note('actions', actionOutcomes(recovery));
            seen.note(
              'kill signalled',
              kill === undefined || kill.signal === null ? 'nothing' : `${kill.signal} to ${String(kill.pid)}`,
            );
            seen.note('control', control?.health ?? 'no row');
            seen.note(
              describeApp(
                named === app ? `the hostile user's app (PID ${app.pid})` : `the app its text names (PID ${named.pid})`,
                namedSeen ?? { state: 'dead', signals: [] },
              ),
            );
            if (named !== app)
              seen.note(
                describeApp(`the control's app (PID ${app.pid})`, controlSeen ?? { state: 'dead', signals: [] }),
              );
            seen.note(describeBystanders(bystanders));

            assert.equal(tick.code, 0, `exit code; stderr: ${tick.stderr}`);
            assert.equal(checks.length, CASES.length + 1, 'one check per process: the tick checked them all');
            assert.equal(check?.health, health, `${key}: ${check?.reason ?? 'no row'}`);
            assert.ok((check?.reason ?? '').trim() !== '', 'with a reason');
            assert.deepEqual(
              { pid: kill?.pid ?? null, signal: kill?.signal ?? null },
              { pid: null, signal: null },
              'kill signalled no PID',
            );
            if (refused)
              assert.deepEqual(
                { outcome: recovery?.outcome, actions: actionOutcomes(recovery) },
                { outcome: 'skipped', actions: [] },
                'the recovery was refused',
              );
            assert.equal(
              starts.filter((line) => line === key).length,
              sound || refused ? 0 : 1,
              sound || refused ? 'nothing started' : 'its stub start ran once',
            );
            assert.equal(control?.health, 'healthy', `control: ${control?.reason ?? 'no row'}`);
            assertAppUntouched('the app its text names', namedSeen ?? { state: 'dead', signals: [] });
            assertBystandersUntouched(bystanders);
          },
        ),
      );
    }
  });
});
