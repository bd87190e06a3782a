// Fault injection, hostile users: a heartbeat folder swapped while ticks run. The hostile
// user flips their heartbeat folder, in a tight loop, between a real folder (holding their
// own app's fresh heartbeat) and a symbolic link to the other user's folder (whose heartbeat
// reports "error" and names that user's live app: kill bait). Whichever a tick, or the
// re-read before its recovery, happens to find, the watchdog may only be honest about what
// it saw; it must never act on the other user's heartbeat, neither signalling their app nor
// moving their heartbeat aside at a start.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hashFile } from '../helpers/watchdog-in-namespace.js';
import { faultCase } from './report.js';
import {
  assertBystandersUntouched,
  bystanderReport,
  checksOf,
  describeBystanders,
  describeRun,
  heartbeatJson,
  recoveriesOf,
  writeFaultConfig,
} from './fault-scenario.js';
import {
  appReport,
  assertAppUntouched,
  describeApp,
  describeKernel,
  inCase,
  startHostileWorld,
} from './hostile-world.js';

const TICKS = 10;
/** What a tick may honestly find while the folder flips: its own app, a link, nothing, or a start's grace. */
const HONEST_STATES = new Set(['healthy', 'invalid_heartbeat', 'no_heartbeat', 'starting']);

/**
 * The hostile user's loop, in their folder `k`: write their app's heartbeat into the real
 * folder, show the real folder as `hb` a moment, then the link, and again. Each state
 * lasts a few milliseconds; renames are atomic, so a reader finds one or the other, or none.
 */
const FLIPPER = `cd k || exit 1
i=0
while :; do
  i=$((i + 1))
  printf '%s\\n' "$i" > flips
  printf '{"process_key":"flip","pid":%s,"timestamp":"%s","status":"running","iteration":%s}' "$1" "$(date -u +%Y-%m-%dT%H:%M:%S.%6N+00:00)" "$i" > hb.real/.app.json.tmp
  mv -f hb.real/.app.json.tmp hb.real/app.json
  mv -T hb.real hb; sleep 0.01; mv -T hb hb.real
  mv -T hb.link hb; sleep 0.01; mv -T hb hb.link
done`;

describe('fault injection, hostile users: a heartbeat folder swapped during ticks', () => {
  it("is honest about what each tick found and never acts on the other user's heartbeat", () =>
    faultCase(
      'm.17',
      `the hostile user flips their heartbeat folder between a real folder (their app's fresh heartbeat) and a symbolic link to the other user's folder (a fresh heartbeat reporting "error", naming that user's live app) in a tight loop while ${TICKS} ticks run; threshold 1, no start grace, no backoff, pipeline kill → stub start`,
      "every tick exits 0; states only healthy, invalid_heartbeat, no_heartbeat or starting; no kill signals anything; the other user's app alive and unsignalled, their heartbeat not moved",
      async (seen) => {
        const world = await startHostileWorld('hostile-swap');
        const { hostile, other } = world;
        const ownApp = await hostile.startApp('own_app');
        const otherApp = await other.startApp('other_app');
        await other.mkdir(join(other.home, 'k/hb'));
        const bait = join(other.home, 'k/hb/app.json');
        await other.writeFile(bait, heartbeatJson({ process_key: 'other_app', pid: otherApp.pid, status: 'error' }));
        const baitHash = hashFile(bait);
        await hostile.mkdir(join(hostile.home, 'k/hb.real'));
        await hostile.symlink(join(other.home, 'k/hb'), join(hostile.home, 'k/hb.link'));
        writeFaultConfig(
          world.dir,
          {
            flip: {
              heartbeat_path: join(hostile.home, 'k/hb/app.json'),
              start_grace_seconds: 0,
              recovery_backoff_seconds: 0,
              max_recoveries: 1000,
            },
          },
          { consecutive_failures_threshold: 1 },
        );

        const flipper = await world.ns.spawn(
          [
            'setpriv',
            `--reuid=${hostile.user.uid}`,
            `--regid=${hostile.user.gid}`,
            '--clear-groups',
            '--',
            '/bin/sh',
            '-c',
            FLIPPER,
            'sh',
            String(ownApp.pid),
          ],
          {
            cwd: hostile.home,
            detached: true,
          },
        );
        const ticks = [];
        for (let tick = 0; tick < TICKS; tick += 1) ticks.push(await world.watchdog(['check']));
        const flips = Number(readFileSync(join(hostile.home, 'k/flips'), 'utf8').trim());
        await world.ns.signal(flipper, 'SIGKILL');

        const checks = checksOf(world.dbPath);
        const kills = recoveriesOf(world.dbPath).flatMap((recovery) =>
          recovery.actions.filter((action) => action.action === 'kill'),
        );
        const signalled = kills.filter((kill) => kill.signal !== null || kill.pid !== null);
        const otherSeen = await appReport(world, otherApp);
        const ownSeen = await appReport(world, ownApp);
        const bystanders = await bystanderReport(world);
        const counts = new Map<string, number>();
        for (const row of checks) counts.set(row.health, (counts.get(row.health) ?? 0) + 1);
        const reasons = [
          ...new Set(
            checks.filter((row) => row.health === 'invalid_heartbeat').map((row) => inCase(world, row.reason ?? '')),
          ),
        ];
        seen.note(describeKernel(world));
        seen.note('flips during the ticks', flips);
        seen.note('ticks', [...new Set(ticks.map(describeRun))]);
        seen.note(
          'states',
          [...counts].map(([state, count]) => `${state} ×${count}`),
        );
        seen.note('invalid_heartbeat reasons', reasons);
        seen.note('kills', `${kills.length}, signalling ${signalled.length}`);
        seen.note(describeApp(`the other user's app (PID ${otherApp.pid})`, otherSeen));
        seen.note(describeApp(`the hostile user's own app (PID ${ownApp.pid})`, ownSeen));
        seen.note(
          "the other user's heartbeat",
          hashFile(bait) === baitHash ? 'in place, unchanged' : 'moved or changed',
        );
        seen.note(describeBystanders(bystanders));

        assert.deepEqual(
          ticks.map((tick) => tick.code),
          Array(TICKS).fill(0),
          `exit codes; stderr: ${ticks.map((tick) => tick.stderr).join(' | ')}`,
        );
        assert.equal(checks.length, TICKS, 'one check per tick');
        assert.deepEqual(
          checks.filter((row) => !HONEST_STATES.has(row.health)).map((row) => `${row.health}: ${row.reason ?? ''}`),
          [],
          'only honest states',
        );
        assert.deepEqual(
          signalled.map((kill) => `${kill.signal ?? '?'} to ${String(kill.pid)}`),
          [],
          'no kill signalled anything',
        );
        assertAppUntouched("the other user's app", otherSeen);
        assert.equal(hashFile(bait), baitHash, "the other user's heartbeat is in place, unchanged");
        assertBystandersUntouched(bystanders);
      },
    ));
});
