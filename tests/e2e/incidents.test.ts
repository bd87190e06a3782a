// End-to-end tests of incidents: the built watchdog, run as cron runs it inside a PID
// namespace, recovers a real app (the demo app, which embeds HeartbeatWriter) that hangs,
// and tells a command channel that records every event it receives. The events of one
// outage carry one incident id, from the first to process_recovered; a blip below the
// threshold tells nothing; a process that stays down is reminded of.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { EventPayload } from '../../src/notify/watchdog-event.js';
import {
  assertHealthyAfterStart,
  quietTick,
  recoveriesIn,
  spawnDemoApp,
  startScenario,
  waitForBeatOf,
  waitForState,
  waitUntilStale,
  writeRecoveryConfig,
  type Scenario,
} from '../helpers/watchdog-in-namespace.js';

/** A command channel that appends each event's JSON (its standard input) to received.jsonl in the config's folder. */
const RECORDER = { type: 'command', command: 'cat >> received.jsonl; echo >> received.jsonl', retries: 0 };

/** What the channel received, in order. */
function received(scenario: Pick<Scenario, 'dir'>): EventPayload[] {
  const path = join(scenario.dir, 'received.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as EventPayload);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('incidents (the built watchdog, a real app, inside a PID namespace)', () => {
  it('a hung app recovered: recovery_started, recovery_succeeded and process_recovered carry one id; a blip tells nothing', async () => {
    const scenario = await startScenario({}, { notify: { channels: { recorder: RECORDER } } });
    const { ns, dbPath, heartbeatPath, watchdog } = scenario;
    const app = await spawnDemoApp(ns, scenario.dir);
    await quietTick(watchdog, 'while the app beats');

    // A blip: one failed check (below the threshold of 2), then healthy again. No incident.
    await ns.signal(app, 'SIGSTOP');
    await waitForState(ns, app, ['stopped']);
    await waitUntilStale(heartbeatPath, 1);
    await quietTick(watchdog, 'the blip');
    await ns.signal(app, 'SIGCONT');
    await waitForBeatOf(heartbeatPath, app);
    await sleep(150);
    await quietTick(watchdog, 'healthy after the blip');
    assert.deepEqual(received(scenario), [], 'a blip below the threshold tells nothing');

    // The app hangs for good: recovered at the second failed check.
    await ns.signal(app, 'SIGSTOP');
    await waitForState(ns, app, ['stopped']);
    await waitUntilStale(heartbeatPath, 1);
    await quietTick(watchdog, 'the first failed check');
    await quietTick(watchdog, 'the recovering tick');
    const [recovery] = recoveriesIn(dbPath);
    assert.equal(recovery?.outcome, 'succeeded', JSON.stringify(recovery));
    await assertHealthyAfterStart(scenario, recovery?.started_pid ?? null);
    await quietTick(watchdog, 'healthy again');

    const events = received(scenario);
    assert.deepEqual(
      events.map((event) => event.event),
      ['recovery_started', 'recovery_succeeded', 'process_recovered'],
    );
    const id = events[0]?.details.incident_id;
    assert.ok(typeof id === 'string' && UUID.test(id), `an incident id: ${String(id)}`);
    assert.deepEqual(
      events.map((event) => event.details.incident_id),
      [id, id, id],
    );
    const recovered = events[2];
    assert.deepEqual(
      {
        process_key: recovered?.process_key,
        healed_by: recovered?.details.healed_by,
        recovery_id: recovered?.details.recovery_id,
        down_since: recovered?.details.down_since,
      },
      { process_key: 'app', healed_by: 'recovery', recovery_id: recovery?.id, down_since: events[0]?.time },
    );
    const down = recovered?.details.down_seconds;
    assert.ok(typeof down === 'number' && down > 0 && down < 120, `down for ${String(down)} s`);
    assert.match(recovered?.summary ?? '', /^app: healthy again after \S+ down, healed by recovery #1: /);
  });

  it('an app whose start fails is reminded of while it stays down, every remind_after_seconds, with its incident id', async () => {
    const scenario = await startScenario(
      { commands: { start: 'exit 1' }, recovery_actions: ['start'], recovery_backoff_seconds: 0, max_recoveries: 100 },
      {
        consecutive_failures_threshold: 1,
        notify: { repeat_after_seconds: 3600, channels: { recorder: { ...RECORDER, remind_after_seconds: 1 } } },
      },
    );
    const { watchdog } = scenario;
    // No heartbeat: the first check fails, the recovery's start fails.
    await failedTick(watchdog, 'the first failed check');
    assert.deepEqual(
      received(scenario).map((event) => event.event),
      ['recovery_started', 'recovery_failed'],
    );
    await sleep(1100);
    await failedTick(watchdog, 'a tick a second later');
    await sleep(1100);
    await failedTick(watchdog, 'another');
    const events = received(scenario);
    // The second and third attempts are repeats within repeat_after_seconds; the reminders are not.
    assert.deepEqual(
      events.map((event) => event.event),
      ['recovery_started', 'recovery_failed', 'process_still_down', 'process_still_down'],
    );
    const id = events[0]?.details.incident_id;
    assert.ok(typeof id === 'string' && UUID.test(id));
    assert.deepEqual(
      events.map((event) => event.details.incident_id),
      [id, id, id, id],
    );
    assert.deepEqual(
      events.slice(2).map((event) => [event.details.state, event.details.down_since]),
      [
        ['no_heartbeat', events[0]?.time],
        ['no_heartbeat', events[0]?.time],
      ],
    );

    // A person on the device sees the incident the pager shows.
    const json = await watchdog(['status', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const shown = (
      JSON.parse(json.stdout) as { processes: { key: string; incident_id: unknown; incident_opened_at: unknown }[] }
    ).processes.find((process) => process.key === 'app');
    assert.deepEqual([shown?.incident_id, shown?.incident_opened_at], [id, events[0]?.time]);
    const text = await watchdog(['status', 'app']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`incident +${id} open since ${events[0]?.time.replace(/[.+]/g, '\\$&')}`));
  });
});

describe('reminders and a recovery of the same tick', () => {
  it('sends no "still down" reminder in the tick whose recovery just started the app again', async () => {
    const processFields = {
      commands: { start: 'exit 1' },
      recovery_actions: ['start'],
      recovery_backoff_seconds: 0,
      max_recoveries: 100,
    };
    const topLevel = {
      consecutive_failures_threshold: 1,
      notify: { repeat_after_seconds: 3600, channels: { recorder: { ...RECORDER, remind_after_seconds: 1 } } },
    };
    const scenario = await startScenario(processFields, topLevel);
    const { watchdog } = scenario;
    await failedTick(watchdog, 'the first failed check, whose start fails');
    await sleep(1100);
    // Its owner fixes the start command; the next tick's recovery starts the app, while a
    // reminder of the incident (opened a second ago) is due.
    writeRecoveryConfig(scenario.dir, { ...processFields, commands: { start: 'exec sleep 600' } }, topLevel);
    const healing = await watchdog(['check']);
    assert.equal(healing.code, 0, JSON.stringify(healing));
    assert.deepEqual(
      received(scenario).map((event) => event.event),
      ['recovery_started', 'recovery_failed', 'recovery_succeeded'],
      'recovery_succeeded is the news of that tick: no reminder that it is still down',
    );
  });
});

/** A tick whose recovery failed: exit 1. */
async function failedTick(watchdog: Scenario['watchdog'], what: string): Promise<void> {
  const result = await watchdog(['check']);
  assert.equal(result.code, 1, `${what}: ${JSON.stringify(result)}`);
}
