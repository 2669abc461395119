/**
 * IVR flows, lines, caller lists and the ACD over HTTP on the real api, Postgres and Redis. A stand-in
 * listener answers the commands call-control would (the telephony tests prove call-control's side).
 */
import request from 'supertest';
import Redis from 'ioredis';
import { DEMO_PASSWORD, seedDemoData } from '@hotline/auth';
import { DEFAULT_IVR_FLOW_V1 } from '@hotline/ivr';
import { HotlineCommand } from '@hotline/realtime';
import { RedisCommandListener } from '@hotline/redis';
import { ApiTestServer, startApiTestServer } from '../support/api-test-server';
import { testEnvironment } from '../support/test-environment';

describe('IVR and ACD api (real Postgres, Redis)', () => {
  let api: ApiTestServer;
  let listener: RedisCommandListener;
  let redis: Redis;
  const received: HotlineCommand[] = [];
  const tokens: Record<string, string> = {};
  const http = () => request(api.url);
  const as = (username: string) => ({ Authorization: `Bearer ${tokens[username]}` });

  beforeAll(async () => {
    api = await startApiTestServer('ivr_acd_api');
    await seedDemoData(api.dataSource);
    for (const username of ['agent', 'supervisor', 'admin', 'quality']) {
      tokens[username] = (await http().post('/api/auth/login').send({ username, password: DEMO_PASSWORD }).expect(200)).body.accessToken;
    }
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

  describe('IVR flows', () => {
    it('has the default flow published as version 1, reaching a person with no key', async () => {
      expect((await http().get('/api/ivr/flows').set(as('admin')).expect(200)).body).toEqual([expect.objectContaining({ name: 'default', publishedVersion: 1, latestVersion: 1 })]);
      const validation = await http().post('/api/ivr/flows/validate').set(as('admin')).send({ document: DEFAULT_IVR_FLOW_V1 }).expect(200);
      expect(validation.body).toEqual({ ok: true, warnings: [], minKeyPressesToQueue: 0 });
    });

    it('refuses a bad flow with the path of every error, and saves nothing', async () => {
      const bad = { start: 'menu', nodes: { menu: { type: 'menu', prompt: { sound: 'menu-main' }, options: { '1': 'nowhere' }, timeoutMs: 5, onFailure: 'menu' } } };
      const validation = await http().post('/api/ivr/flows/validate').set(as('admin')).send({ document: bad }).expect(200);
      expect(validation.body).toMatchObject({ ok: false, issues: [{ path: 'nodes.menu.timeoutMs' }] });
      const refused = await http().post('/api/ivr/flows/draft/versions').set(as('admin')).send({ document: { ...bad, nodes: { menu: { ...bad.nodes.menu, timeoutMs: 5_000 } } } }).expect(400);
      expect(refused.body).toMatchObject({ code: 'IVR_FLOW_INVALID', issues: [{ field: 'nodes.menu.options.1', message: 'names no node ("nowhere")' }] });
      await http().get('/api/ivr/flows/draft/versions').set(as('admin')).expect(404);
    });

    it('saves versions, publishes one (telling call-control to reload) and rolls back', async () => {
      const flow = (key: string) => ({ start: 'm', nodes: { m: { type: 'menu', prompt: { tts: '请按键' }, options: { [key]: 'q' }, onFailure: 'q' }, q: { type: 'queue' } } });
      expect((await http().post('/api/ivr/flows/night/versions').set(as('admin')).send({ document: flow('1') }).expect(201)).body).toEqual({ version: 1, warnings: [] });
      expect((await http().post('/api/ivr/flows/night/versions').set(as('admin')).send({ document: flow('2') }).expect(201)).body.version).toBe(2);
      received.length = 0;
      expect((await http().post('/api/ivr/flows/night/versions/1/publish').set(as('admin')).expect(200)).body).toMatchObject({ version: 1, published: true, liveReload: 'applied' });
      expect(received).toEqual([expect.objectContaining({ type: 'config.reload', payload: { what: 'ivr-flows', requestedBy: 'admin' } })]);
      await http().post('/api/ivr/flows/night/versions/2/publish').set(as('admin')).expect(200);
      expect((await http().post('/api/ivr/flows/night/rollback').set(as('admin')).send({}).expect(200)).body).toMatchObject({ version: 1 });
      const versions = (await http().get('/api/ivr/flows/night/versions').set(as('admin')).expect(200)).body;
      expect(versions.map((version: { version: number; published: boolean }) => [version.version, version.published])).toEqual([[1, true], [2, false]]);
      expect((await http().post('/api/ivr/flows/night/versions/9/publish').set(as('admin')).expect(404)).body.code).toBe('IVR_FLOW_VERSION_NOT_FOUND');
      expect((await http().post('/api/ivr/flows/default/rollback').set(as('admin')).send({}).expect(409)).body.code).toBe('IVR_NOTHING_TO_ROLL_BACK_TO');
      const audit = await api.dataSource.query(`SELECT version, action, published_by FROM ivr_flow_publications WHERE flow_name = 'night' ORDER BY id`);
      expect(audit).toEqual([
        { version: 1, action: 'publish', published_by: 'admin' },
        { version: 2, action: 'publish', published_by: 'admin' },
        { version: 1, action: 'rollback', published_by: 'admin' },
      ]);
    });

    it('is for administrators only', async () => {
      await http().get('/api/ivr/flows').set(as('supervisor')).expect(403);
      await http().get('/api/ivr/flows').expect(401);
    });
  });

  describe('lines and caller lists', () => {
    it('lists the seeded integrated lines (seed 001) with their skills', async () => {
      const lines = (await http().get('/api/lines').set(as('supervisor')).expect(200)).body as Array<{ number: string; skill: string; mode: string }>;
      expect(lines.map((line) => [line.number, line.skill, line.mode])).toEqual([
        ['12315', 'consumer', 'dual_track'],
        ['12320', 'health', 'integrated'],
        ['12328', 'transport', 'dual_track'],
        ['12333', 'social-security', 'dual_track'],
        ['12345', 'general', 'primary'],
        ['12348', 'legal-aid', 'dual_track'],
        ['12369', 'environment', 'dual_track'],
      ]);
    });

    it('adds a line, refusing unknown skills and flows', async () => {
      const saved = await http().put('/api/lines/12358').set(as('admin')).send({ name: '价格举报热线', skill: 'consumer', mode: 'dual_track' }).expect(200);
      expect(saved.body).toMatchObject({ number: '12358', flowName: 'default', active: true, liveReload: 'applied' });
      expect((await http().put('/api/lines/12358').set(as('admin')).send({ name: 'x', skill: 'nope', mode: 'integrated' }).expect(404)).body.code).toBe('SKILL_NOT_FOUND');
      expect((await http().put('/api/lines/12358').set(as('admin')).send({ name: 'x', skill: 'consumer', flowName: 'nope', mode: 'integrated' }).expect(404)).body.code).toBe('IVR_FLOW_NOT_FOUND');
      expect((await http().put('/api/lines/95598x').set(as('admin')).send({ name: 'x', skill: 'consumer', mode: 'integrated' }).expect(400)).body.code).toBe('VALIDATION_FAILED');
    });

    it('keeps the elderly, VIP and blocked lists', async () => {
      await http().put('/api/caller-lists/elderly/13800000001').set(as('supervisor')).send({ note: '独居老人' }).expect(204);
      expect((await http().get('/api/caller-lists/elderly').set(as('supervisor')).expect(200)).body).toEqual([expect.objectContaining({ number: '13800000001', note: '独居老人', addedBy: 'supervisor' })]);
      await http().delete('/api/caller-lists/elderly/13800000001').set(as('supervisor')).expect(204);
      expect((await http().get('/api/caller-lists/elderly').set(as('supervisor')).expect(200)).body).toEqual([]);
      await http().put('/api/caller-lists/friends/13800000001').set(as('supervisor')).send({}).expect(400);
    });
  });

  describe('ACD', () => {
    let agentUserId: string;

    beforeAll(async () => {
      [{ id: agentUserId }] = await api.dataSource.query(`SELECT id FROM users WHERE username = 'agent'`);
    });

    it('configures agents with skill levels and seats (passwords kept only as the PJSIP md5 credential)', async () => {
      const agent = await http().put('/api/acd/agents/li-min').set(as('admin')).send({ name: '李敏', userId: agentUserId, skills: { general: 5, consumer: 3 } }).expect(200);
      expect(agent.body).toEqual({ id: 'li-min', name: '李敏', userId: agentUserId, active: true, skills: { general: 5, consumer: 3 } });
      await http().put('/api/acd/agents/wang').set(as('admin')).send({ name: '王', skills: { general: 2 } }).expect(200);
      const seat = await http().put('/api/acd/seats/seat-101').set(as('admin')).send({ name: '一号席', password: 'correct-horse-battery' }).expect(200);
      expect(seat.body).toMatchObject({ id: 'seat-101', registers: true, liveReload: 'applied' });
      const [row] = await api.dataSource.query(`SELECT md5_credential FROM acd_seats WHERE id = 'seat-101'`);
      expect(row.md5_credential).toMatch(/^[0-9a-f]{32}$/);
      expect(JSON.stringify(await api.dataSource.query(`SELECT * FROM acd_seats`))).not.toContain('correct-horse-battery');
      expect((await http().put('/api/acd/seats/seat-102').set(as('admin')).send({ name: 'x' }).expect(400)).body.code).toBe('VALIDATION_FAILED');
    });

    it('lets an agent change only their own state; a supervisor anyone\'s', async () => {
      received.length = 0;
      await http().post('/api/acd/agents/li-min/login').set(as('agent')).send({ seat: 'seat-101' }).expect(200);
      await http().put('/api/acd/agents/li-min/state').set(as('agent')).send({ state: 'not_ready', reason: '培训' }).expect(200);
      expect((await http().put('/api/acd/agents/wang/state').set(as('agent')).send({ state: 'ready' }).expect(403)).body.code).toBe('NOT_YOUR_AGENT');
      await http().put('/api/acd/agents/wang/state').set(as('supervisor')).send({ state: 'ready' }).expect(200);
      expect((await http().post('/api/acd/agents/nobody/logout').set(as('supervisor')).expect(404)).body.code).toBe('AGENT_NOT_FOUND');
      expect(received.map((command) => [command.type, command.payload])).toEqual([
        ['agent.login', { agentId: 'li-min', seat: 'seat-101', requestedBy: 'agent' }],
        ['agent.set-state', { agentId: 'li-min', state: 'not_ready', reason: '培训', requestedBy: 'agent' }],
        ['agent.set-state', { agentId: 'wang', state: 'ready', requestedBy: 'supervisor' }],
      ]);
    });

    it('shows queue settings, asks call-control for live figures, queues callbacks and lists abandoned calls', async () => {
      const queues = (await http().get('/api/acd/queues').set(as('supervisor')).expect(200)).body;
      expect(queues.find((queue: { skill: string }) => queue.skill === 'general')).toMatchObject({ ringTimeoutSeconds: 15, serviceLevelSeconds: 15, callbackOffer: true });
      expect((await http().get('/api/acd/queues/general/stats').set(as('supervisor')).expect(200)).body).toEqual({ handled: 'queue.stats' });
      expect((await http().get('/api/acd/queues/nope/stats').set(as('supervisor')).expect(404)).body.code).toBe('SKILL_NOT_FOUND');
      await http().post('/api/acd/callbacks').set(as('supervisor')).send({ number: '13800000009', skill: 'general' }).expect(200);
      expect(received.at(-1)).toMatchObject({ type: 'callback.request', payload: { number: '13800000009', skill: 'general' } });
      expect((await http().get('/api/acd/abandoned?day=2026-11-23').set(as('supervisor')).expect(200)).body).toEqual([]);
      // Agents read queue settings (their desk's wrap-up countdown), not the figures or the abandoned list.
      await http().get('/api/acd/queues').set(as('agent')).expect(200);
      await http().get('/api/acd/abandoned').set(as('agent')).expect(403);
    });
  });
});
