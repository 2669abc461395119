/**
 * Recordings over HTTP on the real api, Postgres and Redis: metadata, audio with range requests and auth,
 * and pause/resume forwarded to call-control over the command interface (a stand-in listener answers here;
 * the telephony test proves the call-control side against Asterisk).
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { DEMO_PASSWORD, seedDemoData } from '@hotline/auth';
import { HotlineCommand } from '@hotline/realtime';
import { RedisCommandListener } from '@hotline/redis';
import Redis from 'ioredis';
import { ApiTestServer, startApiTestServer } from '../support/api-test-server';
import { testEnvironment } from '../support/test-environment';

describe('recordings api (real Postgres, Redis)', () => {
  let api: ApiTestServer;
  let store: string;
  let recordingId: string;
  let callId: string;
  let audio: Buffer;
  const tokens: Record<string, string> = {};
  const http = () => request(api.url);
  const as = (username: string) => ({ Authorization: `Bearer ${tokens[username]}` });

  beforeAll(async () => {
    store = await fs.mkdtemp(path.join(os.tmpdir(), 'hotline-store-'));
    api = await startApiTestServer('recordings_api', { RECORDINGS_DIR: store });
    await seedDemoData(api.dataSource);
    for (const username of ['agent', 'supervisor', 'quality', 'market.handler']) {
      tokens[username] = (await http().post('/api/auth/login').send({ username, password: DEMO_PASSWORD }).expect(200)).body.accessToken;
    }
    // A finalised recording as call-control leaves it: file in the store, facts in Postgres.
    audio = Buffer.concat([Buffer.from('RIFF'), randomBytes(20_000)]);
    await fs.mkdir(path.join(store, '20261123'));
    await fs.writeFile(path.join(store, '20261123', 'dev-1.0.wav'), audio);
    [{ id: callId }] = await api.dataSource.query(
      `INSERT INTO calls (channel_id, direction, caller_number, dialed_number, status, started_at, ended_at) VALUES ('dev-1.0', 'inbound', '13800000000', '12345', 'ended', now(), now()) RETURNING id`,
    );
    [{ id: recordingId }] = await api.dataSource.query(
      `INSERT INTO recordings (call_id, kind, channel_id, file_path, status, started_at, ended_at, duration_ms, size_bytes, sha256)
       VALUES ($1, 'call', 'dev-1.0', '20261123/dev-1.0.wav', 'finalised', now(), now(), 1250, $2, $3) RETURNING id`,
      [callId, audio.length, createHash('sha256').update(audio).digest('hex')],
    );
  });

  afterAll(async () => {
    await api?.close();
    await fs.rm(store, { recursive: true, force: true });
  });

  it("lists a call's recordings with duration, size and checksum, never the store path", async () => {
    const { body } = await http().get(`/api/calls/${callId}/recordings`).set(as('quality')).expect(200);
    expect(body).toEqual([
      expect.objectContaining({ id: recordingId, callId, kind: 'call', status: 'finalised', durationMs: 1250, sizeBytes: audio.length, audioUrl: `/api/recordings/${recordingId}/audio` }),
    ]);
    expect(JSON.stringify(body)).not.toContain('20261123');
  });

  it('streams the whole file and byte ranges (206, suffix, open-ended), and answers 416 outside the file', async () => {
    const whole = await http().get(`/api/recordings/${recordingId}/audio`).set(as('quality')).buffer(true).parse(binary).expect(200);
    expect(whole.headers).toMatchObject({ 'accept-ranges': 'bytes', 'content-type': 'audio/wav', 'cache-control': 'private, no-store' });
    expect(Buffer.compare(whole.body as Buffer, audio)).toBe(0);

    const first = await http().get(`/api/recordings/${recordingId}/audio`).set({ ...as('quality'), Range: 'bytes=0-99' }).buffer(true).parse(binary).expect(206);
    expect(first.headers['content-range']).toBe(`bytes 0-99/${audio.length}`);
    expect(Buffer.compare(first.body as Buffer, audio.subarray(0, 100))).toBe(0);

    const tail = await http().get(`/api/recordings/${recordingId}/audio`).set({ ...as('supervisor'), Range: 'bytes=-10' }).buffer(true).parse(binary).expect(206);
    expect(Buffer.compare(tail.body as Buffer, audio.subarray(audio.length - 10))).toBe(0);

    const rest = await http().get(`/api/recordings/${recordingId}/audio`).set({ ...as('quality'), Range: `bytes=${audio.length - 5}-` }).buffer(true).parse(binary).expect(206);
    expect((rest.body as Buffer).length).toBe(5);

    const outside = await http().get(`/api/recordings/${recordingId}/audio`).set({ ...as('quality'), Range: `bytes=${audio.length}-` }).expect(416);
    expect(outside.headers['content-range']).toBe(`bytes */${audio.length}`);
  });

  it('audits every audio read: who, which recording and call, which range', async () => {
    const reads: Array<{ username: string; user_id: string | null; call_id: string; byte_range: string | null }> = await api.dataSource.query(
      `SELECT username, user_id, call_id, byte_range FROM recording_access_audit WHERE recording_id = $1 ORDER BY id`,
      [recordingId],
    );
    const [{ id: qualityId }] = await api.dataSource.query(`SELECT id FROM users WHERE username = 'quality'`);
    expect(reads.map((read) => [read.username, read.byte_range])).toEqual([
      ['quality', null],
      ['quality', 'bytes=0-99'],
      ['supervisor', 'bytes=-10'],
      ['quality', `bytes=${audio.length - 5}-`],
      ['quality', `bytes=${audio.length}-`],
    ]);
    expect(reads[0]).toMatchObject({ user_id: qualityId, call_id: callId });
    // Refused requests read nothing, so they leave no read row.
    await http().get(`/api/recordings/${recordingId}/audio`).set(as('agent')).expect(403);
    const [{ count }] = await api.dataSource.query(`SELECT count(*)::int AS count FROM recording_access_audit WHERE recording_id = $1`, [recordingId]);
    expect(count).toBe(reads.length);
  });

  it('requires a login, and a listening role for the audio', async () => {
    expect((await http().get(`/api/recordings/${recordingId}/audio`).expect(401)).body.code).toBe('TOKEN_MISSING');
    await http().get(`/api/recordings/${recordingId}/audio`).set(as('market.handler')).expect(403);
    await http().get(`/api/recordings/${recordingId}/audio`).set(as('agent')).expect(403);
    expect((await http().get('/api/recordings/not-a-uuid').set(as('quality')).expect(400)).body.code).toBe('RECORDING_ID_INVALID');
    expect((await http().get('/api/recordings/00000000-0000-4000-8000-000000000000').set(as('quality')).expect(404)).body.code).toBe('RECORDING_NOT_FOUND');
  });

  it('answers 404 when the file is gone from the store, not a broken stream', async () => {
    await fs.rename(path.join(store, '20261123', 'dev-1.0.wav'), path.join(store, 'moved.wav'));
    try {
      expect((await http().get(`/api/recordings/${recordingId}/audio`).set(as('quality')).expect(404)).body.code).toBe('RECORDING_FILE_MISSING');
    } finally {
      await fs.rename(path.join(store, 'moved.wav'), path.join(store, '20261123', 'dev-1.0.wav'));
    }
  });

  describe('pause and resume', () => {
    let liveCallId: string;

    beforeAll(async () => {
      [{ id: liveCallId }] = await api.dataSource.query(
        `INSERT INTO calls (channel_id, direction, caller_number, dialed_number, status, started_at, answered_at) VALUES ('dev-2.0', 'inbound', '13800000001', '12345', 'answered', now(), now()) RETURNING id`,
      );
    });

    it('refuses at once a call the record shows ended or unknown', async () => {
      expect((await http().post(`/api/calls/${callId}/recording/pause`).set(as('agent')).send({ reason: '报卡号' }).expect(404)).body.code).toBe('CALL_NOT_ACTIVE');
      await http().post('/api/calls/00000000-0000-4000-8000-000000000000/recording/pause').set(as('agent')).send({ reason: '报卡号' }).expect(404);
    });

    it('answers 503 for a live call while no call-control listens', async () => {
      await http().post(`/api/calls/${liveCallId}/recording/pause`).set(as('agent')).send({ reason: '报卡号' }).expect(503);
    });

    it('sends a typed command with the reason and the user, and maps call-control refusals to HTTP', async () => {
      const received: HotlineCommand[] = [];
      const redis = new Redis(testEnvironment.TEST_REDIS_URL);
      const listener = new RedisCommandListener(redis, api.config);
      await listener.listen(async (command) => {
        received.push(command);
        if (command.type === 'recording.resume') {
          const { CallControlRefusedError } = await import('../../apps/api/src/call-control/call-control.client');
          throw new CallControlRefusedError({ code: 'CALL_NOT_ACTIVE', message: 'gone', kind: 'not_found' });
        }
        return { paused: true };
      });
      try {
        expect((await http().post(`/api/calls/${liveCallId}/recording/pause`).set(as('agent')).send({ reason: '  报卡号 ' }).expect(200)).body).toEqual({ paused: true });
        expect(received[0]).toMatchObject({ type: 'recording.pause', payload: { callId: liveCallId, reason: '报卡号', requestedBy: 'agent' } });
        expect((await http().post(`/api/calls/${liveCallId}/recording/resume`).set(as('agent')).send({ reason: '好了' }).expect(404)).body.code).toBe('CALL_NOT_ACTIVE');
        expect((await http().post(`/api/calls/${liveCallId}/recording/pause`).set(as('agent')).send({}).expect(400)).body.code).toBe('VALIDATION_FAILED');
        await http().post(`/api/calls/${liveCallId}/recording/pause`).set(as('quality')).send({ reason: 'x' }).expect(403);
      } finally {
        await listener.onApplicationShutdown();
        redis.disconnect();
      }
    });

    it("answers 503 with call-control's code when it cannot act for now (the call's record waits for the database)", async () => {
      const redis = new Redis(testEnvironment.TEST_REDIS_URL);
      const listener = new RedisCommandListener(redis, api.config);
      const { CallRecordNotWrittenError } = await import('../../apps/call-control/src/calls/call-record.errors');
      await listener.listen(async () => {
        throw new CallRecordNotWrittenError(liveCallId, 5_000);
      });
      try {
        const refused = await http().post(`/api/calls/${liveCallId}/recording/pause`).set(as('agent')).send({ reason: '报卡号' }).expect(503);
        // The desk shows "code: message" (supervise-call.component.vue and the others).
        expect(refused.body).toMatchObject({ statusCode: 503, code: 'CALL_RECORD_NOT_WRITTEN', message: expect.stringContaining(`call ${liveCallId}`) });
        expect(refused.body.message).toMatch(/within 5000 ms/);
      } finally {
        await listener.onApplicationShutdown();
        redis.disconnect();
      }
    });
  });
});

/** supertest keeps binary bodies as Buffers only with a parser like this one. */
function binary(response: request.Response, done: (error: Error | null, body: Buffer) => void): void {
  const stream = response as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}
