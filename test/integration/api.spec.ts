import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ApiErrorDto, CallListDto, CallSummaryDto, HealthDto } from '@hotline/contracts';
import { asteriskAlarmKey, type HotlineEvent } from '@hotline/realtime';
import { DEMO_PASSWORD, seedDemoData } from '@hotline/auth';
import { ApiTestServer, startApiTestServer } from '../support/api-test-server';
import { SseTestClient } from '../support/sse-test-client';

interface CallFixture {
  caller: string;
  startedAt: string;
  status?: 'ringing' | 'answered' | 'ended';
  endedAt?: string;
  events?: Array<{ sequence: number; type: string; payload?: Record<string, unknown> }>;
}

describe('api (in-process, real Postgres and Redis, Asterisk down)', () => {
  let api: ApiTestServer;
  let webDir: string;

  beforeAll(async () => {
    // A stand-in web build, so serving the SPA is tested without running Vite.
    webDir = mkdtempSync(join(tmpdir(), 'hotline-web-'));
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>12345</title><div id="app"></div>');
    writeFileSync(join(webDir, 'assets', 'app-1a2b3c.js'), 'console.log(1)');
    api = await startApiTestServer('api', { WEB_DIST_DIR: webDir });
  }, 30_000);

  afterAll(async () => {
    await api?.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  const get = (path: string) => fetch(`${api.url}${path}`);

  async function insertCall(fixture: CallFixture): Promise<string> {
    const [{ id }] = await api.dataSource.query(
      `INSERT INTO calls (channel_id, direction, caller_number, dialed_number, status, started_at, ended_at, hangup_cause, hangup_cause_text)
       VALUES ($1, 'inbound', $2, '12345', $3, $4, $5, $6, $7) RETURNING id`,
      [
        `chan-${randomUUID()}`,
        fixture.caller,
        fixture.status ?? 'ended',
        fixture.startedAt,
        fixture.endedAt ?? null,
        fixture.endedAt ? 16 : null,
        fixture.endedAt ? 'Normal Clearing' : null,
      ],
    );
    for (const event of fixture.events ?? []) {
      await api.dataSource.query(`INSERT INTO call_events (call_id, sequence, type, occurred_at, payload) VALUES ($1, $2, $3, $4, $5)`, [
        id,
        event.sequence,
        event.type,
        fixture.startedAt,
        JSON.stringify(event.payload ?? {}),
      ]);
    }
    return id as string;
  }

  /** A demo user's bearer token (the demo users are seeded once, idempotently). */
  async function tokenOf(username: string): Promise<string> {
    await seedDemoData(api.dataSource);
    const login = await fetch(`${api.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
    expect(login.status).toBe(200);
    return ((await login.json()) as { accessToken: string }).accessToken;
  }

  describe('health', () => {
    it('answers 503 to anonymous callers with each component up or down and nothing more', async () => {
      const response = await get('/api/health');
      const body = (await response.json()) as HealthDto;

      expect(response.status).toBe(503);
      expect(body).toEqual({
        status: 'error',
        info: { postgres: { status: 'up' }, redis: { status: 'up' } },
        error: { ari: { status: 'down' }, ami: { status: 'down' } },
        details: { postgres: { status: 'up' }, redis: { status: 'up' }, ari: { status: 'down' }, ami: { status: 'down' } },
      });
      // Internal addresses, reasons and versions are for staff only.
      expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|latencyMs|version/);
    });

    it('gives supervisors and admins the reasons and latencies, other roles up/down only', async () => {
      for (const username of ['supervisor', 'admin']) {
        const response = await fetch(`${api.url}/api/health`, { headers: { authorization: `Bearer ${await tokenOf(username)}` } });
        const body = (await response.json()) as HealthDto;
        expect(response.status).toBe(503);
        expect(body.status).toBe('error');
        expect(body.details.postgres).toMatchObject({ status: 'up', latencyMs: expect.any(Number) });
        expect(body.details.redis).toMatchObject({ status: 'up', latencyMs: expect.any(Number) });
        expect(body.details.ari).toMatchObject({ status: 'down', message: expect.stringContaining('ECONNREFUSED') });
        expect(body.details.ami).toMatchObject({ status: 'down', message: expect.stringContaining('ECONNREFUSED') });
        expect(Object.keys(body.error ?? {}).sort()).toEqual(['ami', 'ari']);
      }
      const agent = await fetch(`${api.url}/api/health`, { headers: { authorization: `Bearer ${await tokenOf('agent')}` } });
      expect(agent.status).toBe(503);
      expect(((await agent.json()) as HealthDto).details.ari).toEqual({ status: 'down' });
    });

    it("shows supervisors the last day's Asterisk alarm (kept by call-control in Redis), nobody else, and not an old one", async () => {
      const key = asteriskAlarmKey(api.config.REDIS_PREFIX);
      const kept = { alarm: 'asterisk_restart', severity: 'critical', message: 'Asterisk restarted; 2 call(s) lost', asteriskStartedAt: 'b', previousAsteriskStartedAt: 'a', lostCallIds: ['c1', 'c2'] };
      await api.redis.set(key, JSON.stringify({ ...kept, raisedAt: new Date(Date.now() - 60_000).toISOString() }));
      try {
        const asSupervisor = (await (await fetch(`${api.url}/api/health`, { headers: { authorization: `Bearer ${await tokenOf('supervisor')}` } })).json()) as HealthDto;
        expect(asSupervisor.alarms).toEqual([{ alarm: 'asterisk_restart', severity: 'critical', message: kept.message, raisedAt: expect.any(String), lostCalls: 2 }]);
        const asAgent = (await (await fetch(`${api.url}/api/health`, { headers: { authorization: `Bearer ${await tokenOf('agent')}` } })).json()) as HealthDto;
        expect(asAgent.alarms).toBeUndefined();
        expect(((await (await get('/api/health')).json()) as HealthDto).alarms).toBeUndefined();

        await api.redis.set(key, JSON.stringify({ ...kept, raisedAt: new Date(Date.now() - 25 * 3_600_000).toISOString() }));
        const dayOld = (await (await fetch(`${api.url}/api/health`, { headers: { authorization: `Bearer ${await tokenOf('admin')}` } })).json()) as HealthDto;
        expect(dayOld.alarms).toBeUndefined();
      } finally {
        await api.redis.del(key);
      }
    });

    it('refuses a bad token with 401 and the reason rather than answering as if anonymous', async () => {
      const response = await fetch(`${api.url}/api/health`, { headers: { authorization: 'Bearer not-a-token' } });
      expect(response.status).toBe(401);
      expect((await response.json()) as ApiErrorDto).toMatchObject({ code: 'TOKEN_INVALID', message: expect.stringContaining('invalid or expired') });
    });
  });

  describe('calls', () => {
    let oldest: string;
    let middle: string;
    let newest: string;
    let token = '';
    // Call records are the centre's: logged in as an agent (full caller numbers).
    const getCalls = (path: string) => fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

    beforeAll(async () => {
      await seedDemoData(api.dataSource);
      const login = await fetch(`${api.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'agent', password: DEMO_PASSWORD }) });
      token = ((await login.json()) as { accessToken: string }).accessToken;
      // Inserted out of order, events too, so the answer's order comes from the query, not from insertion.
      middle = await insertCall({
        caller: '13800000002',
        startedAt: '2026-11-23T09:00:00Z',
        endedAt: '2026-11-23T09:01:30Z',
        events: [
          { sequence: 3, type: 'call.dtmf', payload: { digit: '2', index: 1 } },
          { sequence: 1, type: 'call.started' },
          { sequence: 4, type: 'call.ended', payload: { hangupCause: 16 } },
          { sequence: 2, type: 'call.answered' },
        ],
      });
      newest = await insertCall({ caller: '13800000003', startedAt: '2026-11-23T10:00:00Z', status: 'ringing', events: [{ sequence: 1, type: 'call.started' }] });
      oldest = await insertCall({ caller: '13800000001', startedAt: '2026-11-23T08:00:00Z', endedAt: '2026-11-23T08:00:10Z' });
    });

    it('lists the latest calls newest first, each with its ordered timeline', async () => {
      const response = await getCalls('/api/calls');
      const body = (await response.json()) as CallListDto;

      expect(response.status).toBe(200);
      expect(body.limit).toBe(20);
      expect(body.items.map((call) => call.id)).toEqual([newest, middle, oldest]);
      const [ringing, ended] = body.items as [CallSummaryDto, CallSummaryDto];
      expect(ringing).toMatchObject({ status: 'ringing', callerNumber: '13800000003', dialedNumber: '12345', durationMs: null, endedAt: null });
      expect(ended).toMatchObject({ status: 'ended', durationMs: 90_000, hangupCause: 16, hangupCauseText: 'Normal Clearing' });
      expect(ended.events.map((event) => [event.sequence, event.type])).toEqual([
        [1, 'call.started'],
        [2, 'call.answered'],
        [3, 'call.dtmf'],
        [4, 'call.ended'],
      ]);
      expect(ended.events[2]!.payload).toEqual({ digit: '2', index: 1 });
    });

    it('applies a limit', async () => {
      const body = (await (await getCalls('/api/calls?limit=2')).json()) as CallListDto;
      expect(body.items.map((call) => call.id)).toEqual([newest, middle]);
    });

    it.each([
      ['101', 'max'],
      ['0', 'min'],
      ['abc', 'integer'],
      ['5&limit=6', 'single'],
    ])('refuses limit=%s with 400 naming the field and rule %s', async (limit, rule) => {
      const response = await getCalls(`/api/calls?limit=${limit}`);
      const body = (await response.json()) as ApiErrorDto;

      expect(response.status).toBe(400);
      expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining('limit') });
      expect(body.issues).toEqual([expect.objectContaining({ field: 'limit', rule })]);
    });

    it('returns one call by id', async () => {
      const response = await getCalls(`/api/calls/${middle}`);
      const body = (await response.json()) as CallSummaryDto;
      expect(response.status).toBe(200);
      expect(body).toMatchObject({ id: middle, callerNumber: '13800000002' });
      expect(body.events).toHaveLength(4);
    });

    it('answers 401 without a login', async () => {
      expect((await get('/api/calls')).status).toBe(401);
      expect((await get(`/api/calls/${middle}`)).status).toBe(401);
    });

    it('answers 404 for an unknown id and 400 for one that is not a uuid', async () => {
      const unknown = await getCalls(`/api/calls/${randomUUID()}`);
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ statusCode: 404, error: 'Not Found', message: expect.stringContaining('not found') });

      const malformed = await getCalls('/api/calls/12345');
      expect(malformed.status).toBe(400);
      expect(((await malformed.json()) as ApiErrorDto).issues).toEqual([{ field: 'id', rule: 'uuid', message: 'must be a UUID' }]);
    });
  });

  it('documents every endpoint in OpenAPI at /api/docs-json, with tags, and serves the UI at /api/docs', async () => {
    const document = (await (await get('/api/docs-json')).json()) as {
      paths: Record<string, Record<string, { tags?: string[] }>>;
      components: { schemas: Record<string, unknown> };
    };

    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/calls', '/api/calls/{id}', '/api/events/stream', '/api/health', '/api/auth/login', '/api/work-orders']),
    );
    expect(document.paths['/api/calls']!.get!.tags).toEqual(['calls']);
    expect(document.paths['/api/health']!.get!.tags).toEqual(['health']);
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['CallListResponse', 'CallSummaryResponse', 'CallEventResponse', 'HealthResponse', 'ApiErrorResponse']),
    );

    const ui = await get('/api/docs');
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it('serves the web app with a fallback to index.html for client routes, but never for /api', async () => {
    const deepLink = await get('/some/client/route');
    expect(deepLink.status).toBe(200);
    expect(deepLink.headers.get('cache-control')).toBe('no-cache');
    expect(await deepLink.text()).toContain('<div id="app">');

    const asset = await get('/assets/app-1a2b3c.js');
    expect(asset.headers.get('cache-control')).toContain('immutable');

    const unknownApi = await get('/api/no-such-thing');
    expect(unknownApi.status).toBe(404);
    expect(unknownApi.headers.get('content-type')).toContain('application/json');
  });

  describe('event stream', () => {
    const ticketFor = async (token: string) => {
      const response = await fetch(`${api.url}/api/events/ticket`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      return (await response.json()) as { ticket: string; expiresIn: number };
    };
    const callStarted = (): HotlineEvent<'call.started'> => ({
      id: randomUUID(),
      type: 'call.started',
      version: 1,
      occurredAt: new Date().toISOString(),
      payload: { callId: randomUUID(), channelId: 'chan-live', callerNumber: '13900000000', dialedNumber: '12345', startedAt: new Date().toISOString() },
    });

    it('refuses anonymous listeners, spent and unknown tickets, and unit roles, each with the reason', async () => {
      const anonymous = await get('/api/events/stream');
      expect(anonymous.status).toBe(401);
      expect((await anonymous.json()) as ApiErrorDto).toMatchObject({ code: 'TOKEN_MISSING', message: expect.stringContaining('POST /api/events/ticket') });

      const unknown = await get(`/api/events/stream?ticket=${'x'.repeat(43)}`);
      expect(unknown.status).toBe(401);
      expect((await unknown.json()) as ApiErrorDto).toMatchObject({ code: 'TOKEN_INVALID', message: expect.stringContaining('unknown, already used or expired') });

      // A ticket opens one stream: the URL in a log is no use afterwards.
      const { ticket, expiresIn } = await ticketFor(await tokenOf('agent'));
      expect(expiresIn).toBe(30);
      const client = await SseTestClient.open(`${api.url}/api/events/stream?ticket=${ticket}`);
      try {
        await client.waitFor((event) => event.event === 'ready');
      } finally {
        client.close();
      }
      const again = await get(`/api/events/stream?ticket=${ticket}`);
      expect(again.status).toBe(401);
      expect(((await again.json()) as { code: string }).code).toBe('TOKEN_INVALID');

      const noTicketForAnonymous = await fetch(`${api.url}/api/events/ticket`, { method: 'POST' });
      expect(noTicketForAnonymous.status).toBe(401);
      const unit = await fetch(`${api.url}/api/events/stream`, { headers: { authorization: `Bearer ${await tokenOf('market.handler')}` } });
      expect(unit.status).toBe(403);
      expect(((await unit.json()) as { code: string }).code).toBe('ROLE_REQUIRED');
    });

    it('relays events published on Redis to a logged-in client, skipping invalid ones', async () => {
      const { ticket } = await ticketFor(await tokenOf('agent'));
      const client = await SseTestClient.open(`${api.url}/api/events/stream?ticket=${ticket}`);
      try {
        expect(client.headers['content-type']).toContain('text/event-stream');
        await client.waitFor((event) => event.event === 'ready');

        const event = callStarted();
        await api.publish({ ...event, id: 'broken', version: 99 } as unknown as HotlineEvent);
        await api.publish(event);

        const received = await client.waitFor((message) => message.event === 'message');
        expect(received.id).toBe(event.id);
        expect(JSON.parse(received.data)).toEqual(event);
        expect(client.received.filter((message) => message.event === 'message')).toHaveLength(1);
      } finally {
        client.close();
      }
    });

    it('tells only those who watch the floor who is monitoring which call, never the monitored agent', async () => {
      const agent = await SseTestClient.open(`${api.url}/api/events/stream`, { authorization: `Bearer ${await tokenOf('agent')}` });
      const supervisor = await SseTestClient.open(`${api.url}/api/events/stream`, { authorization: `Bearer ${await tokenOf('supervisor')}` });
      try {
        await agent.waitFor((event) => event.event === 'ready');
        await supervisor.waitFor((event) => event.event === 'ready');
        const callId = randomUUID();
        const monitoring: HotlineEvent<'supervision.changed'> = {
          id: randomUUID(),
          type: 'supervision.changed',
          version: 1,
          occurredAt: new Date().toISOString(),
          payload: {
            callId,
            channelId: 'chan-live',
            supervisionId: randomUUID(),
            supervisorUserId: randomUUID(),
            supervisor: 'supervisor',
            seat: 'seat-901',
            agentId: 'agent-1',
            mode: 'listen',
            state: 'active',
            previousMode: null,
            reason: null,
          },
        };
        await api.publish(monitoring);
        // A later call event marks the point by which the agent would have had the supervision event.
        const after = callStarted();
        await api.publish(after);
        expect((await supervisor.waitFor((message) => message.event === 'message')).id).toBe(monitoring.id);
        await agent.waitFor((message) => message.event === 'message' && message.id === after.id);
        expect(agent.received.filter((message) => message.event === 'message').map((message) => message.id)).toEqual([after.id]);
      } finally {
        agent.close();
        supervisor.close();
      }
    });

    it('masks caller numbers for roles that do not talk to callers, as /api/calls does', async () => {
      const client = await SseTestClient.open(`${api.url}/api/events/stream`, { authorization: `Bearer ${await tokenOf('admin')}` });
      try {
        await client.waitFor((event) => event.event === 'ready');
        const event = callStarted();
        await api.publish(event);
        const received = await client.waitFor((message) => message.event === 'message');
        expect(JSON.parse(received.data)).toEqual({ ...event, payload: { ...event.payload, callerNumber: '139****0000' } });
      } finally {
        client.close();
      }
    });
  });
});

describe('api shutdown', () => {
  it('ends open event streams and closes promptly', async () => {
    const api = await startApiTestServer('api_shutdown');
    let client: SseTestClient | undefined;
    try {
      await seedDemoData(api.dataSource);
      const login = await fetch(`${api.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'supervisor', password: DEMO_PASSWORD }) });
      const { accessToken } = (await login.json()) as { accessToken: string };
      client = await SseTestClient.open(`${api.url}/api/events/stream`, { authorization: `Bearer ${accessToken}` });
      await client.waitFor((event) => event.event === 'ready');
      const started = Date.now();
      await api.close();
      await client.ended;
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      client?.close();
    }
  }, 30_000);
});
