/**
 * The write-behind call timeline (CallTimelineWriter) against a Postgres this test owns and stops: calls go on
 * while Postgres is down (nothing in the call path waits for it), the operations wait in Redis, survive the
 * process that buffered them, and are written when Postgres is back - in order, each once.
 */
import { randomBytes } from 'node:crypto';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig, appConfigSchema, ConfigModule, loadConfig } from '@hotline/config';
import { DatabaseModule } from '@hotline/database';
import { RedisModule } from '@hotline/redis';
import { CallLogRepository, callIdOf } from '../../apps/call-control/src/calls/call-log.repository';
import { CallTimelineWriter } from '../../apps/call-control/src/calls/call-timeline.writer';
import { CallRecordNotWrittenError } from '../../apps/call-control/src/calls/call-record.errors';
import { AcdRecordRepository } from '../../apps/call-control/src/acd/acd-record.repository';
import { OwnPostgres } from '../faults/own-postgres';
import { testEnvironment } from '../support/test-environment';
import { waitFor } from '../support/wait-for';

function configFor(postgres: OwnPostgres, prefix: string, extra: Record<string, string> = {}): AppConfig {
  return loadConfig(appConfigSchema, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: postgres.url,
    REDIS_URL: testEnvironment.TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    ARI_URL: 'http://127.0.0.1:9',
    ARI_USERNAME: 'hotline',
    ARI_PASSWORD: 'test-ari-password-not-used',
    AMI_USERNAME: 'hotline',
    AMI_PASSWORD: 'test-ami-password-not-used',
    CALL_TIMELINE_FLUSH_MS: '50',
    CALL_TIMELINE_BATCH_SIZE: '100',
    ...extra,
  });
}

/** call-control's timeline side only: config, Postgres (migrated), Redis, the writer and the repository. */
async function startTimeline(config: AppConfig): Promise<INestApplicationContext> {
  @Module({
    imports: [ConfigModule.forConfig(config), DatabaseModule, RedisModule],
    providers: [CallTimelineWriter, CallLogRepository, AcdRecordRepository],
  })
  class TimelineTestModule {}
  const app = await NestFactory.createApplicationContext(TimelineTestModule, { logger: ['error'] });
  await app.init();
  return app;
}

describe('call timeline writer (write-behind, durable in Redis, own Postgres stopped and started)', () => {
  let postgres: OwnPostgres;
  let postgresUp = false;
  let redis: Redis;
  const prefix = `test_timeline_${randomBytes(4).toString('hex')}`;
  const apps: INestApplicationContext[] = [];

  beforeAll(async () => {
    postgres = await OwnPostgres.create('timeline');
    postgresUp = true;
    redis = new Redis(testEnvironment.TEST_REDIS_URL);
  }, 120_000);

  afterEach(async () => {
    // A failed test must not leave the next one without its Postgres.
    if (!postgresUp) await postgres.start();
    postgresUp = true;
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await postgres?.destroy();
  });

  it('keeps calls going while Postgres is down and writes every event afterwards, in order and once', async () => {
    const config = configFor(postgres, prefix);
    const first = await startTimeline(config);
    apps.push(first);
    const calls = first.get(CallLogRepository);
    const at = (second: number) => new Date(Date.UTC(2026, 11, 1, 8, 0, second));

    // Postgres up: one call, written in batches within a flush interval.
    const before = calls.openCall({ channelId: 'chan-before', direction: 'inbound', callerNumber: '13800138000', dialedNumber: '12345', startedAt: at(0) });
    expect(before).toBe(callIdOf('chan-before'));
    await calls.appendEvent(before, 'call.started', at(0), { n: 0 });
    await calls.answeredWithEvent(before, at(1), { answeredAt: at(1).toISOString() });
    await calls.written(before);
    const db = first.get(DataSource);
    await waitFor(async () => Number((await db.query(`SELECT count(*) AS n FROM call_events WHERE call_id = $1`, [before]))[0].n) === 2, 5_000);
    await db.query(`INSERT INTO acd_agents (id, name) VALUES ('a1', 'a1')`);

    // Postgres down: the call path hands over 307 operations for 3 calls without waiting (or failing): per call
    // its row, 98 events and 3 row changes (answered, tag, ended); and one more event for the first call.
    await postgres.stop();
    postgresUp = false;
    const channels = ['chan-a', 'chan-b', 'chan-c'];
    const started = Date.now();
    for (const channel of channels) {
      const callId = calls.openCall({ channelId: channel, direction: 'inbound', callerNumber: '13900139000', dialedNumber: '12345', startedAt: at(10) });
      await calls.appendEvent(callId, 'call.started', at(10), { n: 0 });
      await calls.answeredWithEvent(callId, at(11), { answeredAt: at(11).toISOString() });
      for (let n = 1; n <= 95; n += 1) await calls.appendEvent(callId, 'call.dtmf', at(12), { n, digit: String(n % 10) });
      await calls.setTag(callId, 'caller', 'elderly');
      await calls.endedWithEvent(callId, at(20), 16, 'Normal Clearing', { hangupCause: 16 });
    }
    await calls.appendEvent(before, 'call.dtmf', at(2), { n: 1, digit: '5' });
    // The ACD's records of the same calls go the same way: the queue record and the agent's state history.
    const records = first.get(AcdRecordRepository);
    await records.queued(callIdOf('chan-a'), 'general', 0, at(10));
    await records.answered(callIdOf('chan-a'), 'a1', 'general', at(11), 1_000, 1);
    for (const state of ['ringing', 'on_call', 'wrap_up'] as const) await records.logAgentState('a1', state, null, 'seat-1', callIdOf('chan-a'), at(11));
    expect(Date.now() - started).toBeLessThan(1_000);
    const writer = first.get(CallTimelineWriter);
    await waitFor(async () => (await writer.backlog()) === 3 * 102 + 1 + 5, 5_000);
    // A few failed flush attempts later, everything is still waiting in Redis.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await writer.backlog()).toBe(312);

    // The process that buffered them goes away while Postgres is still down ...
    await first.close();
    apps.splice(apps.indexOf(first), 1);
    expect(await redis.llen(`${prefix}:call-timeline:pending`)).toBe(312);

    // ... Postgres comes back, and a new process writes the backlog on start.
    await postgres.start();
    postgresUp = true;
    const second = await startTimeline(config);
    apps.push(second);
    const writerAfter = second.get(CallTimelineWriter);
    await waitFor(async () => (await writerAfter.backlog()) === 0, 20_000);
    const dbAfter = second.get(DataSource);

    for (const channel of channels) {
      const callId = callIdOf(channel);
      const [row] = await dbAfter.query(`SELECT status, answered_at, ended_at, hangup_cause, tags, last_sequence FROM calls WHERE id = $1`, [callId]);
      expect(row).toMatchObject({ status: 'ended', hangup_cause: 16, tags: { caller: 'elderly' }, last_sequence: 98 });
      const events: Array<{ sequence: number; type: string; payload: { n?: number } }> = await dbAfter.query(
        `SELECT sequence, type, payload FROM call_events WHERE call_id = $1 ORDER BY sequence`,
        [callId],
      );
      // Contiguous sequences in the order the call produced them.
      expect(events.map((event) => event.sequence)).toEqual(Array.from({ length: 98 }, (_, index) => index + 1));
      expect(events.map((event) => event.type)).toEqual(['call.started', 'call.answered', ...Array(95).fill('call.dtmf'), 'call.ended']);
      expect(events.slice(2, 97).map((event) => event.payload.n)).toEqual(Array.from({ length: 95 }, (_, index) => index + 1));
    }
    expect(await dbAfter.query(`SELECT outcome, agent_id, wait_ms FROM acd_queue_calls WHERE call_id = $1`, [callIdOf('chan-a')])).toEqual([{ outcome: 'answered', agent_id: 'a1', wait_ms: 1_000 }]);
    expect((await dbAfter.query(`SELECT state FROM acd_agent_state_log WHERE agent_id = 'a1' ORDER BY id`)).map((row: { state: string }) => row.state)).toEqual(['ringing', 'on_call', 'wrap_up']);
    const beforeEvents: Array<{ sequence: number; type: string }> = await dbAfter.query(`SELECT sequence, type FROM call_events WHERE call_id = $1 ORDER BY sequence`, [before]);
    expect(beforeEvents).toEqual([
      { sequence: 1, type: 'call.started' },
      { sequence: 2, type: 'call.answered' },
      { sequence: 3, type: 'call.dtmf' },
    ]);
  }, 120_000);

  it('flushes soon when something on the call path waits, and at the idle interval otherwise', async () => {
    // A prefix of its own: the other tests' writers (still running) must not flush this test's list.
    const ownPrefix = `${prefix}u`;
    const app = await startTimeline(configFor(postgres, ownPrefix, { CALL_TIMELINE_FLUSH_MS: '50', CALL_TIMELINE_IDLE_FLUSH_MS: '1500' }));
    apps.push(app);
    const calls = app.get(CallLogRepository);
    const db = app.get(DataSource);
    const rows = async (callId: string) => Number((await db.query(`SELECT count(*) AS n FROM calls WHERE id = $1`, [callId]))[0].n);
    // The flush every writer starts with (a previous process's leftovers) is over before the test hands anything over.
    await app.get(CallTimelineWriter).drain();
    try {
      const idle = calls.openCall({ channelId: 'chan-idle', direction: 'inbound', callerNumber: null, dialedNumber: '12345', startedAt: new Date() });
      await calls.appendEvent(idle, 'call.started', new Date(), { n: 1 });
      await new Promise((resolve) => setTimeout(resolve, 400));
      // Nobody waits: still only in Redis.
      expect(await rows(idle)).toBe(0);
      // A screen pop waits for the call's row: the flush comes forward.
      const askedAt = Date.now();
      await calls.written(idle);
      expect(Date.now() - askedAt).toBeLessThan(600);
      expect(await rows(idle)).toBe(1);

      const later = calls.openCall({ channelId: 'chan-later', direction: 'inbound', callerNumber: null, dialedNumber: '12345', startedAt: new Date() });
      const handedAt = Date.now();
      await calls.written(later, 'eventually');
      expect(Date.now() - handedAt).toBeGreaterThanOrEqual(1_000);
      expect(await rows(later)).toBe(1);
    } finally {
      await redis.del(`${ownPrefix}:call-timeline:pending`);
    }
  }, 60_000);

  it("refuses a person waiting for a call's row within CALL_RECORD_WAIT_MS while Postgres is down, and writes the call and what waited on when it is back", async () => {
    // A prefix of its own: the other tests' writers (still running) must not flush this test's list.
    const ownPrefix = `${prefix}w`;
    const app = await startTimeline(configFor(postgres, ownPrefix, { CALL_RECORD_WAIT_MS: '1000' }));
    apps.push(app);
    const calls = app.get(CallLogRepository);
    const writer = app.get(CallTimelineWriter);
    const db = app.get(DataSource);
    await writer.drain();
    try {
      await postgres.stop();
      postgresUp = false;
      const callId = calls.openCall({ channelId: 'chan-refused', direction: 'inbound', callerNumber: null, dialedNumber: '12345', startedAt: new Date() });
      await calls.appendEvent(callId, 'call.started', new Date(), { n: 1 });

      // A supervisor's audit row waits for the call's: a typed refusal after the bound, not a hang.
      const askedAt = Date.now();
      const refused = await calls.written(callId).then(
        () => null,
        (error: unknown) => error,
      );
      const waitedMs = Date.now() - askedAt;
      expect(refused).toBeInstanceOf(CallRecordNotWrittenError);
      expect(refused).toMatchObject({ code: 'CALL_RECORD_NOT_WRITTEN', kind: 'unavailable', details: { callId, waitedMs: 1_000 } });
      expect(waitedMs).toBeGreaterThanOrEqual(950);
      expect(waitedMs).toBeLessThan(2_000);
      // The waiter is gone; the call's operations are not: they wait in Redis.
      expect(writer['pendingByCall'].get(callId)?.waiters).toEqual([]);
      expect(await writer.backlog()).toBe(2);

      // A row nobody waits on that must not be lost (a transfer's trail, a message) waits on through the outage.
      const late = jest.fn();
      const recording = calls.afterCallRowEvenIfLate(
        callId,
        async () => (await db.query(`INSERT INTO recordings (call_id, kind, channel_id, file_path, status, started_at) VALUES ($1, 'message', 'chan-refused', 'messages/x.wav', 'recording', now()) RETURNING id`, [callId]))[0].id as string,
        late,
      );
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(late).toHaveBeenCalledWith(expect.any(CallRecordNotWrittenError));

      await postgres.start();
      postgresUp = true;
      const recordingId = await recording;
      expect(await writer.backlog()).toBe(0);
      expect(await db.query(`SELECT c.id, count(e.id)::int AS events FROM calls c JOIN call_events e ON e.call_id = c.id WHERE c.id = $1 GROUP BY c.id`, [callId])).toEqual([{ id: callId, events: 1 }]);
      expect(await db.query(`SELECT call_id FROM recordings WHERE id = $1`, [recordingId])).toEqual([{ call_id: callId }]);
      expect(writer['pendingByCall'].has(callId)).toBe(false);
    } finally {
      await redis.del(`${ownPrefix}:call-timeline:pending`);
    }
  }, 60_000);

  it('writes a batch flushed twice (a crash between the commit and the trim) only once', async () => {
    const config = configFor(postgres, prefix);
    const app = await startTimeline(config);
    apps.push(app);
    const calls = app.get(CallLogRepository);
    const writer = app.get(CallTimelineWriter);
    const callId = calls.openCall({ channelId: 'chan-twice', direction: 'inbound', callerNumber: null, dialedNumber: '12345', startedAt: new Date() });
    for (let n = 1; n <= 5; n += 1) await calls.appendEvent(callId, 'call.dtmf', new Date(), { n });
    // Written once; then the same entries are put back, as if the process died after the COMMIT but before the trim.
    const listKey = `${prefix}:call-timeline:pending`;
    expect(await writer.drain()).toBe(true);
    const db = app.get(DataSource);
    expect(Number((await db.query(`SELECT count(*) AS n FROM call_events WHERE call_id = $1`, [callId]))[0].n)).toBe(5);
    const replay = await db.query(`SELECT event_id, type, occurred_at, payload FROM call_events WHERE call_id = $1 ORDER BY sequence`, [callId]);
    await redis.rpush(
      listKey,
      JSON.stringify({ op: 'call', callId, channelId: 'chan-twice', direction: 'inbound', callerNumber: null, dialedNumber: '12345', startedAt: new Date().toISOString(), lineNumber: null, skill: null }),
      ...replay.map((event: { event_id: string; type: string; occurred_at: Date; payload: Record<string, unknown> }) =>
        JSON.stringify({ op: 'event', eventId: event.event_id, callId, type: event.type, occurredAt: event.occurred_at.toISOString(), payload: event.payload }),
      ),
    );
    expect(await writer.drain()).toBe(true);
    const [row] = await db.query(`SELECT last_sequence, (SELECT count(*)::int FROM call_events WHERE call_id = $1) AS events FROM calls WHERE id = $1`, [callId]);
    expect(row).toEqual({ last_sequence: 5, events: 5 });
  }, 60_000);

  it('writes the rest of a batch when one event names a call with no record', async () => {
    const config = configFor(postgres, prefix);
    const app = await startTimeline(config);
    apps.push(app);
    const calls = app.get(CallLogRepository);
    const writer = app.get(CallTimelineWriter);
    const callId = calls.openCall({ channelId: 'chan-orphan-neighbour', direction: 'inbound', callerNumber: null, dialedNumber: '12345', startedAt: new Date() });
    const missing = callIdOf('chan-never-opened');
    await calls.appendEvent(callId, 'call.started', new Date(), { n: 1 });
    await calls.appendEvent(missing, 'call.dtmf', new Date(), { digit: '1' });
    await calls.appendEvent(callId, 'call.dtmf', new Date(), { n: 2 });
    expect(await writer.drain()).toBe(true);
    const db = app.get(DataSource);
    expect(await db.query(`SELECT sequence, type FROM call_events WHERE call_id = $1 ORDER BY sequence`, [callId])).toEqual([
      { sequence: 1, type: 'call.started' },
      { sequence: 2, type: 'call.dtmf' },
    ]);
    expect(await db.query(`SELECT count(*)::int AS n FROM call_events WHERE call_id = $1`, [missing])).toEqual([{ n: 0 }]);
  }, 60_000);

  it("writes a call's recording row in the call's batch, once, and skips one whose call has no record", async () => {
    const config = configFor(postgres, prefix);
    const app = await startTimeline(config);
    apps.push(app);
    const calls = app.get(CallLogRepository);
    const writer = app.get(CallTimelineWriter);
    const startedAt = new Date('2026-12-02T10:00:00.000Z');
    const callId = calls.openCall({ channelId: 'chan-recorded', direction: 'inbound', callerNumber: '13800000001', dialedNumber: '12345', startedAt });
    calls.registerRecording(callId, 'chan-recorded', '20261202/chan-recorded.wav', startedAt);
    // A re-adopted call registers its recording again: the row stays as it was.
    calls.registerRecording(callId, 'chan-recorded', '20261202/chan-recorded.wav', new Date());
    calls.registerRecording(callIdOf('chan-never-opened-2'), 'chan-never-opened-2', '20261202/chan-never-opened-2.wav', startedAt);
    await calls.written(callId, 'eventually');
    expect(await writer.drain()).toBe(true);
    const db = app.get(DataSource);
    expect(await db.query(`SELECT call_id, kind, channel_id, file_path, status, started_at FROM recordings WHERE file_path LIKE '20261202/chan-%' ORDER BY file_path`)).toEqual([
      { call_id: callId, kind: 'call', channel_id: 'chan-recorded', file_path: '20261202/chan-recorded.wav', status: 'recording', started_at: startedAt },
    ]);
  }, 60_000);
});
