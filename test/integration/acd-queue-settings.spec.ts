/**
 * Skills and their queue settings over HTTP (the admin's queue editor) on the real api, Postgres and Redis;
 * a stand-in listener confirms the reload command call-control would get.
 */
import request from 'supertest';
import Redis from 'ioredis';
import { DEMO_PASSWORD, seedDemoData } from '@hotline/auth';
import { HotlineCommand } from '@hotline/realtime';
import { RedisCommandListener } from '@hotline/redis';
import { ApiTestServer, startApiTestServer } from '../support/api-test-server';
import { testEnvironment } from '../support/test-environment';

describe('queue settings api: PUT /api/acd/queues/{skill} (real Postgres, Redis)', () => {
  let api: ApiTestServer;
  let listener: RedisCommandListener;
  let redis: Redis;
  const received: HotlineCommand[] = [];
  const tokens: Record<string, string> = {};
  const as = (username: string) => ({ Authorization: `Bearer ${tokens[username]}` });

  beforeAll(async () => {
    api = await startApiTestServer('queue_settings');
    await seedDemoData(api.dataSource);
    for (const username of ['agent', 'admin']) tokens[username] = (await request(api.url).post('/api/auth/login').send({ username, password: DEMO_PASSWORD }).expect(200)).body.accessToken;
    redis = new Redis(testEnvironment.TEST_REDIS_URL);
    listener = new RedisCommandListener(redis, api.config);
    await listener.listen(async (command) => {
      received.push(command);
      return { handled: command.type };
    });
  });

  afterAll(async () => {
    await listener?.onApplicationShutdown();
    redis?.disconnect();
    await api?.close();
  });

  it('creates a skill with default settings, changes it, and tells call-control to re-read queues', async () => {
    const created = await request(api.url).put('/api/acd/queues/tax').set(as('admin')).send({ name: '税务' }).expect(200);
    expect(created.body).toEqual({
      skill: 'tax',
      name: '税务',
      ringTimeoutSeconds: 15,
      wrapUpSeconds: 10,
      announceEverySeconds: 30,
      maxWaitSeconds: 300,
      overflowSkill: null,
      callbackOffer: true,
      serviceLevelSeconds: 15,
      minLevel: 1,
      liveReload: 'applied',
    });
    await request(api.url).put('/api/acd/queues/tax').set(as('admin')).send({ name: '税务咨询', wrapUpSeconds: 20, overflowSkill: 'general' }).expect(200);
    // Agents read the settings (their desk counts wrap-up down from them).
    const queues = (await request(api.url).get('/api/acd/queues').set(as('agent')).expect(200)).body as { skill: string; wrapUpSeconds: number; overflowSkill: string | null }[];
    expect(queues.find((queue) => queue.skill === 'tax')).toMatchObject({ wrapUpSeconds: 20, overflowSkill: 'general' });
    expect(received.filter((command) => command.type === 'config.reload').map((command) => (command.payload as { what: string }).what)).toEqual(['queues', 'queues']);
  });

  it('refuses bad settings with the path of each error, and changes nothing', async () => {
    const bad = await request(api.url).put('/api/acd/queues/tax').set(as('admin')).send({ name: '', ringTimeoutSeconds: 2, colour: 'red' }).expect(400);
    expect((bad.body.issues as { field: string }[]).map((issue) => issue.field).sort()).toEqual(['colour', 'name', 'ringTimeoutSeconds']);
    const self = await request(api.url).put('/api/acd/queues/tax').set(as('admin')).send({ name: '税务', overflowSkill: 'tax' }).expect(400);
    expect(self.body).toMatchObject({ code: 'INVALID_OVERFLOW', issues: [{ field: 'overflowSkill', rule: 'not_self' }] });
    const unknown = await request(api.url).put('/api/acd/queues/tax').set(as('admin')).send({ name: '税务', overflowSkill: 'nowhere' }).expect(400);
    expect(unknown.body).toMatchObject({ code: 'INVALID_OVERFLOW', issues: [{ field: 'overflowSkill', rule: 'exists' }] });
    const [row] = await api.dataSource.query(`SELECT name, wrap_up_seconds, overflow_skill FROM acd_skills WHERE code = 'tax'`);
    expect(row).toEqual({ name: '税务咨询', wrap_up_seconds: 20, overflow_skill: 'general' });
  });

  it('is for admins only', async () => {
    await request(api.url).put('/api/acd/queues/tax').set(as('agent')).send({ name: '税务' }).expect(403);
  });
});
