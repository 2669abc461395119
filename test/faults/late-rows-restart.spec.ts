/**
 * Fault: while Postgres is down, one citizen gives up waiting, so the automatic callback they are owed cannot
 * be written yet (its row references the call's, which waits for Postgres), another is put through to 110
 * by the IVR, whose transfer trail waits likewise, and a third leaves a message; then call-control is killed
 * before Postgres is back. All were kept in Redis, so the next process writes the callback once and queues
 * it, writes the trail, and finalises the message and files its draft.
 * Own Postgres (stopped and started), call-control in its own process (SIGKILL), SIPp citizens and dispatcher.
 */
import { waitFor } from '../support/call-control-harness';
import { startCallControlChild } from '../support/call-control-child';
import { agentCommand, callCrowd } from './fault-fixture';
import { OutageScene, POLICE_LINE } from './outage-scene';

jest.setTimeout(5 * 60_000);

const CALLER = '13861110001';
const POLICE_CALLER = '13861120001';
/** An integrated line whose IVR takes a message at once (the intro, then 6 s), then hangs up. */
const MESSAGE_LINE = '12369';
const MESSAGE_CALLER = '13861130001';
const MESSAGE_FLOW = { start: 'm', nodes: { m: { type: 'leave-message', prompt: { sound: 'message-intro' }, maxSeconds: 6, beep: false, next: 'bye' }, bye: { type: 'hangup' } } };

describe('fault: call-control killed during a Postgres outage with rows still to write → the next process writes them (own Postgres, SIPp)', () => {
  let scene: OutageScene;

  beforeAll(async () => {
    scene = await OutageScene.start('late-rows', { rtpFrom: 49_400, rtpPorts: 40, timeoutMs: 300_000, lines: { [MESSAGE_LINE]: MESSAGE_FLOW } });
    // Logged in, not ready: the citizen waits in the queue until they give up.
    await agentCommand(scene.h, 'agent.login', { agentId: 'agent-1', seat: 'seat-1' });
  });

  afterAll(() => scene?.stop());

  it('writes the callback once and queues it in the caller’s place, and writes the 110 transfer’s trail, from what the killed process kept in Redis', async () => {
    const { h, pg } = scene;
    const journal = () => h.redis.hgetall(`${h.config.REDIS_PREFIX}:acd:promised-callbacks`);
    await scene.db.end();
    await pg.stop();

    // One waits 8 s (more than the 5 s that earn a callback) and hangs up; one is put through to 110; one
    // speaks a message, and the IVR hangs up after it.
    const [citizen, police, message] = await Promise.all([
      callCrowd(h, { prefix: CALLER.slice(0, -1), calls: 1, rate: 1, listenMs: 8_000 }),
      callCrowd(h, { prefix: POLICE_CALLER.slice(0, -1), calls: 1, rate: 1, listenMs: 30_000, line: POLICE_LINE }),
      callCrowd(h, { prefix: MESSAGE_CALLER.slice(0, -1), calls: 1, rate: 1, listenMs: 30_000, line: MESSAGE_LINE }),
    ]);
    expect(message.logLines).toContain('hangup=remote');
    expect(citizen.counters).toMatchObject({ successfulCalls: 1, failedCalls: 0 });
    expect(police.logLines).toContain('hangup=remote');
    expect(await scene.dispatcherAnswered()).toBe(1);
    await waitFor(async () => Object.keys(await journal()).length === 1, 10_000, 'the promised callback to be kept in Redis');
    const trailKeys = await h.redis.keys(`${h.config.REDIS_PREFIX}:transfer-trail:*`);
    expect(trailKeys).toHaveLength(1);
    expect((await h.redis.lrange(trailKeys[0]!, 0, -1)).map((op) => JSON.parse(op).kind)).toEqual(['started', 'answered', 'ended']);
    const [[callbackId, promised]] = Object.entries(await journal()) as [[string, string]];
    expect(JSON.parse(promised)).toMatchObject({ number: CALLER, reason: 'abandoned', skill: 'general' });

    await scene.callControl!.kill();
    scene.callControl = null;
    await pg.start();
    await scene.reconnect();
    const db = scene.db;
    scene.callControl = await startCallControlChild(h.config, 'call-control#2');

    const callbacks = async () =>
      (
        await db.query(
          `SELECT b.id, b.number, b.reason, b.status, c.caller_number AS origin_caller FROM acd_callbacks b JOIN calls c ON c.id = b.origin_call_id`,
        )
      ).rows;
    await waitFor(async () => (await callbacks()).length > 0, 30_000, 'the callback row to be written by the new process');
    expect(await callbacks()).toEqual([{ id: callbackId, number: CALLER, reason: 'abandoned', status: 'queued', origin_caller: CALLER }]);
    await waitFor(async () => Object.keys(await journal()).length === 0, 10_000, 'the promise to leave the journal once queued');
    const entry = await h.redis.hgetall(`${h.config.REDIS_PREFIX}:{acd}:entry:cb-${callbackId}`);
    expect(entry).toMatchObject({ kind: 'callback', callbackId, callerNumber: CALLER, skill: 'general', state: 'waiting' });
    // The citizen's own call is written too, abandoned.
    const call = await db.query(`SELECT status FROM calls WHERE caller_number = $1`, [CALLER]);
    expect(call.rows).toEqual([{ status: 'ended' }]);

    // The transfer's trail, as the killed process recorded it: the allow-list entry, answered, completed.
    const trail = async () =>
      (
        await db.query(
          `SELECT t.destination_number, t.emergency, t.mode, t.outcome, t.answered_at IS NOT NULL AS answered FROM call_transfers t JOIN calls c ON c.id = t.call_id WHERE c.caller_number = $1`,
          [POLICE_CALLER],
        )
      ).rows;
    await waitFor(async () => (await trail()).length > 0, 30_000, "the 110 transfer's trail to be written by the new process");
    expect(await trail()).toEqual([{ destination_number: '110', emergency: true, mode: 'ivr', outcome: 'completed', answered: true }]);
    expect(await h.redis.keys(`${h.config.REDIS_PREFIX}:transfer-trail:*`)).toEqual([]);

    // The message: its recording row came with the call's timeline; the new process finalised it and filed the draft.
    const filed = async () =>
      (
        await db.query(
          `SELECT r.kind, r.status, r.duration_ms, d.kind AS draft_kind, d.caller_number, d.line_tag FROM recordings r
             JOIN calls c ON c.id = r.call_id LEFT JOIN call_order_drafts d ON d.recording_id = r.id
            WHERE c.caller_number = $1 AND r.kind = 'message'`,
          [MESSAGE_CALLER],
        )
      ).rows;
    await waitFor(async () => (await filed()).some((row) => row.draft_kind !== null), 30_000, 'the message to be filed as a draft by the new process');
    const [filedMessage, ...others] = await filed();
    expect(others).toEqual([]);
    expect(filedMessage).toMatchObject({ status: 'finalised', draft_kind: 'voice_message', caller_number: MESSAGE_CALLER, line_tag: MESSAGE_LINE });
    // Measured from the file: the crowd's speech (about a second of audio; no RTP, no frames after it).
    expect(filedMessage.duration_ms).toBeGreaterThan(500);
  });
});
